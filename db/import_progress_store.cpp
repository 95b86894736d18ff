#include "db/import_progress_store.hpp"

#include <pqxx/pqxx>

namespace terrier::db {
namespace {

// The advisory locks' namespace for imports (1 and 2 are sessions' and
// sign-ins' transaction locks): the pair (3, hashtext(actor)).
constexpr int kImportLockSpace = 3;

}  // namespace

bool start_import_progress(pqxx::connection_base& conn, const std::string& key,
                           const std::string& actor, const std::string& kind) {
  pqxx::work w(conn);
  w.exec0("DELETE FROM import_progress WHERE started_at < now() - interval '1 day'");
  auto r = w.exec_params(
      "INSERT INTO import_progress (key, actor, kind) VALUES ($1, $2, $3) "
      "ON CONFLICT (key) DO NOTHING",
      key, actor, kind);
  w.commit();
  return r.affected_rows() == 1;
}

void record_import_progress(pqxx::connection_base& conn, const std::string& key,
                            const std::string& state, long long rows_read,
                            std::optional<double> fraction,
                            const std::optional<std::string>& summary) {
  pqxx::work w(conn);
  w.exec_params(
      "UPDATE import_progress SET state = $2, rows_read = $3, fraction = $4, "
      "summary = coalesce($5, summary), updated_at = now() WHERE key = $1",
      key, state, rows_read, fraction, summary);
  w.commit();
}

void finish_import_progress(pqxx::connection_base& conn, const std::string& key,
                            const std::string& state, long long rows_read,
                            const std::optional<std::string>& summary, const std::string& answer,
                            int status) {
  pqxx::work w(conn);
  w.exec_params(
      "UPDATE import_progress SET state = $2, rows_read = $3, fraction = 1, "
      "summary = coalesce($4, summary), answer = $5, status = $6, updated_at = now() "
      "WHERE key = $1",
      key, state, rows_read, summary, answer, status);
  w.commit();
}

std::optional<ImportProgress> import_progress(pqxx::connection_base& conn, const std::string& key) {
  pqxx::read_transaction r(conn);
  auto rows = r.exec_params(
      "SELECT actor, kind, state, rows_read, fraction, summary, answer, status "
      "FROM import_progress WHERE key = $1",
      key);
  if (rows.empty()) return std::nullopt;
  ImportProgress p;
  p.actor = rows[0][0].as<std::string>();
  p.kind = rows[0][1].as<std::string>();
  p.state = rows[0][2].as<std::string>();
  p.rows_read = rows[0][3].as<long long>();
  if (!rows[0][4].is_null()) p.fraction = rows[0][4].as<double>();
  if (!rows[0][5].is_null()) p.summary = rows[0][5].as<std::string>();
  if (!rows[0][6].is_null()) p.answer = rows[0][6].as<std::string>();
  if (!rows[0][7].is_null()) p.status = rows[0][7].as<int>();
  return p;
}

bool try_lock_importer(pqxx::connection_base& conn, const std::string& actor) {
  pqxx::nontransaction n(conn);
  return n.exec_params1("SELECT pg_try_advisory_lock($1, hashtext($2))", kImportLockSpace, actor)[0]
      .as<bool>();
}

bool lock_importer_within(pqxx::connection_base& conn, const std::string& actor, int wait_ms) {
  if (try_lock_importer(conn, actor)) return true;
  // A session lock taken in a transaction outlives it; lock_timeout bounds
  // the wait for this statement only (SET LOCAL), and the wait ends as soon
  // as the holder releases it, not after a fixed sleep.
  pqxx::work w(conn);
  w.exec("SET LOCAL lock_timeout = " + w.quote(std::to_string(wait_ms) + "ms"));
  try {
    w.exec_params("SELECT pg_advisory_lock($1, hashtext($2))", kImportLockSpace, actor);
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == "55P03") return false;  // lock_not_available: still held
    throw;
  }
  w.commit();
  return true;
}

void unlock_importer(pqxx::connection_base& conn, const std::string& actor) {
  pqxx::nontransaction n(conn);
  n.exec_params("SELECT pg_advisory_unlock($1, hashtext($2))", kImportLockSpace, actor);
}

bool importer_locked(pqxx::connection_base& conn, const std::string& actor) {
  pqxx::nontransaction n(conn);
  // A lock on a pair of int4 keys is listed with classid, objid and
  // objsubid 2; objid is an oid, so a negative hash reads as its unsigned
  // value.
  return n
      .exec_params1(
          "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
          "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
          "AND classid = $1::int::oid AND objid = (hashtext($2)::bigint & 4294967295)::oid "
          "AND objsubid = 2)",
          kImportLockSpace, actor)[0]
      .as<bool>();
}

void fail_abandoned_imports(pqxx::connection_base& conn, const std::string& actor,
                            const std::string& answer, int status) {
  pqxx::work w(conn);
  w.exec_params(
      "UPDATE import_progress SET state = 'failed', answer = $2, status = $3, updated_at = now() "
      "WHERE actor = $1 AND state IN ('reading', 'merging') "
      // A job still queued (or whose worker died) is claimed again.
      "AND NOT EXISTS (SELECT 1 FROM import_jobs j WHERE j.key = import_progress.key)",
      actor, answer, status);
  w.commit();
}

}  // namespace terrier::db
