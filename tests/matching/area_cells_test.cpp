#include "matching/area_cells.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "geo/geos.hpp"
#include "matching/point_grid.hpp"

namespace terrier::matching {
namespace {

using Ring = std::vector<std::pair<double, double>>;  // closed: last == first
using Polygon = std::vector<Ring>;                    // shell, then holes

// A ring of `n` vertices around a centre, radius varying with the angle:
// concave, like a territory's outline.
Ring star(double cx, double cy, double rx, double ry, int n, bool clockwise = false) {
  Ring r;
  for (int k = 0; k <= n; ++k) {
    double a = 2 * std::numbers::pi * (k % n) / n * (clockwise ? -1 : 1);
    double f = k % 2 ? 0.6 : 1.0;
    r.emplace_back(cx + rx * f * std::cos(a), cy + ry * f * std::sin(a));
  }
  return r;
}

std::string ring_wkt(const Ring& ring) {
  std::string s = "(";
  for (std::size_t i = 0; i < ring.size(); ++i) {
    s += (i ? ", " : "") + std::to_string(ring[i].first) + " " + std::to_string(ring[i].second);
  }
  return s + ")";
}

std::string polygon_wkt(const Polygon& p) {
  std::string s = "(";
  for (std::size_t i = 0; i < p.size(); ++i) s += (i ? ", " : "") + ring_wkt(p[i]);
  return s + ")";
}

std::string wkt_of(const std::vector<Polygon>& parts) {
  if (parts.size() == 1) return "POLYGON" + polygon_wkt(parts[0]);
  std::string s = "MULTIPOLYGON(";
  for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + polygon_wkt(parts[i]);
  return s + ")";
}

struct Region {
  double min_lon, min_lat, max_lon, max_lat;
};
constexpr Region kAroundLens = {2.0, 49.9, 3.7, 51.0};

struct AreaCase {
  const char* name;
  std::vector<Polygon> parts;
  bool inner_cells_expected;    // large enough to have cells wholly inside
  Region points = kAroundLens;  // where the random points are
};

std::vector<AreaCase> area_cases() {
  // Around Lens: a 40 km star with a 12 km hole; a multipolygon of two such
  // parts (one with a hole) and a small triangle near Arras; a polygon in a
  // single cell; a thin diagonal strip; one around all the random points;
  // one away from them (only its own vertices and edges hold points).
  Ring triangle = {{2.70, 50.25}, {2.80, 50.25}, {2.75, 50.32}, {2.70, 50.25}};
  return {
      {"polygon with a hole",
       {{star(2.83, 50.43, 0.30, 0.20, 14), star(2.85, 50.42, 0.08, 0.05, 10, true)}},
       true},
      {"multipolygon, one part with a hole",
       {{star(2.45, 50.70, 0.22, 0.14, 12), star(2.45, 50.70, 0.05, 0.04, 8, true)},
        {star(3.25, 50.30, 0.18, 0.12, 10)},
        {triangle}},
       true},
      {"tiny square",
       {{{{2.831, 50.431},
          {2.8312, 50.431},
          {2.8312, 50.4312},
          {2.831, 50.4312},
          {2.831, 50.431}}}},
       false},
      {"thin diagonal strip",
       {{{{2.1, 50.0}, {2.12, 50.0}, {3.62, 50.95}, {3.60, 50.95}, {2.1, 50.0}}}},
       false},
      {"around all the random points, with a hole",
       {{{{1.0, 49.0}, {5.0, 49.0}, {5.0, 52.0}, {1.0, 52.0}, {1.0, 49.0}},
         star(2.8, 50.45, 0.2, 0.15, 12, true)}},
       true},
      {"away from the random points",
       {{{{5.0, 45.0}, {6.0, 45.0}, {6.0, 46.0}, {5.0, 45.0}}}},
       false},
      // Far from Hauts-de-France, where longitudes exceed latitudes.
      {"polygon with a hole in La Réunion",
       {{star(55.53, -21.13, 0.22, 0.18, 14), star(55.50, -21.12, 0.05, 0.04, 8, true)}},
       true,
       {55.2, -21.4, 55.85, -20.85}},
  };
}

struct Points {
  std::vector<double> lon, lat;
  std::vector<std::uint8_t> group;
  void add(double x, double y, std::uint8_t g) {
    lon.push_back(x);
    lat.push_back(y);
    group.push_back(g);
  }
};

constexpr int kGroups = 3;

// Random points over the region, and points on every vertex and along every
// edge of the area (on its boundary, where a rounding error would lose them).
Points points_for(const AreaCase& c, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
  };
  auto group = [&] {
    return static_cast<std::uint8_t>(std::uniform_int_distribution<int>(0, kGroups - 1)(rng));
  };
  Points p;
  const Region& r = c.points;
  for (int i = 0; i < 40000; ++i)
    p.add(uniform(r.min_lon, r.max_lon), uniform(r.min_lat, r.max_lat), group());
  for (const auto& polygon : c.parts) {
    for (const auto& ring : polygon) {
      for (std::size_t v = 0; v + 1 < ring.size(); ++v) {
        auto [x0, y0] = ring[v];
        auto [x1, y1] = ring[v + 1];
        for (double t : {0.0, 0.25, 0.5, uniform(0, 1)})
          p.add(x0 + t * (x1 - x0), y0 + t * (y1 - y0), group());
      }
    }
  }
  return p;
}

struct Grid {
  Points points;
  PointGrid grid;
};

Grid grid_for(const AreaCase& c, std::uint64_t seed) {
  Points p = points_for(c, seed);
  PointGrid grid(p.lon, p.lat, p.group, kGroups);
  return {std::move(p), std::move(grid)};
}

std::string at(double lon, double lat) {
  std::string s = "(";
  s += std::to_string(lon);
  s += ", ";
  s += std::to_string(lat);
  return s + ")";
}

// Every point of an inner span is inside; every point inside is in a span;
// each cell is in one span at most.
TEST(AreaCells, InnerSpansHoldOnlyPointsInsideAndSpansHoldEveryPointInside) {
  geo::GeosContext ctx;
  std::uint64_t seed = 1;
  for (const auto& c : area_cases()) {
    auto [p, grid] = grid_for(c, seed++);
    auto area = ctx.from_wkt(wkt_of(c.parts));
    ASSERT_TRUE(area.validity().valid) << c.name << ": " << area.validity().reason;
    geo::GeosPrepared prepared(area);
    auto spans = area_cells(grid, ctx, area, prepared);

    std::set<std::pair<int, int>> cells;  // (row, col)
    std::vector<char> in_span(p.lon.size(), 0);
    std::size_t inner_points = 0, boundary_points = 0, outside_in_inner = 0, cells_twice = 0;
    std::string first_outside_in_inner;
    for (const auto& span : spans) {
      ASSERT_LT(span.col0, span.col1) << c.name;
      for (int col = span.col0; col < span.col1; ++col)
        cells_twice += cells.emplace(span.row, col).second ? 0 : 1;
      for (int g = 0; g < kGroups; ++g) {
        for (auto pos = grid.first(g, span.row, span.col0);
             pos < grid.first(g, span.row, span.col1); ++pos) {
          auto i = grid.order(pos);
          in_span[i] = 1;
          ++(span.boundary ? boundary_points : inner_points);
          if (!span.boundary && !prepared.intersects(ctx.point(p.lon[i], p.lat[i]))) {
            if (!outside_in_inner++) first_outside_in_inner = at(p.lon[i], p.lat[i]);
          }
        }
      }
    }
    std::size_t inside = 0, lost = 0;
    std::string first_lost;
    for (std::size_t i = 0; i < p.lon.size(); ++i) {
      if (!prepared.intersects(ctx.point(p.lon[i], p.lat[i]))) continue;
      ++inside;
      if (!in_span[i] && !lost++) first_lost = at(p.lon[i], p.lat[i]);
    }
    RecordProperty(std::string(c.name) + ": inner/boundary/inside",
                   std::to_string(inner_points) + "/" + std::to_string(boundary_points) + "/" +
                       std::to_string(inside));
    EXPECT_EQ(cells_twice, 0u) << c.name << ": cells in two spans";
    EXPECT_EQ(outside_in_inner, 0u)
        << c.name << ": points outside the area in inner spans, first " << first_outside_in_inner;
    EXPECT_EQ(lost, 0u) << c.name << ": of " << inside << " points inside, " << lost
                        << " in no span, first " << first_lost;
    if (c.inner_cells_expected) {
      // Most of a large area's points need no point-in-polygon test.
      EXPECT_GT(inner_points, boundary_points) << c.name << ": " << inside << " points inside";
    }
  }
}

// A cell is inner when the area contains it, a boundary cell when the area
// crosses it, in no span when the area misses it. (A cell within a
// millionth of a degree of the boundary may be either.)
TEST(AreaCells, ClassifiesEachCellByWhetherTheAreaContainsOrCrossesIt) {
  constexpr double kMargin = 1e-6;
  geo::GeosContext ctx;
  std::uint64_t seed = 100;
  for (const auto& c : area_cases()) {
    auto [p, grid] = grid_for(c, seed++);
    auto area = ctx.from_wkt(wkt_of(c.parts));
    geo::GeosPrepared prepared(area);
    std::map<std::pair<int, int>, bool> boundary_of;  // (row, col) → boundary
    for (const auto& span : area_cells(grid, ctx, area, prepared)) {
      for (int col = span.col0; col < span.col1; ++col)
        boundary_of[{span.row, col}] = span.boundary;
    }
    CellBox all = grid.cells_of(-180, -90, 180, 90);
    std::size_t wrong = 0;
    std::string first_wrong;
    for (int row = all.row0; row < all.row1; ++row) {
      for (int col = all.col0; col < all.col1; ++col) {
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        grid.cell_bounds(col, row, x0, y0, x1, y1);
        bool contained = prepared.contains(
            ctx.rectangle(x0 - kMargin, y0 - kMargin, x1 + kMargin, y1 + kMargin));
        bool missed = !prepared.intersects(
            ctx.rectangle(x0 - kMargin, y0 - kMargin, x1 + kMargin, y1 + kMargin));
        bool inside_cell = prepared.contains(ctx.rectangle(x0, y0, x1, y1));
        auto it = boundary_of.find({row, col});
        std::string got = it == boundary_of.end() ? "in no span"
                          : it->second            ? "boundary"
                                                  : "inner";
        std::string problem = contained && got != "inner"      ? "contained, " + got
                              : missed && got != "in no span"  ? "missed, " + got
                              : got == "inner" && !inside_cell ? "not contained, inner"
                                                               : "";
        if (!problem.empty() && !wrong++) {
          first_wrong = "cell " + std::to_string(row) + ", " + std::to_string(col) + " " +
                        at(x0, y0) + "–" + at(x1, y1) + ": " + problem;
        }
      }
    }
    EXPECT_EQ(wrong, 0u) << c.name << ": of " << (all.row1 * all.col1) << " cells, " << wrong
                         << " misclassified, first " << first_wrong;
  }
}

TEST(AreaCells, AnAreaOutsideTheGridOrAnEmptyGridHasNoCell) {
  geo::GeosContext ctx;
  auto lens = ctx.from_wkt("POLYGON((2.7 50.3, 2.9 50.3, 2.9 50.5, 2.7 50.5, 2.7 50.3))");
  geo::GeosPrepared prepared_lens(lens);
  PointGrid empty({}, {}, {}, 2);
  EXPECT_TRUE(area_cells(empty, ctx, lens, prepared_lens).empty());

  Points p;
  for (int i = 0; i < 100; ++i) p.add(3.0 + i * 0.001, 50.6 + i * 0.001, 0);  // around Lille
  PointGrid grid(p.lon, p.lat, p.group, 1);
  EXPECT_TRUE(area_cells(grid, ctx, lens, prepared_lens).empty());

  auto nothing = ctx.from_wkt("POLYGON EMPTY");
  geo::GeosPrepared prepared_nothing(nothing);
  EXPECT_TRUE(area_cells(grid, ctx, nothing, prepared_nothing).empty());
}

}  // namespace
}  // namespace terrier::matching
