#pragma once

// The opportunities' point tiles (above the clusters' zoom) from the
// in-memory snapshot (db/tile_snapshot): the rows and pixels PostGIS gives
// for db::query_tile's `ST_AsMVTGeom(ST_Transform(geom, 3857),
// ST_TileEnvelope(z, x, y), 4096, 64, true)` over `geom &&
// ST_Transform(ST_TileEnvelope(z, x, y), 4326)`, reproduced bit for bit:
// the envelope as ST_TileEnvelope computes it, the projections by PROJ as
// ST_Transform sets it up (geo/web_mercator), the && test on PostGIS's
// float boxes, the affine transform and rint of ST_AsMVTGeom, its clip.

#include <optional>
#include <vector>

#include "db/tile_snapshot.hpp"

namespace terrier::db {

struct TilePoint {
  std::uint32_t index = 0;  // in the snapshot
  int x = 0, y = 0;         // in the tile's extent (4096)
};

// The points of tile z/x/y that the filter keeps, in the snapshot's order;
// nullopt when a kept row with a footprint (not a point) reaches the tile:
// SQL draws those.
std::optional<std::vector<TilePoint>> point_tile(const OpportunitySnapshot& s,
                                                 const SnapshotFilter& filter, int z, int x, int y);

// Whether this process's projection gives PostGIS's numbers: for a sample
// of the snapshot's points, ST_Transform(point, 3857) and, at zooms 12 to
// 22, the lon/lat envelope of the tile that holds each. A PROJ or PostGIS
// that computes otherwise leaves the point tiles to SQL.
bool point_tiles_match_postgis(pqxx::connection_base& conn, const OpportunitySnapshot& s);

}  // namespace terrier::db
