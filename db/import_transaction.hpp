#pragma once

// The one transaction an import (or one write through the API) runs in, and
// the name of its staging table. The stores of the import pipeline
// (reference, staging, duplicate, territory, run and row-write stores) each
// hold a reference to it, so that nothing they write is visible until
// commit(); a transaction destroyed uncommitted rolls back.

#include <memory>
#include <pqxx/connection_base>
#include <pqxx/transaction>
#include <string>

namespace terrier::db {

class ImportTransaction {
 public:
  explicit ImportTransaction(pqxx::connection_base& conn);
  ~ImportTransaction();
  ImportTransaction(const ImportTransaction&) = delete;
  ImportTransaction& operator=(const ImportTransaction&) = delete;

  pqxx::work& work() { return *work_; }
  // The temporary table the staging store last created ("" before).
  const std::string& stage_table() const { return stage_table_; }
  void set_stage_table(std::string name) { stage_table_ = std::move(name); }

  void commit();

 private:
  std::unique_ptr<pqxx::work> work_;
  std::string stage_table_;
};

}  // namespace terrier::db
