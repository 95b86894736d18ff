#pragma once

// A re-import never silently undoes an edit made through the API: staged
// rows that would change a field edited in Terrier since keep Terrier's
// value, and each such field becomes a conflict in the report (row, field,
// both values), unless the import prefers the file.

#include "db/staging_store.hpp"
#include "importers/importer.hpp"

namespace terrier::importers {

// After stage(), before merge(); adds the conflicts to the report.
void keep_page_edits(db::StagingStore& store, const db::TableSpec& spec, ImportReport& report,
                     bool prefer_file);

}  // namespace terrier::importers
