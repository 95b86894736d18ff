// core/vocabulary.hpp and the database's domains list the same values, in
// the same order: a value added on one side only fails here.

#include "core/vocabulary.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/test_database.hpp"

namespace terrier {
namespace {

// The values a domain's CHECK allows, as PostgreSQL prints it:
// CHECK ((VALUE = ANY (ARRAY['a'::text, 'b'::text])))
std::vector<std::string> domain_values(pqxx::connection& c, std::string_view domain) {
  pqxx::read_transaction r(c);
  auto rows = r.exec_params(
      "SELECT pg_get_constraintdef(con.oid) FROM pg_constraint con "
      "JOIN pg_type t ON t.oid = con.contypid WHERE t.typname = $1 AND con.contype = 'c'",
      std::string(domain));
  std::vector<std::string> out;
  if (rows.size() != 1) return out;
  std::string def = rows[0][0].as<std::string>();
  static const std::regex quoted("'((?:[^']|'')*)'");
  for (auto it = std::sregex_iterator(def.begin(), def.end(), quoted); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

TEST(Vocabulary, EveryListIsTheDomainTheDatabaseChecks) {
  test::TestDatabase db;
  auto conn = db.connect();
  for (const auto& domain : vocabulary::kDomains) {
    SCOPED_TRACE(std::string(domain.sql_name));
    std::vector<std::string> code(domain.values.begin(), domain.values.end());
    EXPECT_EQ(domain_values(*conn, domain.sql_name), code);
  }
}

TEST(Vocabulary, TheDatabaseHasNoVocabularyDomainTheCodeIgnores) {
  test::TestDatabase db;
  auto conn = db.connect();
  pqxx::read_transaction r(*conn);
  // Every text domain with a list of values is one of the code's.
  auto rows = r.exec(
      "SELECT t.typname FROM pg_type t JOIN pg_constraint con ON con.contypid = t.oid "
      "WHERE t.typtype = 'd' AND t.typbasetype = 'text'::regtype "
      "AND pg_get_constraintdef(con.oid) LIKE '%ANY (ARRAY[%'");
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) {
    std::string name = row[0].as<std::string>();
    bool known = false;
    for (const auto& d : vocabulary::kDomains) known |= d.sql_name == name;
    EXPECT_TRUE(known) << name << " is a domain of the database that core/vocabulary.hpp lacks";
  }
}

TEST(Vocabulary, LabelsAreFrenchForTheValuesStoredWithoutAccentsOrAsAcronyms) {
  EXPECT_EQ(vocabulary::label("bcus"), "BCUS");
  EXPECT_EQ(vocabulary::label("departement"), "département");
  EXPECT_EQ(vocabulary::label("entrepôt"), "entrepôt");
  EXPECT_EQ(vocabulary::kAvailable, "disponible");
}

}  // namespace
}  // namespace terrier
