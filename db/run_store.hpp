#pragma once

// The record of each committed import (import_runs): what was read, from
// which file (name and SHA-256), by whom, and the counts. Works in the
// import's ImportTransaction, so that a run is recorded only with its data.

#include <pqxx/transaction_base>
#include <string>

#include "db/import_transaction.hpp"

namespace terrier::db {

struct ImportRun {
  std::string kind, source, file_name, file_sha256, user;
  bool dry_run = false;
  std::string started_at;  // ISO timestamp
  long long read = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0, deleted = 0,
            flagged = 0;
};

// The INSERT itself, in any transaction: RequestStore's import of requests
// records its run with it.
void record_run(pqxx::transaction_base& work, const ImportRun& run);

class RunStore {
 public:
  explicit RunStore(ImportTransaction& tx) : tx_(tx) {}

  void record_run(const ImportRun& run);

 private:
  ImportTransaction& tx_;
};

}  // namespace terrier::db
