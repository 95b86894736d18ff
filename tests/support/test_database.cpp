#include "tests/support/test_database.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>

#include "db/connection.hpp"
#include "db/migrations.hpp"

namespace terrier::test {
namespace {

constexpr const char* kTemplate = "terrier_test_template";
constexpr long long kTemplateLock = 0x7465737474706cLL;

std::string unique_name() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string base = info ? fmt::format("{}_{}", info->test_suite_name(), info->name()) : "t";
  std::string clean;
  for (char c : base) clean += std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
  clean = clean.substr(0, 40);
  return fmt::format("t_{}_{}_{}", clean, getpid(), counter++);
}

// Creates the template database with all migrations once per cluster;
// concurrent test processes wait on an advisory lock.
void ensure_template(const std::string& admin) {
  auto conn = db::connect(admin);
  pqxx::nontransaction n(*conn);
  n.exec_params("SELECT pg_advisory_lock($1)", kTemplateLock);
  // The template says which migrations it holds; one left by an older
  // checkout is made again. (Connecting to it for nothing would make other
  // test processes' CREATE DATABASE ... TEMPLATE fail meanwhile.)
  auto migrations = db::load_migrations(TERRIER_SQL_DIR_DEFAULT);
  std::string holds = "migrations";
  for (const auto& m : migrations) holds += " " + m.checksum.substr(0, 8);
  auto found = n.exec_params(
      "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
      "WHERE datname = $1",
      kTemplate);
  if (found.empty() || found[0][0].as<std::string>() != holds) {
    if (!found.empty()) n.exec0(fmt::format("DROP DATABASE {}", kTemplate));
    n.exec0(fmt::format("CREATE DATABASE {}", kTemplate));
    try {
      auto tconn = db::connect(db::with_database(admin, kTemplate));
      db::migrate(*tconn, migrations);
      n.exec0(fmt::format("COMMENT ON DATABASE {} IS {}", kTemplate, n.quote(holds)));
    } catch (...) {
      n.exec0(fmt::format("DROP DATABASE IF EXISTS {}", kTemplate));
      n.exec_params("SELECT pg_advisory_unlock($1)", kTemplateLock);
      throw;
    }
  }
  n.exec_params("SELECT pg_advisory_unlock($1)", kTemplateLock);
}

}  // namespace

std::string admin_url() {
  const char* url = std::getenv("TERRIER_TEST_ADMIN_URL");
  if (url == nullptr || *url == '\0') {
    ADD_FAILURE() << "TERRIER_TEST_ADMIN_URL is not set: run the database tests with "
                     "./scripts/test, which starts a throwaway PostGIS";
    throw std::runtime_error("no test database");
  }
  return url;
}

TestDatabase::TestDatabase(Schema schema) : admin_url_(admin_url()), name_(unique_name()) {
  if (schema == Schema::migrated) ensure_template(admin_url_);
  auto conn = db::connect(admin_url_);
  pqxx::nontransaction n(*conn);
  n.exec0(schema == Schema::migrated
              ? fmt::format("CREATE DATABASE {} TEMPLATE {}", n.quote_name(name_), kTemplate)
              : fmt::format("CREATE DATABASE {}", n.quote_name(name_)));
  url_ = db::with_database(admin_url_, name_);
}

TestDatabase::~TestDatabase() {
  try {
    auto conn = db::connect(admin_url_);
    pqxx::nontransaction n(*conn);
    n.exec0(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", n.quote_name(name_)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "could not drop test database %s: %s\n", name_.c_str(), e.what());
  }
}

std::unique_ptr<pqxx::connection> TestDatabase::connect() const {
  return db::connect(url_);
}

CommandResult run_terrier(const std::string& args, const std::string& env) {
  std::string cmd = fmt::format("env {} {} {} 2>&1", env, TERRIER_BINARY, args);
  CommandResult result{-1, ""};
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
    result.output.append(buf.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace terrier::test
