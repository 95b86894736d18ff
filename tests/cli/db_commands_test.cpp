// The terrier binary's database commands, run as a user would run them.

#include <arpa/inet.h>
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "tests/support/test_database.hpp"

namespace terrier {
namespace {

namespace fs = std::filesystem;
using test::run_terrier;

std::size_t line_count(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

// A socket bound to a free loopback port, held for the test's duration.
class HeldPort {
 public:
  HeldPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 1);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~HeldPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

int free_port() {
  HeldPort p;
  return p.port();  // released on return; good enough on a quiet loopback
}

// A temporary TERRIER_HOME reachable by the cluster's unprivileged user.
class TempHome {
 public:
  TempHome() {
    char tmpl[] = "/tmp/terrier-home-XXXXXX";
    dir_ = mkdtemp(tmpl);
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  }
  ~TempHome() {
    run_terrier("db stop", env());
    fs::remove_all(dir_);
  }
  std::string env() const { return "-u TERRIER_DATABASE_URL TERRIER_HOME=" + dir_.string(); }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

// Every command registers itself (cli/command.hpp): `--help` lists each one,
// in the documented order, and each has its own help.
TEST(CliCommands, HelpListsEveryCommandInOrderAndEachAnswersItsOwnHelp) {
  auto help = run_terrier("--help");
  ASSERT_EQ(help.exit_code, 0) << help.output;
  const std::vector<std::string> commands = {"db",     "migrate", "backup", "restore",
                                             "import", "match",   "serve",  "alerts",
                                             "export", "token",   "user"};
  std::size_t from = help.output.find("Subcommands:");
  ASSERT_NE(from, std::string::npos) << help.output;
  for (const auto& c : commands) {
    auto at = help.output.find("\n  " + c + " ", from);
    ASSERT_NE(at, std::string::npos) << c << " missing or out of order in:\n" << help.output;
    from = at + 1;
    auto own = run_terrier(c + " --help");
    EXPECT_EQ(own.exit_code, 0) << c << ": " << own.output;
    EXPECT_NE(own.output.find("Usage:"), std::string::npos) << c << ": " << own.output;
  }
  auto unknown = run_terrier("frobnicate");
  EXPECT_NE(unknown.exit_code, 0);
  auto sub = run_terrier("user --help");
  for (const char* s : {"invite", "list", "disable", "enable", "reset"}) {
    EXPECT_NE(sub.output.find(std::string("\n  ") + s + " "), std::string::npos) << s;
  }
}

TEST(CliDatabase, BadDatabaseUrlGivesOneLineAndNonZeroExit) {
  auto r =
      run_terrier("migrate", "TERRIER_DATABASE_URL=postgresql://nobody:secret@127.0.0.1:1/nothing");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(line_count(r.output), 1u) << r.output;
  EXPECT_EQ(r.output.rfind("terrier: cannot connect to database postgresql://nobody:***@", 0), 0u)
      << r.output;
  EXPECT_EQ(r.output.find("secret"), std::string::npos) << "password leaked: " << r.output;
}

TEST(CliDatabase, MalformedDatabaseUrlIsRefused) {
  auto r = run_terrier("migrate", "TERRIER_DATABASE_URL=not-a-url");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(line_count(r.output), 1u) << r.output;
  EXPECT_NE(r.output.find("is not a libpq URI"), std::string::npos) << r.output;
}

TEST(CliDatabase, PortAlreadyTakenGivesOneLineAndNonZeroExit) {
  TempHome home;
  HeldPort taken;
  auto r = run_terrier(fmt::format("db start --port {}", taken.port()), home.env());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(line_count(r.output), 1u) << r.output;
  EXPECT_NE(r.output.find(fmt::format("port {} on 127.0.0.1 is already in use", taken.port())),
            std::string::npos)
      << r.output;
}

TEST(CliDatabase, StartMigrateStatusUrlStopLifecycle) {
  TempHome home;
  int port = free_port();
  auto env = home.env() + fmt::format(" TERRIER_DB_PORT={}", port);

  auto status = run_terrier("db status", env);
  EXPECT_EQ(status.exit_code, 3) << status.output;

  auto start = run_terrier("db start", env);
  ASSERT_EQ(start.exit_code, 0) << start.output;
  EXPECT_NE(start.output.find(fmt::format("database started on 127.0.0.1:{}", port)),
            std::string::npos)
      << start.output;

  auto again = run_terrier("db start", env);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already running"), std::string::npos) << again.output;

  status = run_terrier("db status", env);
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("database running"), std::string::npos) << status.output;

  auto url = run_terrier("db url", env);
  ASSERT_EQ(url.exit_code, 0) << url.output;
  EXPECT_EQ(url.output.rfind(fmt::format("postgresql://terrier:"), 0), 0u) << url.output;
  EXPECT_NE(url.output.find(fmt::format("@127.0.0.1:{}/terrier", port)), std::string::npos);

  auto migrate = run_terrier("migrate", env);
  EXPECT_EQ(migrate.exit_code, 0) << migrate.output;
  EXPECT_NE(migrate.output.find("applied 001_extensions.sql"), std::string::npos) << migrate.output;
  auto migrate2 = run_terrier("migrate", env);
  EXPECT_EQ(migrate2.exit_code, 0) << migrate2.output;
  EXPECT_NE(migrate2.output.find("0 migration(s) applied"), std::string::npos) << migrate2.output;

  // The URI printed by `db url` works for any libpq client.
  std::string uri = url.output.substr(0, url.output.find('\n'));
  auto tables = run_terrier("db status", "TERRIER_DATABASE_URL=" + uri);
  EXPECT_EQ(tables.exit_code, 0) << tables.output;
  EXPECT_NE(tables.output.find("reachable (PostgreSQL 15"), std::string::npos) << tables.output;

  auto stop = run_terrier("db stop", env);
  EXPECT_EQ(stop.exit_code, 0) << stop.output;
  EXPECT_NE(stop.output.find("database stopped"), std::string::npos);
  status = run_terrier("db status", env);
  EXPECT_EQ(status.exit_code, 3) << status.output;
}

// A stop closes the clients' connections from the server's side, which
// leaves them in TIME_WAIT on the cluster's port: the next start must not
// take that for a port in use.
TEST(CliDatabase, RestartsAtOnceAfterClientsWereConnected) {
  TempHome home;
  int port = free_port();
  auto env = home.env() + fmt::format(" TERRIER_DB_PORT={}", port);
  auto start = run_terrier("db start", env);
  ASSERT_EQ(start.exit_code, 0) << start.output;
  auto url = run_terrier("db url", env);
  ASSERT_EQ(url.exit_code, 0) << url.output;
  std::string uri = url.output.substr(0, url.output.find('\n'));
  // Clients in the middle of a statement: the stop ends their sessions, they
  // see the connection closed and close too (as psql, or a server's pool).
  std::atomic<int> running{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 3; ++i) {
    clients.emplace_back([&] {
      try {
        pqxx::connection c(uri);
        pqxx::nontransaction n(c);
        ++running;
        n.exec("SELECT pg_sleep(60)");
      } catch (const std::exception&) {  // the stop breaks the connection
      }
    });
  }
  while (running < 3) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // Until the server runs the three statements (sent is not yet running).
  {
    pqxx::connection watch(uri);
    for (int i = 0; i < 500; ++i) {
      pqxx::nontransaction w(watch);
      if (w.exec1("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = "
                  "'SELECT pg_sleep(60)'")[0]
              .as<int>() >= 3) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  auto stop = run_terrier("db stop", env);
  for (auto& t : clients) t.join();
  ASSERT_EQ(stop.exit_code, 0) << stop.output;
  auto restart = run_terrier("db start", env);
  EXPECT_EQ(restart.exit_code, 0) << restart.output;
  EXPECT_NE(restart.output.find(fmt::format("database started on 127.0.0.1:{}", port)),
            std::string::npos)
      << restart.output;
  EXPECT_EQ(run_terrier("db status", env).exit_code, 0);
}

TEST(CliDatabase, EditedMigrationIsRefusedWithOneLine) {
  test::TestDatabase database(test::TestDatabase::Schema::empty);
  char tmpl[] = "/tmp/terrier-sql-XXXXXX";
  fs::path sql = mkdtemp(tmpl);
  for (const auto& e : fs::directory_iterator(TERRIER_SQL_DIR_DEFAULT)) {
    fs::copy_file(e.path(), sql / e.path().filename());
  }
  std::string env =
      fmt::format("TERRIER_DATABASE_URL={} TERRIER_SQL_DIR={}", database.url(), sql.string());
  ASSERT_EQ(run_terrier("migrate", env).exit_code, 0);
  std::ofstream(sql / "003_places_opportunities_needs.sql", std::ios::app) << "\n-- edit\n";
  auto r = run_terrier("migrate", env);
  fs::remove_all(sql);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(line_count(r.output), 1u) << r.output;
  EXPECT_NE(r.output.find("003_places_opportunities_needs.sql was changed after it was applied"),
            std::string::npos)
      << r.output;
}

TEST(CliDatabase, ImportIntoAnUnmigratedDatabaseSaysToMigrate) {
  test::TestDatabase database(test::TestDatabase::Schema::empty);
  auto r = run_terrier(std::string("import circles ") + TERRIER_SOURCE_DIR + "/data/circles.csv",
                       "TERRIER_DATABASE_URL=" + database.url());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "terrier: the database has no Terrier schema: run 'terrier migrate' first\n");
}

TEST(CliDatabase, ExternalDatabaseIsNeverStarted) {
  auto r = run_terrier("db start", "TERRIER_DATABASE_URL=postgresql://x@127.0.0.1:1/y");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("does not start an embedded one"), std::string::npos) << r.output;
}

// `terrier db replica`'s refusals, one line each; the replica itself,
// streaming under load, is tests/cluster/run.
TEST(CliReplica, RefusesAnExternalDatabaseAMissingPrimaryATakenPortAndThePrimarysOwn) {
  auto external = run_terrier("db replica start --port 23456",
                              "TERRIER_DATABASE_URL=postgresql://x@127.0.0.1:1/y");
  EXPECT_EQ(external.exit_code, 1);
  EXPECT_NE(external.output.find("bring your own replicas"), std::string::npos) << external.output;

  TempHome home;
  int port = free_port();
  auto env = home.env() + fmt::format(" TERRIER_DB_PORT={}", port);
  auto no_primary = run_terrier(fmt::format("db replica start --port {}", port + 1), env);
  EXPECT_EQ(no_primary.exit_code, 1);
  EXPECT_EQ(line_count(no_primary.output), 1u) << no_primary.output;
  EXPECT_NE(no_primary.output.find("primary database is not running"), std::string::npos)
      << no_primary.output;

  ASSERT_EQ(run_terrier("db start", env).exit_code, 0);
  HeldPort taken;
  auto busy = run_terrier(fmt::format("db replica start --port {}", taken.port()), env);
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.output.find(fmt::format("port {} on 127.0.0.1 is already in use", taken.port())),
            std::string::npos)
      << busy.output;
  auto own = run_terrier(fmt::format("db replica start --port {}", port), env);
  EXPECT_EQ(own.exit_code, 1);
  EXPECT_NE(own.output.find("is the primary database's own"), std::string::npos) << own.output;
  auto status = run_terrier("db replica status", env);
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_EQ(status.output, "no replica (run 'terrier db replica start --port N')\n");
}

}  // namespace
}  // namespace terrier
