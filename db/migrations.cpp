#include "db/migrations.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>

#include "core/error.hpp"
#include "core/hash.hpp"

namespace terrier::db {
namespace {

// Arbitrary constant shared by every terrier process: "terrier" in ASCII.
constexpr long long kMigrationLockKey = 0x7465727269657200LL;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot read migration file", path.string()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::vector<Migration> load_migrations(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw ConfigError(
        fmt::format("{}: migrations folder not found (set TERRIER_SQL_DIR)", dir.string()));
  }
  static const std::regex name_pattern(R"(^([0-9]{3})_[a-z0-9_]+\.sql$)");
  std::map<int, Migration> by_version;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    std::string name = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(name, m, name_pattern)) {
      throw ConfigError(fmt::format(
          "{}: migration file names must look like 001_name.sql (lower case, digits, '_')",
          entry.path().string()));
    }
    Migration mig;
    mig.version = std::stoi(m[1].str());
    mig.name = name;
    mig.sql = read_file(entry.path());
    mig.checksum = sha256_hex(mig.sql);
    auto [it, inserted] = by_version.emplace(mig.version, std::move(mig));
    if (!inserted) {
      throw ConfigError(fmt::format("{}: two migration files have version {:03d}: {} and {}",
                                    dir.string(), it->first, it->second.name, name));
    }
  }
  std::vector<Migration> out;
  out.reserve(by_version.size());
  for (auto& [version, mig] : by_version) out.push_back(std::move(mig));
  return out;
}

MigrationResult migrate(pqxx::connection_base& conn, const std::vector<Migration>& migrations) {
  MigrationResult result;
  try {
    pqxx::nontransaction session(conn);
    session.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
    session.exec0(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY,"
        " name text NOT NULL,"
        " checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    session.commit();
  } catch (const pqxx::sql_error& e) {
    throw DbError(fmt::format("cannot prepare schema_migrations: {}", first_line(e.what())));
  }

  // Release the lock however we leave.
  struct Unlock {
    pqxx::connection_base& c;
    ~Unlock() {
      try {
        pqxx::nontransaction n(c);
        n.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
      } catch (...) {
        // The lock dies with the session anyway.
      }
    }
  } unlock{conn};

  std::map<int, std::pair<std::string, std::string>> recorded;  // version -> name, checksum
  {
    pqxx::read_transaction r(conn);
    for (const auto& row : r.exec("SELECT version, name, checksum FROM schema_migrations")) {
      recorded[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
    }
  }

  std::map<int, const Migration*> files;
  for (const auto& m : migrations) files[m.version] = &m;
  for (const auto& [version, rec] : recorded) {
    auto it = files.find(version);
    if (it == files.end()) {
      throw DbError(
          fmt::format("the database has migration {} ({}) that is not in the migrations folder: "
                      "it was migrated by a newer or different Terrier; refusing to continue",
                      version, rec.first));
    }
    if (it->second->checksum != rec.second) {
      throw DbError(fmt::format(
          "migration {} was changed after it was applied (recorded sha256 {}…, file has {}…); "
          "add a new migration instead of editing an applied one",
          it->second->name, rec.second.substr(0, 12), it->second->checksum.substr(0, 12)));
    }
  }

  for (const auto& m : migrations) {
    if (recorded.count(m.version)) {
      ++result.already_applied;
      continue;
    }
    try {
      pqxx::work w(conn);
      w.exec(m.sql);
      w.exec_params("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    m.version, m.name, m.checksum);
      w.commit();
    } catch (const pqxx::sql_error& e) {
      throw DbError(
          fmt::format("migration {} failed and was rolled back: {}", m.name, first_line(e.what())));
    }
    result.applied.push_back(m.name);
  }
  return result;
}

void require_current_schema(pqxx::connection_base& conn, const std::vector<Migration>& migrations) {
  pqxx::read_transaction r(conn);
  if (r.exec("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() "
             "AND tablename = 'schema_migrations'")
          .empty()) {
    throw DbError("the database has no Terrier schema: run 'terrier migrate' first");
  }
  std::map<int, std::string> recorded;
  for (const auto& row : r.exec("SELECT version, checksum FROM schema_migrations")) {
    recorded[row[0].as<int>()] = row[1].as<std::string>();
  }
  for (const auto& m : migrations) {
    auto it = recorded.find(m.version);
    if (it == recorded.end()) {
      throw DbError(
          fmt::format("migration {} is not applied: run 'terrier migrate' first", m.name));
    }
    if (it->second != m.checksum) {
      throw DbError(fmt::format("migration {} was changed after it was applied", m.name));
    }
  }
}

}  // namespace terrier::db
