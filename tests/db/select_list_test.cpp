// A SELECT list whose readers find columns by name. No database.

#include "db/select_list.hpp"

#include <gtest/gtest.h>

namespace terrier::db {
namespace {

const SelectList& list() {
  static const SelectList l{{"id", "o.id"}, {"title", "o.title"}, {"lon", "ST_X(o.point)"}};
  return l;
}

TEST(SelectList, NamesEachExpression) {
  EXPECT_EQ(list().sql(), "o.id AS id, o.title AS title, ST_X(o.point) AS lon");
  EXPECT_EQ(list().size(), 3u);
}

TEST(SelectList, FindsAColumnByName) {
  EXPECT_EQ(list()["id"], 0u);
  EXPECT_EQ(list()["lon"], 2u);
  EXPECT_THROW(list()["lat"], DbError);
}

// A reader that needs less drops a column; the others' positions follow.
TEST(SelectList, WithoutAColumnTheOthersKeepTheirNames) {
  auto shorter = list().without("title");
  EXPECT_EQ(shorter.sql(), "o.id AS id, ST_X(o.point) AS lon");
  EXPECT_EQ(shorter["lon"], 1u);
  EXPECT_THROW(shorter["title"], DbError);
}

}  // namespace
}  // namespace terrier::db
