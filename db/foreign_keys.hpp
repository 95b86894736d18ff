#pragma once

// A table's foreign keys set aside for a bulk write and added back in the
// same transaction: checked row by row, a key costs a lookup and a row lock
// in the referenced table per written row; added back, it is validated by
// one join. Dropping a key locks the referenced table too (ACCESS
// EXCLUSIVE) until the transaction ends: readers of both tables wait.

#include <chrono>
#include <pqxx/transaction>
#include <string>
#include <utility>
#include <vector>

namespace terrier::db {

struct ForeignKeys {
  std::string table;
  std::vector<std::pair<std::string, std::string>> keys;  // name, definition
};

// Takes the locks that dropping `table`'s foreign keys takes (ACCESS
// EXCLUSIVE on it and on the tables they reference), waiting at most `wait`:
// false, and nothing locked, when another transaction holds one of them
// longer (an import holds the opportunities for minutes, and every reader
// would queue behind the wait).
bool lock_for_foreign_keys(pqxx::work& w, const std::string& table, std::chrono::milliseconds wait);

// Drops every foreign key of `table` and returns their definitions.
ForeignKeys drop_foreign_keys(pqxx::work& w, const std::string& table);

// Adds them back, each validated against the rows now in the table (a
// violation throws pqxx::foreign_key_violation and the transaction is lost).
void restore_foreign_keys(pqxx::work& w, const ForeignKeys& aside);

}  // namespace terrier::db
