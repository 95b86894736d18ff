#pragma once

// Progress of imports running in a server process (import_progress): the
// importer's rows read, written on a connection of their own so that any
// server process sees them while the import's transaction is still open,
// and, once finished, the import's whole answer. Also the lock that keeps
// one import at a time per person, across server processes.

#include <optional>
#include <string>

#include "db/connection.hpp"

namespace terrier::db {

struct ImportProgress {
  std::string actor, kind, state;  // state: reading, merging, done, failed
  long long rows_read = 0;
  std::optional<double> fraction;
  std::optional<std::string> summary;  // "read N, inserted N, …" once done
  // Once finished: the JSON a synchronous import answers (its report, or
  // its problem details) and that answer's HTTP status.
  std::optional<std::string> answer;
  std::optional<int> status;
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
// The end of import `key`: state done or failed, with its whole answer.
void finish_import_progress(pqxx::connection_base& conn, const std::string& key,
                            const std::string& state, long long rows_read,
                            const std::optional<std::string>& summary, const std::string& answer,
                            int status);
std::optional<ImportProgress> import_progress(pqxx::connection_base& conn, const std::string& key);

// One import at a time per person: a session-level advisory lock on `conn`,
// held until unlock_importer or the end of the session (a server that dies
// releases it with its connection). False when another session holds it.
bool try_lock_importer(pqxx::connection_base& conn, const std::string& actor);
// The same lock, waiting for it at most `wait_ms` (an import that just said
// "done" releases it a moment later): false when it is still held then.
bool lock_importer_within(pqxx::connection_base& conn, const std::string& actor, int wait_ms);
void unlock_importer(pqxx::connection_base& conn, const std::string& actor);
// Whether some session holds `actor`'s import lock now.
bool importer_locked(pqxx::connection_base& conn, const std::string& actor);
// With `actor`'s lock held: the records of theirs still reading or merging,
// and with no job in import_jobs (which a worker would claim again), belong
// to an import whose server died; they are marked failed with `answer`
// (problem details) and `status`.
void fail_abandoned_imports(pqxx::connection_base& conn, const std::string& actor,
                            const std::string& answer, int status);

}  // namespace terrier::db
