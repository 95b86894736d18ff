#pragma once

// The API's writes go through the importers' own validation: a JSON object
// or GeoJSON Feature becomes one row of the import pipeline.

#include <optional>
#include <string>
#include <vector>

#include "db/reference_store.hpp"
#include "importers/mapping.hpp"
#include "importers/row_fields.hpp"
#include "importers/rows.hpp"

namespace terrier::importers {

struct JsonRow {
  std::optional<db::StagedRow> row;  // nullopt: rejected, see issues
  std::vector<RowIssue> issues;
};

// body: {"title": ..., "kind": ..., ...} or a GeoJSON Feature whose
// properties hold the fields (canonical names: see field_names()). Throws
// ImportError when the body is not a JSON object at all.
JsonRow validate_json_row(ImportKind kind, const std::string& body, db::ReferenceStore& store);

// The same against a given context (communes, region, slugs, places): no
// database, for callers that hold one already, and for the fuzzer.
JsonRow validate_json_row(ImportKind kind, const std::string& body, const RowContext& ctx);

// A stored row's fields in the same canonical form, for PATCH.
std::string merge_json_objects(const std::string& base, const std::string& patch);

}  // namespace terrier::importers
