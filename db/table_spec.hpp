#pragma once

// The definition of a model table fed by the import pipeline: its columns
// and their SQL types, and its private table. The staging COPY, the merge,
// the page-edit protection and the API's writes all read the same spec, and
// row builders give their values by column name (ordered_values), so that
// adding a column cannot shift another.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace terrier::db {

struct StageColumn {
  std::string name;
  std::string sql_type;  // as in the target table: "numeric", "tenure[]", "geometry", ...
};

// A model table fed by staging rows keyed on (source, external_id), or on
// (source, content_hash) when a row has no external id.
struct TableSpec {
  std::string table;
  std::vector<StageColumn> columns;
  std::string private_table;  // "" when none
  std::string private_key;
  std::vector<StageColumn> private_columns;

  // The column of that name, public or private; nullptr when none.
  const StageColumn* find(const std::string& name) const;
  bool is_private(const std::string& name) const;
  // The position of column `name` in a StagedRow's values (columns, then
  // private columns); throws std::logic_error when the spec has none.
  std::size_t index_of(std::string_view name) const;
  std::size_t width() const { return columns.size() + private_columns.size(); }
};

// One staged value and the column it is for.
struct NamedValue {
  std::string_view column;
  std::optional<std::string> value;
};
using NamedValues = std::vector<NamedValue>;

struct StagedRow {
  std::size_t position = 0;
  // The row's identity: its reference in `source` (the import's source when
  // the row names none), or the stored row's id itself ("#42" in a sheet
  // Terrier wrote, for a row that has no reference).
  std::optional<std::string> external_id;
  std::optional<std::string> source;
  std::optional<long long> target_id;
  std::string content_hash;
  std::vector<std::optional<std::string>> values;  // columns then private_columns
};

// A row builder's values in the spec's order. A column of the spec missing
// from `values`, or a name the spec does not have (or given twice), is the
// builder's bug: std::logic_error naming the table and the column.
std::vector<std::optional<std::string>> ordered_values(const TableSpec& spec, NamedValues values);

// The entity name row_edits and the audit log use for the spec's table
// ("opportunity", "need", "place"); throws DbError for another table.
std::string edited_entity(const TableSpec& spec);

}  // namespace terrier::db
