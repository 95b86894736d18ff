#include "db/import_progress_store.hpp"

#include <pqxx/pqxx>

namespace terrier::db {

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

std::optional<ImportProgress> import_progress(pqxx::connection_base& conn, const std::string& key) {
  pqxx::read_transaction r(conn);
  auto rows = r.exec_params(
      "SELECT actor, kind, state, rows_read, fraction, summary FROM import_progress "
      "WHERE key = $1",
      key);
  if (rows.empty()) return std::nullopt;
  ImportProgress p;
  p.actor = rows[0][0].as<std::string>();
  p.kind = rows[0][1].as<std::string>();
  p.state = rows[0][2].as<std::string>();
  p.rows_read = rows[0][3].as<long long>();
  if (!rows[0][4].is_null()) p.fraction = rows[0][4].as<double>();
  if (!rows[0][5].is_null()) p.summary = rows[0][5].as<std::string>();
  return p;
}

}  // namespace terrier::db
