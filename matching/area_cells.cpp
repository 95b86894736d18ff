#include "matching/area_cells.hpp"

namespace terrier::matching {
namespace {

// Widening of a block's rectangle: a point is bucketed by a floating-point
// division, so it may sit a rounding error outside its cell.
constexpr double kEdge = 1e-9;

struct Classifier {
  const PointGrid& grid;
  const geo::GeosContext& ctx;
  const geo::GeosPrepared& prepared;
  std::vector<CellSpan>& out;

  void run(CellBox b) {
    double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0, unused_x = 0, unused_y = 0;
    grid.cell_bounds(b.col0, b.row0, min_lon, min_lat, unused_x, unused_y);
    grid.cell_bounds(b.col1 - 1, b.row1 - 1, unused_x, unused_y, max_lon, max_lat);
    auto rect = ctx.rectangle(min_lon - kEdge, min_lat - kEdge, max_lon + kEdge, max_lat + kEdge);
    if (!prepared.intersects(rect)) return;
    bool inside = prepared.contains(rect);
    if (inside || (b.col1 - b.col0 == 1 && b.row1 - b.row0 == 1)) {
      for (int row = b.row0; row < b.row1; ++row) out.push_back({row, b.col0, b.col1, !inside});
      return;
    }
    if (b.col1 - b.col0 >= b.row1 - b.row0) {
      int mid = (b.col0 + b.col1) / 2;
      run({b.col0, mid, b.row0, b.row1});
      run({mid, b.col1, b.row0, b.row1});
    } else {
      int mid = (b.row0 + b.row1) / 2;
      run({b.col0, b.col1, b.row0, mid});
      run({b.col0, b.col1, mid, b.row1});
    }
  }
};

}  // namespace

std::vector<CellSpan> area_cells(const PointGrid& grid, const geo::GeosContext& ctx,
                                 const geo::GeosGeometry& area, const geo::GeosPrepared& prepared) {
  std::vector<CellSpan> out;
  if (area.is_empty()) return out;
  auto b = area.envelope();
  CellBox cells = grid.cells_of(b.min_x, b.min_y, b.max_x, b.max_y);
  if (!cells.empty()) Classifier{grid, ctx, prepared, out}.run(cells);
  return out;
}

}  // namespace terrier::matching
