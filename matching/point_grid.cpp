#include "matching/point_grid.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace terrier::matching {
namespace {
constexpr double kPointsPerCell = 4;
constexpr double kMaxOffsets = 8e6;  // 32 MB of offsets at most
}  // namespace

PointGrid::PointGrid(const std::vector<double>& lon, const std::vector<double>& lat,
                     const std::vector<std::uint8_t>& group, int groups)
    : groups_(std::max(groups, 1)) {
  if (lon.size() != lat.size() || lon.size() != group.size()) {
    throw Error("PointGrid: coordinate and group arrays differ in size");
  }
  if (lon.size() >= UINT32_MAX) throw Error("PointGrid: too many points");
  if (lon.empty()) {
    cols_ = rows_ = 1;
    offsets_.assign(static_cast<std::size_t>(groups_) + 1, 0);
    return;
  }
  auto [lon_lo, lon_hi] = std::minmax_element(lon.begin(), lon.end());
  auto [lat_lo, lat_hi] = std::minmax_element(lat.begin(), lat.end());
  min_lon_ = *lon_lo;
  min_lat_ = *lat_lo;
  double width = std::max(*lon_hi - *lon_lo, 1e-9), height = std::max(*lat_hi - *lat_lo, 1e-9);
  cell_ = std::max(1e-4, std::sqrt(width * height * kPointsPerCell / double(lon.size())));
  auto cells = [&] { return (std::floor(width / cell_) + 1) * (std::floor(height / cell_) + 1); };
  while (cells() * groups_ > kMaxOffsets) cell_ *= 2;
  cols_ = static_cast<int>(std::floor(width / cell_)) + 1;
  rows_ = static_cast<int>(std::floor(height / cell_)) + 1;

  // Counting sort on (group, row, column).
  std::vector<std::uint32_t> key(lon.size());
  offsets_.assign(static_cast<std::size_t>(groups_) * rows_ * cols_ + 1, 0);
  for (std::size_t i = 0; i < lon.size(); ++i) {
    if (group[i] >= groups_) throw Error("PointGrid: group out of range");
    int col = std::clamp(static_cast<int>((lon[i] - min_lon_) / cell_), 0, cols_ - 1);
    int row = std::clamp(static_cast<int>((lat[i] - min_lat_) / cell_), 0, rows_ - 1);
    key[i] = static_cast<std::uint32_t>((static_cast<std::size_t>(group[i]) * rows_ + row) * cols_ +
                                        col);
    ++offsets_[key[i] + 1];
  }
  for (std::size_t k = 1; k < offsets_.size(); ++k) offsets_[k] += offsets_[k - 1];
  order_.resize(lon.size());
  std::vector<std::uint32_t> next(offsets_.begin(), offsets_.end() - 1);
  for (std::size_t i = 0; i < lon.size(); ++i)
    order_[next[key[i]]++] = static_cast<std::uint32_t>(i);
}

CellBox PointGrid::cells_of(double min_lon, double min_lat, double max_lon, double max_lat) const {
  double max_lon_grid = min_lon_ + cols_ * cell_, max_lat_grid = min_lat_ + rows_ * cell_;
  if (order_.empty() || !(max_lon >= min_lon_ && min_lon <= max_lon_grid && max_lat >= min_lat_ &&
                          min_lat <= max_lat_grid)) {
    return {};
  }
  auto col = [&](double x) {
    return std::clamp(static_cast<int>((x - min_lon_) / cell_), 0, cols_ - 1);
  };
  auto row = [&](double y) {
    return std::clamp(static_cast<int>((y - min_lat_) / cell_), 0, rows_ - 1);
  };
  return {col(min_lon), col(max_lon) + 1, row(min_lat), row(max_lat) + 1};
}

void PointGrid::cell_bounds(int col, int row, double& min_lon, double& min_lat, double& max_lon,
                            double& max_lat) const {
  // Computed from the grid alone: the outputs may be the same variable.
  min_lon = min_lon_ + col * cell_;
  min_lat = min_lat_ + row * cell_;
  max_lon = min_lon_ + (col + 1) * cell_;
  max_lat = min_lat_ + (row + 1) * cell_;
}

}  // namespace terrier::matching
