#pragma once

// A polygonal search area (a territory, a drawn polygon) laid over the
// matching's PointGrid: the runs of cells wholly inside it, whose points are
// in without a test, and the cells its boundary crosses, whose points get an
// exact point-in-polygon test. A circle of the network covers some ten
// thousand cells; a few hundred of them are on its boundary.

#include <vector>

#include "geo/geos.hpp"
#include "matching/point_grid.hpp"

namespace terrier::matching {

struct CellSpan {
  int row = 0, col0 = 0, col1 = 0;  // cells [col0, col1) of a row
  bool boundary = false;            // the area's boundary crosses them
};

// Splits the area's cells in quarters until each part is inside, outside,
// or one boundary cell. `prepared` is `area` prepared, in `ctx`.
std::vector<CellSpan> area_cells(const PointGrid& grid, const geo::GeosContext& ctx,
                                 const geo::GeosGeometry& area, const geo::GeosPrepared& prepared);

}  // namespace terrier::matching
