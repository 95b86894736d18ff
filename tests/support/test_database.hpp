#pragma once

// A uniquely named PostGIS database for one test, created on the throwaway
// cluster that scripts/test starts (TERRIER_TEST_ADMIN_URL points at its
// maintenance database) and dropped afterwards.

#include <functional>
#include <memory>
#include <string>

#include "db/connection.hpp"

namespace terrier::test {

class TestDatabase {
 public:
  enum class Schema { migrated, empty };

  // migrated: a copy of a template database with every migration of sql/
  // applied; empty: a bare database (for migration tests).
  explicit TestDatabase(Schema schema = Schema::migrated);
  // A copy of the template database `name`: the migrated template as
  // `fill(url)` left it, made once per cluster and made again when `key`
  // (what the filling depends on: its files' contents) changes. For what
  // every test of a fixture loads the same way (ImportTest's territories):
  // each test then copies it instead of loading it again.
  struct Template {
    std::string name;
    std::string key;
    std::function<void(const std::string& url)> fill;
  };
  explicit TestDatabase(const Template& from);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  std::unique_ptr<pqxx::connection> connect() const;

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// The admin URL, or a test failure explaining how to run the database tests.
std::string admin_url();

// Runs the terrier binary with arguments and extra environment ("K=V"
// entries); returns exit code and combined output.
struct CommandResult {
  int exit_code;
  std::string output;
};
CommandResult run_terrier(const std::string& args, const std::string& env = "");

}  // namespace terrier::test
