#pragma once

// The model tables that imports and the API's writes feed, as sql/ creates
// them: each column with its SQL type, and the private table that holds the
// confidential ones. The staging COPY, the merge, the page-edit protection
// and the writes read these specs; a row builder (importers/rows) gives its
// values by these names.

#include "db/table_spec.hpp"

namespace terrier::db {

const TableSpec& opportunities_table();
const TableSpec& places_table();
const TableSpec& needs_table();

}  // namespace terrier::db
