#pragma once

// The spatial half of the probable-duplicate search for a large import: the
// pairs of opportunities of one kind within a distance of each other, one
// of them new or changed by this import, found with a hash grid in memory
// rather than one GiST probe per row. PostGIS then compares the pairs'
// titles (db::DuplicateStore::flag_duplicate_pairs).

#include <utility>
#include <vector>

#include "db/duplicate_store.hpp"

namespace terrier::importers {

// Pairs (o, d): o changed, d.id < o.id, the same kind, and a geodesic
// distance of at most `metres` (a centimetre more: PostGIS measures again).
std::vector<std::pair<long long, long long>> nearby_pairs(
    const std::vector<db::DuplicatePoint>& points, double metres);

}  // namespace terrier::importers
