#pragma once

// The headers people write for each field of each import kind, and the
// label a field is shown with: in suggestions, and (form_label) in the
// page's forms and the API's refusals. One table: the mapping reads it, the
// README lists it, the API names fields from it.

#include <string>
#include <vector>

#include "importers/mapping.hpp"

namespace terrier::importers {

struct FieldAliases {
  const char* field;
  const char* label;                 // how the field is named to people, in suggestions
  std::vector<const char*> aliases;  // normalised by normalize_header() when loaded
};

// The fields of `kind` (location fields last), in a fixed order.
std::vector<FieldAliases> table_for(ImportKind kind);

// The French label of a field as the page's forms show it ("Surface bâtie
// (m²)"): the table's label, or the form's shorter one; the field itself
// when no table has it.
std::string form_label(ImportKind kind, const std::string& field);

}  // namespace terrier::importers
