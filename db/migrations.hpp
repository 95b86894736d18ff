#pragma once

// Schema migrations: numbered SQL files (NNN_name.sql) applied in order, each
// in its own transaction, recorded in schema_migrations with a checksum.

#include <filesystem>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
}

namespace terrier::db {

struct Migration {
  int version = 0;
  std::string name;  // file name, e.g. "002_territories.sql"
  std::string sql;
  std::string checksum;  // SHA-256 of the file's bytes
};

// Reads every NNN_*.sql file of a folder, sorted by version. Throws
// ConfigError for a missing folder, a badly named .sql file or two files with
// the same version.
std::vector<Migration> load_migrations(const std::filesystem::path& dir);

struct MigrationResult {
  std::vector<std::string> applied;  // names applied by this run
  std::size_t already_applied = 0;
};

// Applies the pending migrations. Refuses (DbError, nothing applied) a
// database whose recorded migrations differ from the files: a changed
// checksum, or a recorded version that has no file. Concurrent runs are
// serialised by an advisory lock.
MigrationResult migrate(pqxx::connection_base& conn, const std::vector<Migration>& migrations);

// Throws DbError ("run 'terrier migrate'") unless every migration file is
// applied, unchanged. Commands that use the data model call it first.
void require_current_schema(pqxx::connection_base& conn, const std::vector<Migration>& migrations);

}  // namespace terrier::db
