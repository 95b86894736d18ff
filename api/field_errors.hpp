#pragma once

// Refused fields of a write, as the page shows them: problem details whose
// "field" names the first refused JSON field and whose "detail" says why in
// French, with every refused field in "errors"
// ([{"field","code","params","detail","value"}]). The rules, the fields'
// labels and the reasons' words are the importers' own (importers/rows,
// importers/field_table, importers/reasons).

#include <string>
#include <vector>

#include "api/problem.hpp"
#include "importers/mapping.hpp"
#include "importers/row_fields.hpp"

namespace terrier::api {

// The French label of a field as the page's forms show it ("Surface bâtie
// (m²)"), from the importers' field table.
std::string field_label(importers::ImportKind kind, const std::string& field);

// 400 with "field", a French "detail" and "errors", from the rejected issues
// of one row.
Problem refused_fields(importers::ImportKind kind, const std::vector<importers::RowIssue>& issues);

// 403 for a field the role may not write, with "field".
Problem forbidden_field(importers::ImportKind kind, const std::string& field);

}  // namespace terrier::api
