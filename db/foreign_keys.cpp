#include "db/foreign_keys.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>

namespace terrier::db {

bool lock_for_foreign_keys(pqxx::work& w, const std::string& table,
                           std::chrono::milliseconds wait) {
  std::string tables = w.quote_name(table);
  for (const auto& row :
       w.exec_params("SELECT DISTINCT confrelid::regclass::text FROM pg_constraint "
                     "WHERE conrelid = $1::regclass AND contype = 'f' AND confrelid <> conrelid",
                     table)) {
    tables += ", " + row[0].as<std::string>();  // regclass: quoted where needed
  }
  const std::string before = w.exec1("SELECT current_setting('lock_timeout')")[0].as<std::string>();
  bool locked = false;
  {
    pqxx::subtransaction s(w, "lock_for_foreign_keys");
    try {
      s.exec_params("SELECT set_config('lock_timeout', $1, true)",
                    std::to_string(wait.count()) + "ms");
      s.exec0("LOCK TABLE " + tables + " IN ACCESS EXCLUSIVE MODE");
      s.commit();
      locked = true;
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != "55P03") throw;  // lock_not_available: rolled back to the savepoint
    }
  }
  w.exec_params("SELECT set_config('lock_timeout', $1, true)", before);
  return locked;
}

ForeignKeys drop_foreign_keys(pqxx::work& w, const std::string& table) {
  ForeignKeys aside{table, {}};
  for (const auto& row :
       w.exec_params("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                     "WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname",
                     table)) {
    w.exec0(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", w.quote_name(table),
                        w.quote_name(row[0].as<std::string>())));
    aside.keys.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
  }
  return aside;
}

void restore_foreign_keys(pqxx::work& w, const ForeignKeys& aside) {
  for (const auto& [name, definition] : aside.keys) {
    w.exec0(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}", w.quote_name(aside.table),
                        w.quote_name(name), definition));
  }
}

}  // namespace terrier::db
