#include "db/import_job_store.hpp"

#include <pqxx/pqxx>

namespace terrier::db {

bool enqueue_import_job(pqxx::connection_base& conn, const std::string& key,
                        const std::string& actor, const std::string& call,
                        const std::string& format, const std::string& file, int max_waiting) {
  pqxx::work w(conn);
  // Serialised with the other servers' enqueues, so that the count holds.
  w.exec0("LOCK TABLE import_jobs IN SHARE ROW EXCLUSIVE MODE");
  auto r = w.exec_params(
      "INSERT INTO import_jobs (key, actor, call, format, file) "
      "SELECT $1, $2, $3::jsonb, $4, $5 "
      "WHERE (SELECT count(*) FROM import_jobs WHERE claimed_by IS NULL) < $6",
      key, actor, call, format, pqxx::binarystring(file), max_waiting);
  w.commit();
  return r.affected_rows() == 1;
}

void announce_import_jobs(pqxx::connection_base& conn) {
  pqxx::nontransaction n(conn);
  n.exec0("NOTIFY import_jobs");
}

bool has_import_job(pqxx::connection_base& conn, const std::string& actor) {
  pqxx::nontransaction n(conn);
  return n.exec_params1("SELECT EXISTS (SELECT 1 FROM import_jobs WHERE actor = $1)", actor)[0]
      .as<bool>();
}

std::optional<ClaimedImportJob> claim_import_job(pqxx::connection_base& conn,
                                                 const std::string& worker, int stale_after_s) {
  pqxx::work w(conn);
  auto rows = w.exec_params(
      "UPDATE import_jobs j SET claimed_by = $1, heartbeat_at = now(), attempts = attempts + 1 "
      "WHERE key = (SELECT key FROM import_jobs "
      "             WHERE claimed_by IS NULL "
      "                OR heartbeat_at < now() - make_interval(secs => $2) "
      "             ORDER BY created_at, key LIMIT 1 FOR UPDATE SKIP LOCKED) "
      "RETURNING key, actor, call::text, format, file, attempts",
      worker, stale_after_s);
  w.commit();
  if (rows.empty()) return std::nullopt;
  ClaimedImportJob job;
  job.key = rows[0][0].as<std::string>();
  job.actor = rows[0][1].as<std::string>();
  job.call = rows[0][2].as<std::string>();
  job.format = rows[0][3].as<std::string>();
  job.file = pqxx::binarystring(rows[0][4]).str();
  job.attempts = rows[0][5].as<int>();
  return job;
}

void beat_import_jobs(pqxx::connection_base& conn, const std::string& worker) {
  pqxx::work w(conn);
  w.exec_params("UPDATE import_jobs SET heartbeat_at = now() WHERE claimed_by = $1", worker);
  w.commit();
}

void release_import_job(pqxx::connection_base& conn, const std::string& key,
                        const std::string& worker) {
  pqxx::work w(conn);
  w.exec_params(
      "UPDATE import_jobs SET claimed_by = NULL, heartbeat_at = NULL, attempts = attempts - 1 "
      "WHERE key = $1 AND claimed_by = $2",
      key, worker);
  w.commit();
}

bool finish_import_job(pqxx::connection_base& conn, const std::string& key,
                       const std::string& worker) {
  pqxx::work w(conn);
  auto r = w.exec_params("DELETE FROM import_jobs WHERE key = $1 AND claimed_by = $2", key, worker);
  w.commit();
  return r.affected_rows() == 1;
}

}  // namespace terrier::db
