#include "db/tile_points.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <pqxx/pqxx>

#include "geo/web_mercator.hpp"

namespace terrier::db {
namespace {

constexpr double kExtent = 4096;
constexpr double kBuffer = 64;

// PROJ's objects belong to one thread.
const geo::WebMercator& projection() {
  thread_local const geo::WebMercator p;
  return p;
}

struct FloatBox {
  float xmin, ymin, xmax, ymax;
};

FloatBox float_box(const geo::Box& b) {
  return {float_down(b.xmin), float_down(b.ymin), float_up(b.xmax), float_up(b.ymax)};
}

// box2df_overlaps (postgis/gserialized_gist_2d.c).
bool overlaps(const FloatBox& a, const FloatBox& b) {
  return !(a.xmin > b.xmax || b.xmin > a.xmax || a.ymin > b.ymax || b.ymin > a.ymax);
}

// A box of world coordinates (db::world_point), bounds included.
struct WorldBox {
  std::uint64_t x0, y0, x1, y1;
};

// Calls f(i) for each index in [begin, end) (the points of the quadtree
// node nx/ny at `level`) whose world position lies in the box: whole
// nodes inside it, a few points tested one by one, otherwise the four
// children, each a sub-range of the node's.
template <typename F>
void visit(const OpportunitySnapshot& s, const WorldBox& box, int level, std::uint64_t nx,
           std::uint64_t ny, std::size_t begin, std::size_t end, F& f) {
  if (begin == end) return;
  const int shift = 32 - level;
  const std::uint64_t x0 = nx << shift, y0 = ny << shift;
  const std::uint64_t x1 = x0 + (std::uint64_t{1} << shift) - 1,
                      y1 = y0 + (std::uint64_t{1} << shift) - 1;
  if (x1 < box.x0 || x0 > box.x1 || y1 < box.y0 || y0 > box.y1) return;
  const bool inside = x0 >= box.x0 && x1 <= box.x1 && y0 >= box.y0 && y1 <= box.y1;
  if (inside || end - begin <= 32 || level == 32) {
    for (std::size_t i = begin; i < end; ++i) {
      if (inside ||
          (s.x[i] >= box.x0 && s.x[i] <= box.x1 && s.y[i] >= box.y0 && s.y[i] <= box.y1)) {
        f(i);
      }
    }
    return;
  }
  for (std::uint64_t k = 0; k < 4; ++k) {  // the children in Z order
    const std::uint64_t cx = nx * 2 + (k & 1), cy = ny * 2 + (k >> 1);
    const int child_shift = shift - 1;
    const std::uint64_t last = z_order(static_cast<std::uint32_t>(((cx + 1) << child_shift) - 1),
                                       static_cast<std::uint32_t>(((cy + 1) << child_shift) - 1));
    const std::size_t child_end = code_range(s, 0, last, begin, end).second;
    visit(s, box, level + 1, cx, cy, begin, child_end, f);
    begin = child_end;
  }
}

// A world box that holds every point whose float box overlaps `env`: its
// lon/lat lie strictly between the floats next to env's bounds.
WorldBox candidates(const FloatBox& env) {
  const float max = std::numeric_limits<float>::max();
  const auto low = world_point(std::nextafter(env.xmin, -max), std::nextafter(env.ymax, max));
  const auto high = world_point(std::nextafter(env.xmax, max), std::nextafter(env.ymin, -max));
  // world_point rounds: a unit or two either way.
  auto minus = [](std::uint32_t v) { return std::uint64_t{v > 2 ? v - 2 : 0}; };
  auto plus = [](std::uint32_t v) {
    return std::min<std::uint64_t>(std::uint64_t{v} + 2, 0xffffffffu);
  };
  return {minus(low.x), minus(low.y), plus(high.x), plus(high.y)};
}

}  // namespace

std::optional<std::vector<TilePoint>> point_tile(const OpportunitySnapshot& s,
                                                 const SnapshotFilter& filter, int z, int x,
                                                 int y) {
  const geo::WebMercator& proj = projection();
  const geo::Box env = geo::tile_envelope(z, x, y);
  const FloatBox env_box = float_box(proj.to_lonlat(env));
  for (std::size_t k = 0; k < s.footprints.size(); ++k) {
    const auto& b = s.footprint_boxes[k];
    if (overlaps({b[0], b[1], b[2], b[3]}, env_box) && filter.keeps(s, s.footprints[k])) {
      return std::nullopt;
    }
  }
  // ST_AsMVTGeom (postgis/mvt.c, mvt_geom): the affine transform, in its
  // order of operations (0 * y and 0 * x add nothing), then rint.
  const double width = env.xmax - env.xmin, height = env.ymax - env.ymin;
  const double fx = kExtent / width, fy = -(kExtent / height);
  const double xoff = -env.xmin * fx, yoff = -env.ymax * fy;
  std::vector<TilePoint> out;
  auto keep = [&](std::size_t i) {
    const double lon = s.lon(i), lat = s.lat(i);
    const FloatBox point{float_down(lon), float_down(lat), float_up(lon), float_up(lat)};
    if (!overlaps(point, env_box) || !filter.keeps(s, i)) return;
    const geo::XY m = proj.forward(lon, lat);
    const double px = std::rint(fx * m.x + xoff), py = std::rint(fy * m.y + yoff);
    // The clip to the buffer (mvt_clip_and_validate_geos).
    if (px < -kBuffer || px > kExtent + kBuffer || py < -kBuffer || py > kExtent + kBuffer) return;
    out.push_back({static_cast<std::uint32_t>(i), static_cast<int>(px), static_cast<int>(py)});
  };
  visit(s, candidates(env_box), 0, 0, 0, 0, s.size(), keep);
  return out;
}

bool point_tiles_match_postgis(pqxx::connection_base& conn, const OpportunitySnapshot& s) {
  if (s.size() == 0) return true;
  const std::size_t step = std::max<std::size_t>(1, s.size() / 200);
  std::string lons = "{", lats = "{";
  std::vector<std::size_t> sample;
  for (std::size_t i = 0; i < s.size(); i += step) {
    sample.push_back(i);
    lons += fmt::format("{}{}", sample.size() > 1 ? "," : "", s.lon(i));
    lats += fmt::format("{}{}", sample.size() > 1 ? "," : "", s.lat(i));
  }
  lons += "}", lats += "}";
  pqxx::nontransaction tx(conn);
  // Each sampled point's 3857 position, and the lon/lat bounds of its
  // tiles at zooms 12 to 22 (as SQL's && sees them, before the floats).
  auto rows = tx.exec_params(
      "SELECT u.n, z, ST_X(m), ST_Y(m), ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
      "FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY u(lon, lat, n), "
      "LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326), 3857) m, "
      "generate_series(12, 22) z, "
      "LATERAL ST_Transform(ST_TileEnvelope(z, floor((ST_X(m) + 20037508.342789244) / "
      "(40075016.685578488 / 2 ^ z))::int, floor((20037508.342789244 - ST_Y(m)) / "
      "(40075016.685578488 / 2 ^ z))::int), 4326) e "
      // Web mercator's world: a tile beyond it does not exist.
      "WHERE abs(u.lat) < 85 AND abs(u.lon) < 180 ORDER BY u.n, z",
      lons, lats);
  const geo::WebMercator& proj = projection();
  for (const auto& r : rows) {
    const std::size_t i = sample.at(r[0].as<std::size_t>() - 1);
    const int z = r[1].as<int>();
    const double mx = r[2].as<double>(), my = r[3].as<double>();
    const auto m = proj.forward(s.lon(i), s.lat(i));
    if (m.x != mx || m.y != my) return false;
    const double tile = 40075016.685578488 / std::pow(2.0, z);
    const auto e = proj.to_lonlat(
        geo::tile_envelope(z, static_cast<int>(std::floor((mx + 20037508.342789244) / tile)),
                           static_cast<int>(std::floor((20037508.342789244 - my) / tile))));
    if (e.xmin != r[4].as<double>() || e.ymin != r[5].as<double>() || e.xmax != r[6].as<double>() ||
        e.ymax != r[7].as<double>()) {
      return false;
    }
  }
  return true;
}

}  // namespace terrier::db
