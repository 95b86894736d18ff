// Read-your-writes without a cookie (db/replication: read_positions) in
// real PostgreSQL: a credential's position only moves forward, another
// credential's is its own, and a position older than the bound is neither
// read nor kept.

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "db/replication.hpp"
#include "tests/support/test_database.hpp"

namespace terrier::test {
namespace {

class ReadPositions : public ::testing::Test {
 protected:
  void SetUp() override { conn_ = db_.connect(); }

  long long rows() {
    pqxx::nontransaction n(*conn_);
    return n.exec1("SELECT count(*) FROM read_positions")[0].as<long long>();
  }

  TestDatabase db_;
  std::unique_ptr<pqxx::connection> conn_;
};

TEST_F(ReadPositions, MoveForwardOnlyPerCredentialAndExpire) {
  const auto a = *db::parse_lsn("1/A0000000");
  const auto b = *db::parse_lsn("2/10");
  EXPECT_EQ(db::remembered_read_position(*conn_, "token-1", 300), 0u);
  db::remember_read_position(*conn_, "token-1", b, 300);
  // A write whose position was read before another's committed: not back.
  db::remember_read_position(*conn_, "token-1", a, 300);
  EXPECT_EQ(db::remembered_read_position(*conn_, "token-1", 300), b);
  db::remember_read_position(*conn_, "session-2", a, 300);
  EXPECT_EQ(db::remembered_read_position(*conn_, "session-2", 300), a);
  EXPECT_EQ(db::remembered_read_position(*conn_, "token-1", 300), b);
  EXPECT_EQ(rows(), 2);

  // Ten minutes later the first is of no use (every healthy replica has
  // replayed it): not read, and dropped at the next write of anyone.
  {
    pqxx::work w(*conn_);
    w.exec0(
        "UPDATE read_positions SET written_at = now() - interval '10 minutes' "
        "WHERE credential = 'token-1'");
    w.commit();
  }
  EXPECT_EQ(db::remembered_read_position(*conn_, "token-1", 300), 0u);
  db::remember_read_position(*conn_, "session-2", b, 300);
  EXPECT_EQ(rows(), 1);
  EXPECT_EQ(db::remembered_read_position(*conn_, "session-2", 300), b);
}

}  // namespace
}  // namespace terrier::test
