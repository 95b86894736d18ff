#pragma once

// Progress of imports running in a server process (import_progress): the
// importer's rows read, written on a connection of their own so that any
// server process sees them while the import's transaction is still open.

#include <optional>
#include <string>

#include "db/connection.hpp"

namespace terrier::db {

struct ImportProgress {
  std::string actor, kind, state;  // state: reading, merging, done, failed
  long long rows_read = 0;
  std::optional<double> fraction;
  std::optional<std::string> summary;  // "read N, inserted N, …" once done
};

// Starts the record of import `key` (a fresh random key chosen by the
// page); false when the key is already taken. Removes records older than a
// day.
bool start_import_progress(pqxx::connection_base& conn, const std::string& key,
                           const std::string& actor, const std::string& kind);
void record_import_progress(pqxx::connection_base& conn, const std::string& key,
                            const std::string& state, long long rows_read,
                            std::optional<double> fraction,
                            const std::optional<std::string>& summary = std::nullopt);
std::optional<ImportProgress> import_progress(pqxx::connection_base& conn, const std::string& key);

}  // namespace terrier::db
