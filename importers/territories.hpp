#pragma once

// Territories (communes, EPCIs, départements, from boundary files) and the
// network's circles (from a circle -> member table).

#include "db/reference_store.hpp"
#include "db/territory_store.hpp"
#include "importers/importer.hpp"
#include "importers/record_source.hpp"

namespace terrier::importers {

db::MergeCounts import_territories(db::ReferenceStore& reference, db::TerritoryStore& store,
                                   RecordSource& source, const Mapping& mapping,
                                   const ImportOptions& options, ImportReport& report);

}  // namespace terrier::importers
