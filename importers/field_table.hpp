#pragma once

// The headers people write for each field of each import kind, and the
// label a field is shown with in suggestions. One table: the mapping reads
// it, the README lists it.

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

}  // namespace terrier::importers
