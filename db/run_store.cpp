#include "db/run_store.hpp"

#include <pqxx/pqxx>

namespace terrier::db {

void record_run(pqxx::transaction_base& work, const ImportRun& run) {
  work.exec_params(
      "INSERT INTO import_runs (kind, source, file_name, file_sha256, user_name, dry_run, "
      "started_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, "
      "rows_deleted, rows_flagged) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
      "$13, $14)",
      run.kind, run.source, run.file_name, run.file_sha256, run.user, run.dry_run, run.started_at,
      run.read, run.inserted, run.updated, run.unchanged, run.rejected, run.deleted, run.flagged);
}

void RunStore::record_run(const ImportRun& run) {
  db::record_run(tx_.work(), run);
}

}  // namespace terrier::db
