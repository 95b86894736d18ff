// Real failures on the server's side, provoked while a request runs: a
// statement timeout (the table locked by another session), the pool
// exhausted, the request's database session killed. Each answer is a 503
// with Retry-After, and its body names no statement, no table and no
// confidential value; the server keeps serving afterwards.

#include <fmt/core.h>

#include <future>
#include <pqxx/pqxx>
#include <thread>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

class ServerErrors : public ApiTest {
 protected:
  // The server again, with its own pool size and statement timeout.
  void restart_server(int pool, int statement_timeout_ms) {
    stop_server();
    // One test kills the server's session.
    start_server({"--threads", "4", "--pool", std::to_string(pool), "--statement-timeout",
                  std::to_string(statement_timeout_ms)},
                 /*broken_connection_leak=*/true);
  }

  // The answer says nothing of the database's inside.
  void expect_leaks_nothing(const HttpResponse& r, const std::string& what) {
    for (const char* word : {"SELECT",
                             "select ",
                             "FROM",
                             "opportunity_private",
                             "need_private",
                             "ST_",
                             "pqxx",
                             "canceling",
                             "statement timeout",
                             "terminating",
                             "ERROR",
                             "LINE ",
                             "sqlstate",
                             "Commune de Lille",
                             "Vanneste",
                             "SCI Les Tilleuls",
                             "contact@example.fr",
                             "amiante",
                             "Visite faite",
                             "postgresql://"}) {
      EXPECT_EQ(r.body.find(word), std::string::npos)
          << what << " leaks '" << word << "': " << r.body;
      EXPECT_EQ(r.headers.find(word), std::string::npos)
          << what << " leaks '" << word << "' in a header";
    }
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json") << what;
  }

  // Another session holds the opportunities table until released.
  struct TableLock {
    explicit TableLock(const std::string& url) : conn(url), work(conn) {
      work.exec("LOCK TABLE opportunities IN ACCESS EXCLUSIVE MODE");
    }
    pqxx::connection conn;
    pqxx::work work;
  };

  // The server's request sessions that wait for a lock (not its tile
  // listener, which may be loading its snapshot behind the same lock).
  static constexpr const char* kRequestsWaiting =
      "FROM pg_stat_activity WHERE datname = current_database() "
      "AND application_name = 'terrier serve' AND wait_event_type = 'Lock'";

  // Waits until a request session of the server waits for the lock.
  bool server_waits_for_lock() {
    for (int i = 0; i < 100; ++i) {
      if (value(fmt::format("SELECT count(*) {}", kRequestsWaiting)) != "0") {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  const std::string items_ = "/ogcapi/collections/opportunities/items?limit=5";
};

TEST_F(ServerErrors, AStatementTimeoutIsA503WithRetryAfter) {
  restart_server(4, 700);
  {
    TableLock lock(db_.url());
    auto started = std::chrono::steady_clock::now();
    auto r = get(items_, foundation_);
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.header("Retry-After"), "2");
    EXPECT_GE(took, std::chrono::milliseconds(600)) << "answered before the statement timed out";
    expect_leaks_nothing(r, "a statement timeout");
  }
  auto after = get(items_, foundation_);
  EXPECT_EQ(after.status, 200) << "the server did not recover: " << after.body;
}

TEST_F(ServerErrors, AnExhaustedPoolIsA503WithRetryAfter) {
  restart_server(1, 10000);
  TableLock lock(db_.url());
  // The pool's only connection waits for the lock...
  auto blocked = std::async(std::launch::async, [&] { return get(items_, foundation_); });
  ASSERT_TRUE(server_waits_for_lock());
  // ...so another request finds none free within its wait.
  auto r = get("/ogcapi/collections/needs/items?limit=1");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.header("Retry-After"), "2");
  expect_leaks_nothing(r, "an exhausted pool");
  lock.work.abort();
  EXPECT_EQ(blocked.get().status, 200);
  EXPECT_EQ(get("/ogcapi/collections/needs/items?limit=1").status, 200);
}

TEST_F(ServerErrors, ADatabaseSessionKilledMidRequestIsA503WithRetryAfter) {
  restart_server(2, 10000);
  TableLock lock(db_.url());
  auto blocked = std::async(std::launch::async, [&] { return get(items_, foundation_); });
  ASSERT_TRUE(server_waits_for_lock());
  // What a database restart does to the request's session.
  value(fmt::format("SELECT count(pg_terminate_backend(pid)) {}", kRequestsWaiting));
  auto r = blocked.get();
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.header("Retry-After"), "2");
  expect_leaks_nothing(r, "a killed session");
  lock.work.abort();
  auto after = get(items_, foundation_);
  EXPECT_EQ(after.status, 200) << "the server did not recover: " << after.body;
}

}  // namespace
}  // namespace terrier::test
