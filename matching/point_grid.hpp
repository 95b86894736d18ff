#pragma once

// A flat spatial index for the matching: points bucketed in a regular grid of
// lon/lat cells and stored in (group, row, column) order, so that the points
// of a row of cells in one group (an opportunity kind) are one contiguous
// range. Built once by a counting sort; read by many threads.

#include <cstdint>
#include <vector>

namespace terrier::matching {

struct CellBox {
  int col0 = 0, col1 = 0;  // [col0, col1)
  int row0 = 0, row1 = 0;  // [row0, row1)
  bool empty() const { return col0 >= col1 || row0 >= row1; }
};

class PointGrid {
 public:
  PointGrid() = default;
  // Points (lon[i], lat[i]) in group[i] < groups. The cell size follows the
  // density: a few points per cell, and never more than a few million cells.
  PointGrid(const std::vector<double>& lon, const std::vector<double>& lat,
            const std::vector<std::uint8_t>& group, int groups);

  // The cells a lon/lat box touches (empty when it misses the grid).
  CellBox cells_of(double min_lon, double min_lat, double max_lon, double max_lat) const;
  // The cell's rectangle.
  void cell_bounds(int col, int row, double& min_lon, double& min_lat, double& max_lon,
                   double& max_lat) const;

  // Positions [first, last) of the group's points in the cells [col0, col1)
  // of a row; order(pos) is the point's index given to the constructor.
  std::uint32_t first(int group, int row, int col) const {
    return offsets_[(static_cast<std::size_t>(group) * rows_ + row) * cols_ + col];
  }
  std::uint32_t order(std::uint32_t pos) const { return order_[pos]; }
  std::size_t size() const { return order_.size(); }

 private:
  double min_lon_ = 0, min_lat_ = 0, cell_ = 1;
  int cols_ = 0, rows_ = 0, groups_ = 0;
  std::vector<std::uint32_t> offsets_;  // groups × rows × cols + 1
  std::vector<std::uint32_t> order_;    // positions → point indices
};

}  // namespace terrier::matching
