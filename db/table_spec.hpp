#pragma once

// The definition of a model table fed by the import pipeline: its columns
// and their SQL types, and its private table. The staging COPY, the merge,
// the page-edit protection and the API's writes all read the same spec.

#include <cstddef>
#include <optional>
#include <string>
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
};

struct StagedRow {
  std::size_t position = 0;
  std::optional<std::string> external_id;
  std::string content_hash;
  std::vector<std::optional<std::string>> values;  // columns then private_columns
};

// The entity name row_edits and the audit log use for the spec's table
// ("opportunity", "need", "place"); throws DbError for another table.
std::string edited_entity(const TableSpec& spec);

}  // namespace terrier::db
