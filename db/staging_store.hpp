#pragma once

// Staging and merge: the rows of one file (or of one API write) go through
// COPY into a temporary staging table, repeated rows are dropped, staged
// values that would undo an edit made in the page are kept back, and the
// merge inserts, updates or (with sync) deletes the model table's rows and
// their private rows. Works in its ImportTransaction.

#include <memory>
#include <optional>
#include <pqxx/stream_to>
#include <string>
#include <vector>

#include "db/import_transaction.hpp"
#include "db/table_spec.hpp"

namespace terrier::db {

// A COPY into the staging table of one import, fed row by row as the file is
// read, so that memory stays flat whatever the file's size. While it is open
// the import's transaction runs nothing else; finish() ends the COPY (a
// writer destroyed unfinished leaves the transaction to roll back).
class StageWriter {
 public:
  StageWriter(StageWriter&&) noexcept;
  ~StageWriter();
  void write(const StagedRow& row);
  void finish();

 private:
  friend class StagingStore;
  StageWriter(pqxx::work& w, const std::string& table, const std::vector<std::string>& names,
              std::string default_source);

  pqxx::work* work_;
  std::string table_;
  std::string default_source_;  // of the rows that name none
  std::vector<std::string> geometry_columns_;
  bool has_commune_ = false;
  std::string target_;
  std::unique_ptr<pqxx::stream_to> copy_;
  std::vector<const char*> line_;
  std::string position_;
};

// A staged row dropped because an earlier row of the file has its reference
// (or, without one, its whole content).
struct RepeatedRow {
  std::size_t position = 0, first_position = 0;
  std::optional<std::string> external_id;
};

struct MergeCounts {
  long long inserted = 0, updated = 0, unchanged = 0, deleted = 0;
};

// A field the file would change although it was edited through the API.
struct EditConflict {
  std::size_t position = 0;
  std::string field, terrier_value, file_value, edited_by, edited_at;
};

// A staged row an import limited to a circle may not write: the field
// that says why ("location", "visibility", "external_id"), its value, and
// the cause (the importers word it: importers/reasons).
struct OutOfScopeRow {
  enum class Cause { visibility, outside_circle, stored_row_out_of_reach };
  std::size_t position;
  std::string field, value;
  Cause cause;
};

// A staged row naming a stored row by its id ("#42") that does not exist
// (deleted since the sheet was written).
struct UnknownTarget {
  std::size_t position = 0;
  long long id = 0;
};

class StagingStore {
 public:
  explicit StagingStore(ImportTransaction& tx) : tx_(tx) {}

  // A temporary staging table for `spec`, fed through the returned COPY;
  // rows that name no source of their own take `source`.
  StageWriter begin_stage(const TableSpec& spec, const std::string& source);
  // The same for a few rows held in memory (the API's writes).
  void stage(const TableSpec& spec, const std::string& source, const std::vector<StagedRow>& rows);
  // After the COPY: each staged row's stored row (target_id), by the id it
  // names ("#42"), its source and reference, or its content; drops the rows
  // naming an id that does not exist, and returns them.
  std::vector<UnknownTarget> resolve_targets(const TableSpec& spec);
  // After resolve_targets(): a stored row's free columns (attributes) that
  // are not columns of this file stay as they are (a sheet exported for a
  // role that does not read them, or a file that dropped a column, loses
  // nothing); the file's own columns replace theirs.
  void keep_stored_attributes(const TableSpec& spec, const std::vector<std::string>& file_columns);
  // After resolve_targets(): drops the rows whose stored row, reference (or
  // content, for rows without one) an earlier row of the file already has,
  // and returns them.
  std::vector<RepeatedRow> drop_repeated_rows();
  // After resolve_targets(), before merge(): staged rows that would overwrite a field
  // edited through the API with another value keep Terrier's value (their
  // content hash is marked so that the next import looks again), unless
  // prefer_file, which applies the file's and forgets the edit.
  std::vector<EditConflict> keep_page_edits(const TableSpec& spec, bool prefer_file);
  // Imports limited to a circle (db/import_scope.cpp). After
  // resolve_targets(), before merge(): removes the staged rows that do not
  // lie in the circle `slug`, whose visibility is not in `visibilities`, or
  // that name a stored row outside them or holding confidential fields, and
  // returns them.
  std::vector<OutOfScopeRow> drop_rows_out_of_scope(const TableSpec& spec, const std::string& slug,
                                                    const std::vector<std::string>& visibilities);
  // Whether the stored row (source, external_id) has one of `visibilities`
  // (rows of a table without visibility: true).
  bool readable_by(const TableSpec& spec, const std::string& source, const std::string& external_id,
                   const std::vector<std::string>& visibilities);
  // Inserts the new rows, updates the changed ones; with sync, deletes the
  // rows of `source` the file no longer has (except protected_external_ids).
  MergeCounts merge(const TableSpec& spec, const std::string& source, bool sync,
                    const std::vector<std::string>& protected_external_ids);
  // Owner details, contacts and notes of the staged rows that changed
  // (their target_id set), into the spec's private table.
  void upsert_private(const TableSpec& spec);

 private:
  ImportTransaction& tx_;
};

}  // namespace terrier::db
