#include "db/import_transaction.hpp"

namespace terrier::db {

ImportTransaction::ImportTransaction(pqxx::connection_base& conn)
    : work_(std::make_unique<pqxx::work>(conn, "import")) {}

ImportTransaction::~ImportTransaction() = default;

void ImportTransaction::commit() {
  work_->commit();
}

}  // namespace terrier::db
