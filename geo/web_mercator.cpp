#include "geo/web_mercator.hpp"

#include <algorithm>
#include <cstdint>

namespace terrier::geo {

Box tile_envelope(int z, int x, int y) {
  // postgis/lwgeom_functions_basic.c, ST_TileEnvelope, margin 0, over the
  // default bounds 'LINESTRING(-20037508.342789244 -20037508.342789244,
  // 20037508.342789244 20037508.342789244)'. Same operations in the same
  // order: a different order would move a bound by an ulp, and a point on
  // a pixel's edge to the next pixel.
  const double bmin = -20037508.342789244, bmax = 20037508.342789244;
  const double width = bmax - bmin, height = bmax - bmin;
  const std::uint32_t world_tiles = 1u << z;
  const double size_x = width / world_tiles, size_y = height / world_tiles;
  const double margin = 0.0;
  Box b;
  b.xmin = bmin + size_x * (x - margin);
  b.xmax = bmin + size_x * (x + 1 + margin);
  b.ymin = bmax - size_y * (y + 1 + margin);
  b.ymax = bmax - size_y * (y - margin);
  b.ymin = std::max(b.ymin, bmin);
  b.ymax = std::min(b.ymax, bmax);
  return b;
}

WebMercator::WebMercator()
    : to_mercator_("EPSG:4326", "EPSG:3857"), to_lonlat_("EPSG:3857", "EPSG:4326") {}

Box WebMercator::to_lonlat(const Box& m) const {
  const XY corners[] = {
      to_lonlat_.transform({m.xmin, m.ymin}), to_lonlat_.transform({m.xmin, m.ymax}),
      to_lonlat_.transform({m.xmax, m.ymax}), to_lonlat_.transform({m.xmax, m.ymin})};
  Box out{corners[0].x, corners[0].y, corners[0].x, corners[0].y};
  for (const auto& c : corners) {
    out.xmin = std::min(out.xmin, c.x), out.xmax = std::max(out.xmax, c.x);
    out.ymin = std::min(out.ymin, c.y), out.ymax = std::max(out.ymax, c.y);
  }
  return out;
}

}  // namespace terrier::geo
