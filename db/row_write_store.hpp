#pragma once

// The API's writes of one row (create, update, delete of an opportunity or a
// need), through the same staging and merge as a file, and what goes with
// them: the row as JSON (before and after), the version check, the columns
// a page edit changed (row_edits, so that a re-import does not undo them),
// the animator's territory check, and the audit log. Works in its
// ImportTransaction; commit() commits it.

#include <optional>
#include <string>

#include "db/import_transaction.hpp"
#include "db/staging_store.hpp"
#include "db/table_spec.hpp"

namespace terrier::db {

// Whether need `need_id`'s centre (its search centre, or a point on its
// area) lies in territory `slug`: the rows of an animator's circle. False
// for an unknown need. The one place this rule is written: the writes check
// it, and the items tell the page with "editable".
bool need_in_territory(pqxx::transaction_base& tx, long long need_id, const std::string& slug);

class RowWriteStore {
 public:
  explicit RowWriteStore(ImportTransaction& tx) : tx_(tx), staging_(tx) {}

  // insert_row merges the row under `source` and returns its id; update_row
  // replaces the fields of row `id` (its source, external id and attributes
  // stay); delete_row returns false when absent.
  long long insert_row(const TableSpec& spec, const std::string& source, const StagedRow& row);
  bool update_row(const TableSpec& spec, long long id, const StagedRow& row);
  bool delete_row(const TableSpec& spec, long long id);
  // The row in the API's canonical field names (JSON), or nullopt.
  std::optional<std::string> row_json(const TableSpec& spec, long long id);
  // Locks row `id` for the rest of the transaction; false when absent. A
  // change locks first, then reads the row and checks what the role may do
  // with it: no concurrent write slips between the check and the change.
  bool lock_row(const TableSpec& spec, long long id);
  // Whether row `id` is at `version` (its updated_at in microseconds),
  // locked for the update.
  bool lock_at_version(const TableSpec& spec, long long id, long long version);
  // The columns an API update changed (before and after in row_json's
  // names), remembered so that a re-import does not undo them.
  void record_page_edits(const TableSpec& spec, long long id, const std::string& before,
                         const std::string& after, const std::string& who);
  // Whether a need's area lies in (meets) a territory, for animators.
  bool need_in_territory(long long need_id, const std::string& slug);
  void record_audit(const std::string& actor, const std::string& action, const std::string& entity,
                    std::optional<long long> id, const std::optional<std::string>& before,
                    const std::optional<std::string>& after);

  ImportTransaction& transaction() { return tx_; }
  void commit() { tx_.commit(); }

 private:
  ImportTransaction& tx_;
  StagingStore staging_;
};

}  // namespace terrier::db
