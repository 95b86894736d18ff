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
// A copy of the template's files rather than PostgreSQL 15's default, a copy
// through the WAL: 12 copies and drops of the migrated template by two
// clients at once took 3.9-5.1 s against 5.4-6.7 s, on the test cluster's
// settings (no fsync).
constexpr const char* kCopyStrategy = "STRATEGY FILE_COPY";
// Each template has a lock of its own (this class, the hash of its name):
// a process filling the demo data's template does not hold up another
// process copying the migrated one.
constexpr int kTemplateLockClass = 0x74706c;

std::string unique_name() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string base = info ? fmt::format("{}_{}", info->test_suite_name(), info->name()) : "t";
  std::string clean;
  for (char c : base) clean += std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
  clean = clean.substr(0, 40);
  return fmt::format("t_{}_{}_{}", clean, getpid(), counter++);
}

// Makes the database `name` a template holding what `fill` writes into a copy
// of `from` (or a bare database, `from` empty), unless its comment already
// says it holds `holds`. Concurrent test processes wait on the template's
// advisory lock.
// (Connecting to a template for nothing would make other test processes'
// CREATE DATABASE ... TEMPLATE fail meanwhile: its comment is read from the
// catalogue.)
void ensure_template(const std::string& admin, const std::string& name, const std::string& from,
                     const std::string& holds,
                     const std::function<void(const std::string&)>& fill) {
  auto conn = db::connect(admin);
  pqxx::nontransaction n(*conn);
  n.exec_params("SELECT pg_advisory_lock($1, hashtext($2))", kTemplateLockClass, name);
  auto found = n.exec_params(
      "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
      "WHERE datname = $1",
      name);
  if (found.empty() || found[0][0].as<std::string>() != holds) {
    if (!found.empty()) n.exec0(fmt::format("DROP DATABASE {}", n.quote_name(name)));
    n.exec0(from.empty() ? fmt::format("CREATE DATABASE {}", n.quote_name(name))
                         : fmt::format("CREATE DATABASE {} TEMPLATE {}", n.quote_name(name),
                                       n.quote_name(from)));
    try {
      fill(db::with_database(admin, name));
      n.exec0(fmt::format("COMMENT ON DATABASE {} IS {}", n.quote_name(name), n.quote(holds)));
    } catch (...) {
      n.exec0(fmt::format("DROP DATABASE IF EXISTS {}", n.quote_name(name)));
      n.exec_params("SELECT pg_advisory_unlock($1, hashtext($2))", kTemplateLockClass, name);
      throw;
    }
  }
  n.exec_params("SELECT pg_advisory_unlock($1, hashtext($2))", kTemplateLockClass, name);
}

// The template with every migration of sql/ applied; says which by their
// checksums, so that one left by an older checkout is made again.
void ensure_migrated_template(const std::string& admin) {
  auto migrations = db::load_migrations(TERRIER_SQL_DIR_DEFAULT);
  std::string holds = "migrations";
  for (const auto& m : migrations) holds += " " + m.checksum.substr(0, 8);
  ensure_template(admin, kTemplate, "", holds, [&](const std::string& url) {
    auto tconn = db::connect(url);
    db::migrate(*tconn, migrations);
  });
}

std::string migrated_key() {
  std::string holds;
  for (const auto& m : db::load_migrations(TERRIER_SQL_DIR_DEFAULT))
    holds += m.checksum.substr(0, 8);
  return holds;
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
  if (schema == Schema::migrated) ensure_migrated_template(admin_url_);
  auto conn = db::connect(admin_url_);
  pqxx::nontransaction n(*conn);
  n.exec0(schema == Schema::migrated ? fmt::format("CREATE DATABASE {} TEMPLATE {} {}",
                                                   n.quote_name(name_), kTemplate, kCopyStrategy)
                                     : fmt::format("CREATE DATABASE {}", n.quote_name(name_)));
  url_ = db::with_database(admin_url_, name_);
}

TestDatabase::TestDatabase(const Template& from) : admin_url_(admin_url()), name_(unique_name()) {
  ensure_migrated_template(admin_url_);
  // Made again with the migrations as well as with its own files.
  ensure_template(admin_url_, from.name, kTemplate, migrated_key() + " " + from.key, from.fill);
  auto conn = db::connect(admin_url_);
  pqxx::nontransaction n(*conn);
  n.exec0(fmt::format("CREATE DATABASE {} TEMPLATE {} {}", n.quote_name(name_),
                      n.quote_name(from.name), kCopyStrategy));
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
