#include "matching/point_grid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace terrier::matching {
namespace {

struct Points {
  std::vector<double> lon, lat;
  std::vector<std::uint8_t> group;
  int groups = 1;

  std::size_t size() const { return lon.size(); }
  void add(double x, double y, std::uint8_t g) {
    lon.push_back(x);
    lat.push_back(y);
    group.push_back(g);
  }
};

// Points around Lens, some in dense clusters (town centres), some piled on
// the same coordinates (opportunities located at their commune).
Points random_points(std::uint64_t seed, std::size_t n, int groups) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
  };
  Points p;
  p.groups = groups;
  std::vector<std::pair<double, double>> towns;
  for (int t = 0; t < 12; ++t) towns.emplace_back(uniform(2.3, 3.4), uniform(50.1, 50.8));
  for (std::size_t i = 0; i < n; ++i) {
    auto g = static_cast<std::uint8_t>(std::uniform_int_distribution<int>(0, groups - 1)(rng));
    double roll = uniform(0, 1);
    const auto& town = towns[i % towns.size()];
    if (roll < 0.5) {
      p.add(uniform(2.0, 3.7), uniform(49.9, 51.0), g);
    } else if (roll < 0.9) {
      p.add(town.first + uniform(-0.02, 0.02), town.second + uniform(-0.02, 0.02), g);
    } else {
      p.add(town.first, town.second, g);
    }
  }
  return p;
}

// The whole grid, as a CellBox: cells_of a box around the world.
CellBox all_cells(const PointGrid& grid) {
  return grid.cells_of(-180, -90, 180, 90);
}

// Every position in the cells of `box`, visited as the engine visits them:
// rows row0..row1-1, positions first(g, row, col0)..first(g, row, col1).
std::vector<std::uint32_t> visit(const PointGrid& grid, const CellBox& box, int groups) {
  std::vector<std::uint32_t> indices;
  for (int g = 0; g < groups; ++g) {
    for (int row = box.row0; row < box.row1; ++row) {
      for (auto pos = grid.first(g, row, box.col0), end = grid.first(g, row, box.col1); pos < end;
           ++pos) {
        indices.push_back(grid.order(pos));
      }
    }
  }
  return indices;
}

TEST(PointGrid, HoldsEveryPointExactlyOnceInItsGroupAndCell) {
  for (int groups : {1, 3, 8}) {
    Points p = random_points(11 + groups, 20000, groups);
    PointGrid grid(p.lon, p.lat, p.group, p.groups);
    ASSERT_EQ(grid.size(), p.size());
    CellBox all = all_cells(grid);
    ASSERT_FALSE(all.empty());
    ASSERT_EQ(all.col0, 0);
    ASSERT_EQ(all.row0, 0);

    std::vector<int> seen(p.size(), 0);
    std::uint32_t expected_first = 0;
    for (int g = 0; g < groups; ++g) {
      for (int row = all.row0; row < all.row1; ++row) {
        for (int col = all.col0; col < all.col1; ++col) {
          // The cells are contiguous ranges, one after the other.
          ASSERT_EQ(grid.first(g, row, col), expected_first) << g << " " << row << " " << col;
          expected_first = grid.first(g, row, col + 1);
          double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
          grid.cell_bounds(col, row, min_lon, min_lat, max_lon, max_lat);
          for (auto pos = grid.first(g, row, col); pos < grid.first(g, row, col + 1); ++pos) {
            std::uint32_t i = grid.order(pos);
            ASSERT_LT(i, p.size());
            ++seen[i];
            EXPECT_EQ(p.group[i], g) << "point " << i;
            constexpr double kRounding = 1e-9;
            EXPECT_GE(p.lon[i], min_lon - kRounding) << "point " << i;
            EXPECT_LE(p.lon[i], max_lon + kRounding) << "point " << i;
            EXPECT_GE(p.lat[i], min_lat - kRounding) << "point " << i;
            EXPECT_LE(p.lat[i], max_lat + kRounding) << "point " << i;
          }
        }
      }
    }
    EXPECT_EQ(expected_first, p.size());
    for (std::size_t i = 0; i < p.size(); ++i)
      ASSERT_EQ(seen[i], 1) << "point " << i << ", groups " << groups;
  }
}

// Every point inside a box is in the cells cells_of returns: the engine
// finds a need's candidates through them.
TEST(PointGrid, TheCellsOfABoxHoldEveryPointInsideIt) {
  Points p = random_points(5, 30000, 4);
  PointGrid grid(p.lon, p.lat, p.group, p.groups);
  std::mt19937_64 rng(99);
  auto uniform = [&](double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
  };

  std::vector<std::array<double, 4>> boxes;
  for (int b = 0; b < 300; ++b) {
    double x = uniform(1.8, 3.9), y = uniform(49.7, 51.2);
    double w = uniform(0, 1) < 0.3 ? uniform(0, 0.01) : uniform(0, 0.8);
    double h = uniform(0, 1) < 0.3 ? uniform(0, 0.01) : uniform(0, 0.6);
    boxes.push_back({x, y, x + w, y + h});
  }
  // Boxes whose edges are points' coordinates, and degenerate boxes (one
  // point, a point piled on others).
  for (int b = 0; b < 200; ++b) {
    std::size_t i = std::uniform_int_distribution<std::size_t>(0, p.size() - 1)(rng);
    std::size_t j = std::uniform_int_distribution<std::size_t>(0, p.size() - 1)(rng);
    boxes.push_back({std::min(p.lon[i], p.lon[j]), std::min(p.lat[i], p.lat[j]),
                     std::max(p.lon[i], p.lon[j]), std::max(p.lat[i], p.lat[j])});
    boxes.push_back({p.lon[i], p.lat[i], p.lon[i], p.lat[i]});
  }
  // The grid's own extent, and boxes beyond it on each side.
  auto [lon_lo, lon_hi] = std::minmax_element(p.lon.begin(), p.lon.end());
  auto [lat_lo, lat_hi] = std::minmax_element(p.lat.begin(), p.lat.end());
  boxes.push_back({*lon_lo, *lat_lo, *lon_hi, *lat_hi});
  boxes.push_back({*lon_lo - 1, *lat_lo - 1, *lon_lo, *lat_lo});
  boxes.push_back({*lon_hi, *lat_hi, *lon_hi + 1, *lat_hi + 1});
  boxes.push_back({-180, -90, 180, 90});

  std::size_t inside_total = 0;
  for (const auto& b : boxes) {
    CellBox cells = grid.cells_of(b[0], b[1], b[2], b[3]);
    std::vector<char> visited(p.size(), 0);
    for (auto i : visit(grid, cells, p.groups)) visited[i] = 1;
    for (std::size_t i = 0; i < p.size(); ++i) {
      bool inside = p.lon[i] >= b[0] && p.lon[i] <= b[2] && p.lat[i] >= b[1] && p.lat[i] <= b[3];
      if (!inside) continue;
      ++inside_total;
      ASSERT_TRUE(visited[i]) << "point " << i << " (" << p.lon[i] << ", " << p.lat[i]
                              << ") in box [" << b[0] << ", " << b[1] << ", " << b[2] << ", "
                              << b[3] << "]";
    }
  }
  EXPECT_GT(inside_total, 100000u);  // the boxes must hold points
}

struct OutsideCase {
  const char* where;
  double min_lon, min_lat, max_lon, max_lat;
};

TEST(PointGrid, ABoxOutsideTheGridHasNoCell) {
  Points p = random_points(3, 1000, 2);
  PointGrid grid(p.lon, p.lat, p.group, p.groups);
  const std::vector<OutsideCase> cases = {
      {"west", -5, 49, 1.5, 51}, {"east", 4.5, 49, 8, 51},         {"south", 2, 40, 3, 49.5},
      {"north", 2, 51.5, 3, 55}, {"south-west", 0, 45, 1.9, 49.8}, {"far away", 100, 10, 101, 11},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(grid.cells_of(c.min_lon, c.min_lat, c.max_lon, c.max_lat).empty()) << c.where;
  }
}

TEST(PointGrid, AnEmptyGridHasNoPointAndNoCell) {
  PointGrid grid({}, {}, {}, 3);
  EXPECT_EQ(grid.size(), 0u);
  EXPECT_TRUE(grid.cells_of(-180, -90, 180, 90).empty());
  EXPECT_TRUE(grid.cells_of(2.5, 50, 3, 51).empty());
  for (int g = 0; g < 3; ++g) EXPECT_EQ(grid.first(g, 0, 0), grid.first(g, 0, 1)) << g;

  PointGrid default_grid;
  EXPECT_EQ(default_grid.size(), 0u);
  EXPECT_TRUE(default_grid.cells_of(-180, -90, 180, 90).empty());
}

TEST(PointGrid, HoldsManyIdenticalPoints) {
  Points p;
  p.groups = 2;
  for (int i = 0; i < 500; ++i) p.add(2.8319, 50.4320, static_cast<std::uint8_t>(i % 2));
  PointGrid grid(p.lon, p.lat, p.group, p.groups);
  ASSERT_EQ(grid.size(), 500u);

  CellBox at_point = grid.cells_of(2.8319, 50.4320, 2.8319, 50.4320);
  ASSERT_FALSE(at_point.empty());
  auto found = visit(grid, at_point, p.groups);
  std::sort(found.begin(), found.end());
  ASSERT_EQ(found.size(), 500u);
  for (std::uint32_t i = 0; i < 500; ++i) EXPECT_EQ(found[i], i);

  EXPECT_EQ(visit(grid, grid.cells_of(2.8, 50.4, 2.9, 50.5), p.groups).size(), 500u);
  EXPECT_TRUE(grid.cells_of(2.9, 50.5, 3.0, 50.6).empty());
}

// A single point, and points on one parallel or one meridian: a grid one
// cell high or wide.
TEST(PointGrid, HoldsPointsOnALineOrASinglePoint) {
  Points single;
  single.add(3.0573, 50.6292, 0);
  Points parallel, meridian;
  for (int i = 0; i < 1000; ++i) {
    parallel.add(2 + i * 0.001, 50.5, static_cast<std::uint8_t>(i % 3));
    meridian.add(2.5, 50 + i * 0.001, static_cast<std::uint8_t>(i % 3));
  }
  parallel.groups = meridian.groups = 3;
  for (const Points* p : {&single, &parallel, &meridian}) {
    PointGrid grid(p->lon, p->lat, p->group, p->groups);
    ASSERT_EQ(grid.size(), p->size());
    auto all = visit(grid, all_cells(grid), p->groups);
    std::sort(all.begin(), all.end());
    ASSERT_EQ(all.size(), p->size());
    for (std::uint32_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i);
    for (std::size_t i = 0; i < p->size(); i += 37) {
      auto cells = grid.cells_of(p->lon[i], p->lat[i], p->lon[i], p->lat[i]);
      auto found = visit(grid, cells, p->groups);
      EXPECT_NE(std::find(found.begin(), found.end(), i), found.end()) << "point " << i;
    }
  }
}

// Many groups times many cells: the cells grow so that the offsets stay
// bounded, and every point is still found.
TEST(PointGrid, HoldsEveryPointWhenManyGroupsCoarsenTheCells) {
  Points p = random_points(17, 200000, 250);
  PointGrid grid(p.lon, p.lat, p.group, p.groups);
  CellBox all = all_cells(grid);
  EXPECT_LE(double(all.col1) * all.row1 * p.groups, 8e6);
  auto found = visit(grid, all, p.groups);
  std::vector<int> seen(p.size(), 0);
  for (auto i : found) ++seen[i];
  for (std::size_t i = 0; i < p.size(); ++i) ASSERT_EQ(seen[i], 1) << "point " << i;

  CellBox lens = grid.cells_of(2.78, 50.40, 2.88, 50.46);
  std::vector<char> visited(p.size(), 0);
  for (auto i : visit(grid, lens, p.groups)) visited[i] = 1;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.lon[i] >= 2.78 && p.lon[i] <= 2.88 && p.lat[i] >= 50.40 && p.lat[i] <= 50.46) {
      ASSERT_TRUE(visited[i]) << "point " << i;
    }
  }
}

TEST(PointGrid, RejectsArraysOfDifferentSizesAndGroupsOutOfRange) {
  EXPECT_THROW(PointGrid({1, 2}, {50}, {0, 0}, 1), Error);
  EXPECT_THROW(PointGrid({1}, {50}, {0, 0}, 1), Error);
  EXPECT_THROW(PointGrid({1, 2}, {50, 51}, {0, 2}, 2), Error);
}

}  // namespace
}  // namespace terrier::matching
