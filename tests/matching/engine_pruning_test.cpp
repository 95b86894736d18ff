// The edges of top_for_need's shortcuts, built on purpose rather than met by
// chance: candidates whose approximate scores straddle a rounding boundary
// that their exact scores do not cross (the margins of the approximate
// ranking and of the score bound), and perfect candidates scattered up to
// and beyond the distance scale around a collective's place (the near-first
// visit of a territory and the skipping of its distant cells).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "geo/geos.hpp"
#include "matching/distance.hpp"
#include "matching/engine.hpp"
#include "matching/rules.hpp"

namespace terrier::matching {
namespace {

constexpr Day kToday = 20148;
constexpr double kPlaceLon = 2.95, kPlaceLat = 50.50;

// Fits the need below on everything but the distance: offered free of
// charge, its score is the score bound's, and the distance decides.
Opportunity perfect(long long id, double lon, double lat) {
  Opportunity o;
  o.id = id;
  o.kind = "atelier";
  o.lon = lon;
  o.lat = lat;
  o.precision = "exact";
  o.built_surface_m2 = 500;
  o.tenures = {"mise à disposition"};
  o.rent_eur_month = 0;
  o.available_from = kToday;
  return o;
}

// A radius around the place, or a territory around it whose centre is
// elsewhere (the distances are taken from the place).
Need need_around_place(AreaKind area, double radius_m) {
  Need n;
  n.id = 1;
  n.surface_min_m2 = 400;
  n.surface_max_m2 = 600;
  n.kinds_wanted = {"atelier"};
  n.tenures_accepted = {"mise à disposition"};
  n.rent_max_eur_month = 1500;
  n.needed_from = kToday;
  n.area = area;
  n.place_lon = kPlaceLon;
  n.place_lat = kPlaceLat;
  if (area == AreaKind::radius) {
    n.center_lon = kPlaceLon;
    n.center_lat = kPlaceLat;
    n.radius_m = radius_m;
  } else {
    geo::GeosContext ctx;
    n.area_wkb =
        ctx.from_wkt("POLYGON((1.5 49.5, 4.5 49.5, 4.5 51.5, 1.5 51.5, 1.5 49.5))").to_wkb();
    n.area_name = "Grand rectangle";
    n.center_lon = 3.3;
    n.center_lat = 50.2;
  }
  return n;
}

// About `metres` from the place, on a bearing (a local projection).
std::pair<double, double> offset(double bearing, double metres) {
  return {kPlaceLon +
              metres * std::sin(bearing) / (111320 * std::cos(kPlaceLat * std::numbers::pi / 180)),
          kPlaceLat + metres * std::cos(bearing) / 111200};
}

// The point at exactly `metres` (geodesic) from the place, on a bearing.
std::pair<double, double> at_distance(double bearing, double metres) {
  auto [lon1, lat1] = offset(bearing, 1);
  double dlon = lon1 - kPlaceLon, dlat = lat1 - kPlaceLat;
  double lo = 0, hi = 2 * metres;
  for (int i = 0; i < 60; ++i) {
    double t = (lo + hi) / 2;
    (geodesic_distance_m(kPlaceLon, kPlaceLat, kPlaceLon + t * dlon, kPlaceLat + t * dlat) < metres
         ? lo
         : hi) = t;
  }
  return {kPlaceLon + lo * dlon, kPlaceLat + lo * dlat};
}

std::vector<Match> brute_force_top(const MatchEngine& engine, const Need& need, std::size_t k) {
  std::vector<Match> out;
  for (const auto& opp : engine.opportunities()) {
    if (!may_match(need, opp) || !engine.in_area(need, opp.lon, opp.lat)) continue;
    double d = geodesic_distance_m(*need.place_lon, *need.place_lat, opp.lon, opp.lat);
    if (auto m = evaluate(need, opp, d, engine.config())) out.push_back(*m);
  }
  sort_matches(out);
  out.resize(std::min(out.size(), k));
  return out;
}

std::vector<long long> ids_of(const std::vector<Match>& matches) {
  std::vector<long long> ids;
  for (const auto& m : matches) ids.push_back(m.opportunity_id);
  return ids;
}

void expect_same(const std::vector<Match>& expected, const std::vector<Match>& actual,
                 const std::string& what) {
  ASSERT_EQ(ids_of(actual), ids_of(expected)) << what;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(actual[i].score, expected[i].score) << what << ", rank " << i;
    EXPECT_EQ(actual[i].reliability, expected[i].reliability) << what << ", rank " << i;
    EXPECT_EQ(actual[i].reasons_text(), expected[i].reasons_text()) << what << ", rank " << i;
  }
}

struct EquidistantCase {
  const char* name;
  AreaKind area;
  double radius_m;  // the radius, or the config's distance scale for a territory
};

// Sixty perfect candidates at the same geodesic distance from the place, on
// bearings all around it: equal exact scores, ranked by id. The distance is
// chosen so that their approximate distances, which depend on the bearing,
// round their scores to two values 0.01 apart: the approximate ranking must
// not drop those it rounds down.
TEST(MatchEnginePruning, KeepsEquidistantCandidatesWhoseApproximateScoresRoundApart) {
  const std::vector<EquidistantCase> cases = {
      {"radius of 60 km", AreaKind::radius, 60000},
      {"radius of 90 km", AreaKind::radius, 90000},
      {"territory, scale of 25 km", AreaKind::territory, 25000},
      {"polygon, scale of 80 km", AreaKind::polygon, 80000},
  };
  constexpr int kBearings = 60;
  for (const auto& c : cases) {
    MatchConfig config;
    config.distance_scale_m = c.area == AreaKind::radius ? config.distance_scale_m : c.radius_m;
    Need need = need_around_place(c.area, c.radius_m);
    double total = config.weight_surface + config.weight_distance + config.weight_budget +
                   config.weight_tenure + config.weight_timing;
    double per_metre = 100 * config.weight_distance / total / c.radius_m;  // score lost per metre

    // The approximation's shift of each bearing's score near 80 % of the
    // scale, and the unrounded exact score at the distance d.
    double d0 = 0.8 * c.radius_m;
    std::vector<double> shift;
    for (int b = 0; b < kBearings; ++b) {
      auto [lon, lat] = at_distance(2 * std::numbers::pi * b / kBearings, d0);
      shift.push_back(-per_metre * (approx_distance_m(kPlaceLon, kPlaceLat, lon, lat) - d0));
    }
    std::vector<double> sorted = shift;
    std::nth_element(sorted.begin(), sorted.begin() + kBearings / 2, sorted.end());
    double median_shift = sorted[kBearings / 2];
    auto exact_score = [&](double d) {
      auto m = evaluate(need, perfect(0, kPlaceLon, kPlaceLat), d, config, false);
      return weighted_score(m->components, config);
    };
    // A rounding boundary (x.xx5) that the median approximate score sits on.
    double boundary = std::floor(exact_score(d0) * 100) / 100 + 0.005;
    double d = d0 + (exact_score(d0) - boundary + median_shift) / per_metre;

    std::vector<Opportunity> opps;
    for (int b = 0; b < kBearings; ++b) {
      auto [lon, lat] = at_distance(2 * std::numbers::pi * b / kBearings, d);
      opps.push_back(perfect(100 + (b * 7) % kBearings, lon, lat));  // ids not in bearing order
    }
    // The construction holds: one exact score, two approximate ones.
    std::vector<double> exact, approx;
    for (const auto& o : opps) {
      double a = approx_distance_m(kPlaceLon, kPlaceLat, o.lon, o.lat);
      exact.push_back(
          evaluate(need, o, geodesic_distance_m(kPlaceLon, kPlaceLat, o.lon, o.lat), config)
              ->score);
      approx.push_back(evaluate(need, o, a, config)->score);
    }
    ASSERT_EQ(*std::min_element(exact.begin(), exact.end()),
              *std::max_element(exact.begin(), exact.end()))
        << c.name;
    double low = *std::min_element(approx.begin(), approx.end());
    double high = *std::max_element(approx.begin(), approx.end());
    ASSERT_NEAR(high - low, 0.01, 1e-9) << c.name << ": the approximate scores must round apart";

    MatchEngine engine(opps, config);
    for (std::size_t k : {std::size_t{3}, std::size_t{10}, std::size_t{40}}) {
      auto expected = brute_force_top(engine, need, k);
      ASSERT_EQ(expected.size(), k) << c.name;
      std::string what = std::string(c.name) + ", k " + std::to_string(k);
      expect_same(expected, engine.top_for_need(need, k), what);
      expect_same(expected, engine.top_for_needs({need}, k, 2).front(), what + ", on threads");
    }
  }
}

// Offices the needs do not want, around the place: they fill the grid so
// that its cells are as small as in a real region, a few kilometres.
void add_offices(std::vector<Opportunity>& opps, double radius_m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
  };
  for (int i = 0; i < 3000; ++i) {
    auto [lon, lat] = offset(uniform(0, 2 * std::numbers::pi), radius_m * std::sqrt(uniform(0, 1)));
    opps.push_back(perfect(10000 + i, lon, lat));
    opps.back().kind = "bureau";
  }
}

struct ScatterCase {
  const char* name;
  int candidates;
  unsigned seed;
};

// Perfect candidates scattered in a disc of 1.3 times the distance scale
// around the collective's place, in a large territory: the best are the
// nearest, wherever they lie around the place, and the engine's visit of the
// cells near the place first must not lose any within the scale.
TEST(MatchEnginePruning, FindsTheNearestPerfectCandidatesAroundThePlaceInATerritory) {
  const std::vector<ScatterCase> cases = {
      {"12 candidates", 12, 1}, {"20 candidates", 20, 2}, {"30 candidates", 30, 3},
      {"45 candidates", 45, 4}, {"80 candidates", 80, 5}, {"400 candidates", 400, 6},
  };
  for (double scale : {15000.0, 25000.0, 60000.0}) {
    MatchConfig config;
    config.distance_scale_m = scale;
    for (AreaKind area : {AreaKind::territory, AreaKind::polygon}) {
      Need need = need_around_place(area, 0);
      for (const auto& c : cases) {
        for (unsigned repeat = 0; repeat < 6; ++repeat) {
          std::mt19937_64 rng(c.seed * 100 + repeat);
          auto uniform = [&](double a, double b) {
            return std::uniform_real_distribution<double>(a, b)(rng);
          };
          std::vector<Opportunity> opps;
          for (int i = 0; i < c.candidates; ++i) {
            auto [lon, lat] =
                offset(uniform(0, 2 * std::numbers::pi), 1.3 * scale * std::sqrt(uniform(0, 1)));
            opps.push_back(perfect(i + 1, lon, lat));
          }
          add_offices(opps, 1.5 * scale, c.seed * 100 + repeat + 1);
          MatchEngine engine(opps, config);
          std::string what = std::string(c.name) + ", scale " + std::to_string(int(scale)) +
                             " m, " + (area == AreaKind::territory ? "territory" : "polygon") +
                             ", draw " + std::to_string(repeat);
          for (std::size_t k : {std::size_t{3}, std::size_t{10}}) {
            expect_same(brute_force_top(engine, need, k), engine.top_for_need(need, k),
                        what + ", k " + std::to_string(k));
          }
        }
      }
    }
  }
}

struct EdgeCase {
  const char* direction;
  double bearing_deg;
};

// Four candidates on the diagonals at 99 % of the distance scale, inside any
// square around the place, and a better one at 98 % due north, east, south
// or west, where a box a little too small would stop: the territory's
// nearby cells must reach the scale on every side.
TEST(MatchEnginePruning, FindsTheBestCandidateJustWithinTheScaleOnEverySide) {
  const std::vector<EdgeCase> cases = {{"north", 0}, {"east", 90}, {"south", 180}, {"west", 270}};
  for (double scale : {15000.0, 25000.0, 60000.0}) {
    MatchConfig config;
    config.distance_scale_m = scale;
    for (const auto& c : cases) {
      std::vector<Opportunity> opps;
      for (int corner = 0; corner < 4; ++corner) {
        auto [lon, lat] = at_distance((45 + 90 * corner) * std::numbers::pi / 180, 0.99 * scale);
        opps.push_back(perfect(corner + 1, lon, lat));
      }
      auto [lon, lat] = at_distance(c.bearing_deg * std::numbers::pi / 180, 0.98 * scale);
      opps.push_back(perfect(5, lon, lat));
      add_offices(opps, 1.5 * scale, 7);
      MatchEngine engine(opps, config);
      for (AreaKind area : {AreaKind::territory, AreaKind::polygon}) {
        Need need = need_around_place(area, 0);
        auto expected = brute_force_top(engine, need, 3);
        ASSERT_EQ(ids_of(expected), (std::vector<long long>{5, 1, 2}));
        expect_same(expected, engine.top_for_need(need, 3),
                    std::string(c.direction) + ", scale " + std::to_string(int(scale)) + " m");
      }
    }
  }
}

}  // namespace
}  // namespace terrier::matching
