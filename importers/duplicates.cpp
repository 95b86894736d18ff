#include "importers/duplicates.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "geo/proj.hpp"

namespace terrier::importers {
namespace {

constexpr double kMetresPerDegreeLat = 110'500;  // fewer than anywhere: cells err on the large side

}  // namespace

std::vector<std::pair<long long, long long>> nearby_pairs(
    const std::vector<db::DuplicatePoint>& points, double metres) {
  std::vector<std::pair<long long, long long>> out;
  if (points.empty()) return out;
  // Cells at least `metres` wide everywhere in the data: a pair is then in
  // the same cell or in neighbouring ones.
  double max_abs_lat = 0;
  for (const auto& p : points) max_abs_lat = std::max(max_abs_lat, std::fabs(p.lat));
  double cell_lat = metres / kMetresPerDegreeLat;
  double cell_lon = cell_lat / std::max(std::cos(std::min(max_abs_lat, 89.0) * M_PI / 180), 0.01);

  std::unordered_map<std::string, std::uint32_t> kinds;
  auto key = [](std::uint32_t kind, std::int64_t col, std::int64_t row) {
    return (std::uint64_t(kind) << 48) ^ (std::uint64_t(col & 0xFFFFFF) << 24) ^
           std::uint64_t(row & 0xFFFFFF);
  };
  struct Cell {
    std::int64_t col, row;
    std::uint32_t kind;
  };
  std::vector<Cell> cells(points.size());
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> grid;
  grid.reserve(points.size());
  for (std::uint32_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    auto kind = kinds.emplace(p.kind, static_cast<std::uint32_t>(kinds.size())).first->second;
    cells[i] = {static_cast<std::int64_t>(std::floor(p.lon / cell_lon)),
                static_cast<std::int64_t>(std::floor(p.lat / cell_lat)), kind};
    grid[key(kind, cells[i].col, cells[i].row)].push_back(i);
  }
  for (std::uint32_t i = 0; i < points.size(); ++i) {
    const auto& o = points[i];
    if (!o.changed) continue;
    for (int dc = -1; dc <= 1; ++dc) {
      for (int dr = -1; dr <= 1; ++dr) {
        auto it = grid.find(key(cells[i].kind, cells[i].col + dc, cells[i].row + dr));
        if (it == grid.end()) continue;
        for (std::uint32_t j : it->second) {
          const auto& d = points[j];
          // The key's bits could fold two cells together: the kind and the
          // cell are checked again.
          if (d.id >= o.id || cells[j].kind != cells[i].kind || cells[j].col != cells[i].col + dc ||
              cells[j].row != cells[i].row + dr) {
            continue;
          }
          if (geo::geodesic_distance_m(o.lon, o.lat, d.lon, d.lat) <= metres + 0.01)
            out.emplace_back(o.id, d.id);
        }
      }
    }
  }
  return out;
}

}  // namespace terrier::importers
