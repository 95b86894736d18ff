#pragma once

// Background imports waiting for a worker, and the claims of the workers
// of every server process (import_jobs): the upload's bytes and the call
// they were sent with, claimed with FOR UPDATE SKIP LOCKED (two workers
// never take the same job), kept by a heartbeat, taken again when their
// worker stops beating (it died), deleted once the import's answer is in
// import_progress.

#include <optional>
#include <string>

#include "db/connection.hpp"

namespace terrier::db {

struct ClaimedImportJob {
  std::string key;  // the import's progress record
  std::string actor;
  std::string call;  // JSON, as given to enqueue_import_job
  std::string format;
  std::string file;  // the upload's bytes
  int attempts = 0;  // this claim included
};

// Queues import `key` (its progress record started) unless `max_waiting`
// jobs already wait for a worker: false then, nothing written.
bool enqueue_import_job(pqxx::connection_base& conn, const std::string& key,
                        const std::string& actor, const std::string& call,
                        const std::string& format, const std::string& file, int max_waiting);
// Tells the workers of every server that a job waits (LISTEN import_jobs).
void announce_import_jobs(pqxx::connection_base& conn);
// Whether `actor` has a job waiting or running.
bool has_import_job(pqxx::connection_base& conn, const std::string& actor);

// The oldest job nobody runs, or whose worker has not beaten for
// `stale_after_s` seconds, now claimed by `worker`; nothing when there is
// none (or every such job is being claimed by another worker right now).
std::optional<ClaimedImportJob> claim_import_job(pqxx::connection_base& conn,
                                                 const std::string& worker, int stale_after_s);
// The jobs `worker` holds are still running.
void beat_import_jobs(pqxx::connection_base& conn, const std::string& worker);
// Gives job `key` back unclaimed (its person's lock was taken: later).
void release_import_job(pqxx::connection_base& conn, const std::string& key,
                        const std::string& worker);
// The job is over (its answer recorded): false when `worker` no longer held
// it (another took it, thinking this one dead).
bool finish_import_job(pqxx::connection_base& conn, const std::string& key,
                       const std::string& worker);

}  // namespace terrier::db
