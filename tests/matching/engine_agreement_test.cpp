// The engine's grid, cell pruning, score bound, near-first visit of
// territories, approximate ranking and threads against the rules applied to
// every pair: the same matches, in the same order, with the same scores,
// reliabilities and reasons.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "geo/geos.hpp"
#include "matching/engine.hpp"
#include "matching/rules.hpp"
#include "tests/matching/random_draws.hpp"

namespace terrier::matching {
namespace {

constexpr double kLensLon = 2.8319, kLensLat = 50.4320;
constexpr Day kToday = 20148;  // 2025-03-01

// A point `east` and `north` kilometres from Lens (a local projection, enough
// to lay out a world).
std::pair<double, double> near_lens(double east_km, double north_km) {
  return {kLensLon + east_km / (111.32 * std::cos(kLensLat * std::numbers::pi / 180)),
          kLensLat + north_km / 111.2};
}

std::string ring(const std::vector<std::pair<double, double>>& km) {
  std::string s = "(";
  for (std::size_t i = 0; i <= km.size(); ++i) {
    auto [lon, lat] = near_lens(km[i % km.size()].first, km[i % km.size()].second);
    s += (i ? ", " : "") + std::to_string(lon) + " " + std::to_string(lat);
  }
  return s + ")";
}

// A ring around a centre whose radius alternates, in kilometres.
std::vector<std::pair<double, double>> star(double cx, double cy, double rx, double ry, int n) {
  std::vector<std::pair<double, double>> out;
  for (int k = 0; k < n; ++k) {
    double a = 2 * std::numbers::pi * k / n, f = k % 2 ? 0.65 : 1.0;
    out.emplace_back(cx + rx * f * std::cos(a), cy + ry * f * std::sin(a));
  }
  return out;
}

struct Territory {
  std::string wkt;
  double centre_east_km, centre_north_km;  // the need's centre
};

// Polygons of 30 to 80 km, each shared by several needs. The first one's
// centre, Lens, is in its hole.
std::vector<Territory> territories() {
  auto hole = star(4, 0, 9, 7, 10);
  std::reverse(hole.begin(), hole.end());
  return {
      {"POLYGON(" + ring(star(0, 0, 38, 22, 16)) + ", " + ring(hole) + ")", 0, 0},
      {"POLYGON(" + ring({{5, 10}, {45, 10}, {45, 22}, {18, 22}, {18, 45}, {5, 45}}) + ")", 12, 16},
      {"MULTIPOLYGON((" + ring({{-45, -35}, {-15, -35}, {-15, -5}, {-45, -5}}) + "), (" +
           ring({{10, -40}, {35, -40}, {22, -18}}) + "))",
       -30, -20},
      {"POLYGON(" + ring({{-40, -15}, {40, -15}, {40, 35}, {-40, 35}}) + ")", 0, 10},
      {"POLYGON(" + ring({{-30, -28}, {-24, -30}, {30, 28}, {24, 30}}) + ")", 0, 0},
  };
}

class World : public RandomDraws<std::mt19937_64> {
 public:
  explicit World(std::uint64_t seed) : RandomDraws(seed) {
    for (int c = 0; c < 40; ++c) communes_.push_back(in_disc(55));
  }

  Opportunity opportunity(long long id) {
    Opportunity o;
    o.id = id;
    o.title = "Opportunité " + std::to_string(id);
    o.kind = pick(kKinds);
    o.precision = chance(0.2) ? "commune" : chance(0.5) ? "exact" : "adresse";
    std::tie(o.lon, o.lat) = o.precision == "commune" ? pick(communes_) : in_disc(60);
    if (chance(0.15))
      o.status = pick(std::vector<std::string>{"en discussion", "attribuée", "retirée"});
    // Round figures, as people type them: ties and hits on the edges.
    if (chance(0.8)) o.built_surface_m2 = 10 * std::round(uniform(3, 300));
    if (chance(0.7)) o.land_surface_m2 = 10 * std::round(uniform(10, 2000));
    o.tenures = subset(kTenures, 0.35);
    if (chance(0.5)) o.price_eur = 1000 * std::round(uniform(30, 1500));
    if (chance(0.6)) o.rent_eur_month = 50 * std::round(uniform(4, 160));
    if (chance(0.7)) o.available_from = kToday + int(uniform(-300, 400));
    if (chance(0.25)) o.available_until = kToday + int(uniform(0, 900));
    return o;
  }

  Need need(long long id, const std::vector<std::string>& area_wkbs) {
    Need n;
    n.id = id;
    n.collective_name = "Collectif " + std::to_string(id);
    if (chance(0.9)) n.surface_min_m2 = 10 * std::round(uniform(3, 150));
    if (chance(0.8))
      n.surface_max_m2 = n.surface_min_m2.value_or(0) + 10 * std::round(uniform(5, 300));
    if (chance(0.3))
      n.surface_ideal_m2 = n.surface_min_m2.value_or(0) + 10 * std::round(uniform(0, 20));
    n.surface_tolerance_pct = pick(std::vector<double>{0, 5, 10, 15, 20});
    if (chance(0.6)) n.kinds_wanted = subset(kKinds, 0.4);
    if (chance(0.7)) n.tenures_accepted = subset(kTenures, 0.45);
    if (chance(0.6)) n.rent_max_eur_month = 100 * std::round(uniform(5, 60));
    if (chance(0.4)) n.price_max_eur = 10000 * std::round(uniform(10, 100));
    if (chance(0.5)) n.needed_from = kToday + int(uniform(-60, 240));
    if (chance(0.02)) n.status = "close";
    std::size_t t =
        id % 3 == 0 ? static_cast<std::size_t>(id / 3) % area_wkbs.size() : area_wkbs.size();
    if (t < area_wkbs.size()) {  // a third of the needs: a territory or a drawn polygon
      n.area = id % 2 ? AreaKind::territory : AreaKind::polygon;
      n.area_wkb = area_wkbs[t];
      n.area_name = "Zone " + std::to_string(t);
      const Territory territory = territories()[t];  // a copy: the vector is a temporary
      std::tie(n.center_lon, n.center_lat) =
          near_lens(territory.centre_east_km, territory.centre_north_km);
    } else {
      n.area = AreaKind::radius;
      std::tie(n.center_lon, n.center_lat) = in_disc(50);
      // A few beyond the approximate ranking's range: the exact path.
      n.radius_m = chance(0.03) ? uniform(110000, 140000) : uniform(3000, 60000);
    }
    if (chance(0.4)) std::tie(n.place_lon, n.place_lat) = in_disc(55);
    return n;
  }

 private:
  inline static const std::vector<std::string> kKinds = {"atelier",  "bureau",        "commerce",
                                                         "entrepôt", "terrain",       "friche",
                                                         "logement", "bâtiment mixte"};
  inline static const std::vector<std::string> kTenures = {"vente",
                                                           "location",
                                                           "bcus",
                                                           "bail emphytéotique",
                                                           "occupation temporaire",
                                                           "mise à disposition"};

  std::pair<double, double> in_disc(double km) {
    double r = km * std::sqrt(uniform(0, 1)), a = uniform(0, 2 * std::numbers::pi);
    return near_lens(r * std::cos(a), r * std::sin(a));
  }

  std::vector<std::pair<double, double>> communes_;
};

MatchConfig distance_heavy() {
  MatchConfig c;
  c.weight_distance = 60;
  c.weight_timing = 5;
  c.distance_scale_m = 15000;
  c.availability_slack_days = 30;
  return c;
}

// Territories ranked on exact distances (the scale is beyond the
// approximation's range); the radius needs do not use the scale.
MatchConfig wide_scale() {
  MatchConfig c;
  c.distance_scale_m = 150000;
  return c;
}

struct ConfigCase {
  const char* name;
  MatchConfig config;
  bool areas_only = false;  // only the territories' and polygons' needs
};

const std::vector<ConfigCase>& config_cases() {
  static const std::vector<ConfigCase> cases = {{"default", MatchConfig{}},
                                                {"distance_heavy", distance_heavy()},
                                                {"wide_scale", wide_scale(), true}};
  return cases;
}

constexpr int kOpportunities = 20000;
constexpr int kNeeds = 300;
constexpr std::size_t kWithReasons = 10;

// The world, its engines (one per config), and each need's every valid
// match, best first, computed pair by pair. The French reasons are written
// for each need's first kWithReasons (top_for_need writes them apart from
// its ranking); the full lists are compared without them.
struct Fixture {
  std::vector<Opportunity> opportunities;
  std::vector<Need> needs;
  std::vector<std::unique_ptr<MatchEngine>> engines;
  std::vector<std::vector<std::vector<Match>>> expected;  // [config][need]

  Fixture() {
    World world(20250301);
    for (long long id = 1; id <= kOpportunities; ++id) {
      opportunities.push_back(world.opportunity(id));
    }
    geo::GeosContext ctx;
    std::vector<std::string> wkbs;
    for (const auto& t : territories()) {
      auto g = ctx.from_wkt(t.wkt);
      if (!g.validity().valid) {
        throw std::runtime_error("invalid test territory: " + g.validity().reason);
      }
      wkbs.push_back(g.to_wkb());
    }
    for (long long id = 1; id <= kNeeds; ++id) needs.push_back(world.need(id, wkbs));
    std::vector<signed char> in_area(needs.size() * opportunities.size(), -1);  // -1: unknown
    for (const auto& c : config_cases()) {
      engines.push_back(std::make_unique<MatchEngine>(opportunities, c.config));
      expected.push_back(brute_force(*engines.back(), c.areas_only, in_area));
    }
  }

  // The rules on every pair. The area test (a geodesic or a point in a
  // polygon) costs a microsecond: it is skipped for the pairs the rules
  // refuse at any distance (they refuse on status, kind, surface, tenure,
  // budget and dates, never on the distance; checked on a sample).
  std::vector<std::vector<Match>> brute_force(const MatchEngine& engine, bool areas_only,
                                              std::vector<signed char>& in_area) {
    std::vector<std::vector<Match>> out(needs.size());
    const MatchConfig& config = engine.config();
    std::size_t refused = 0;
    for (std::size_t n = 0; n < needs.size(); ++n) {
      const Need& need = needs[n];
      if (need.status != "active" || (areas_only && need.area == AreaKind::radius)) continue;
      double ref_lon = need.place_lon.value_or(need.center_lon);
      double ref_lat = need.place_lat.value_or(need.center_lat);
      auto distance = [&](const Opportunity& o) {
        return geodesic_distance_m(ref_lon, ref_lat, o.lon, o.lat);
      };
      for (std::size_t o = 0; o < opportunities.size(); ++o) {
        const Opportunity& opp = opportunities[o];
        if (!evaluate(need, opp, 0, config, false)) {
          if (++refused % 101 == 0 && evaluate(need, opp, distance(opp), config, false)) {
            throw std::runtime_error("the rules refuse a pair at 0 m and accept it farther");
          }
          continue;
        }
        auto& known = in_area[n * opportunities.size() + o];
        if (known < 0) {
          known = engine.in_area(need, opp.lon, opp.lat) ? 1 : 0;
        }
        if (!known) continue;
        auto m = evaluate(need, opp, distance(opp), config, false);
        if (!m) throw std::runtime_error("the rules refuse a pair farther and accept it at 0 m");
        out[n].push_back(std::move(*m));
      }
      sort_matches(out[n]);
      for (std::size_t i = 0; i < std::min(kWithReasons, out[n].size()); ++i) {
        const Opportunity& opp =
            opportunities[static_cast<std::size_t>(out[n][i].opportunity_id - 1)];
        out[n][i] = *evaluate(need, opp, distance(opp), config);
      }
    }
    return out;
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

std::string describe(const Match& m) {
  return "opportunity " + std::to_string(m.opportunity_id) + " (score " + std::to_string(m.score) +
         ", reliability " + std::to_string(m.reliability) + ", " + std::to_string(m.distance_m) +
         " m, " + (m.reasons.empty() ? m.tenure : m.reasons_text()) + ")";
}

// The first difference between two rankings, "" when they are the same (the
// reasons are compared where the expected ones were written).
std::string difference(const std::vector<Match>& expected, const std::vector<Match>& actual) {
  std::size_t n = std::min(expected.size(), actual.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Match& e = expected[i];
    const Match& a = actual[i];
    if (e.opportunity_id != a.opportunity_id || e.need_id != a.need_id || e.score != a.score ||
        e.reliability != a.reliability || e.distance_m != a.distance_m || e.tenure != a.tenure ||
        (!e.reasons.empty() && e.reasons_text() != a.reasons_text())) {
      return "rank " + std::to_string(i) + ": expected " + describe(e) + ", got " + describe(a);
    }
  }
  if (expected.size() != actual.size()) {
    return "expected " + std::to_string(expected.size()) + " matches, got " +
           std::to_string(actual.size()) +
           (expected.size() > n ? ", first missing " + describe(expected[n])
                                : ", first extra " + describe(actual[n]));
  }
  return "";
}

std::vector<Match> first(const std::vector<Match>& all, std::size_t k) {
  return {all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(k, all.size()))};
}

std::string describe(const Need& need) {
  std::string area = need.area == AreaKind::radius
                         ? "radius " + std::to_string(need.radius_m) + " m"
                     : need.area == AreaKind::territory ? "territory " + need.area_name
                                                        : "polygon " + need.area_name;
  return "need " + std::to_string(need.id) + " (" + area +
         (need.place_lon ? ", with a place" : "") + ")";
}

constexpr int kFailuresShown = 10;

class MatchEngineAgreement : public ::testing::TestWithParam<std::size_t> {
 protected:
  const Fixture& f = fixture();
  const ConfigCase& config_case() const { return config_cases()[GetParam()]; }
  const MatchEngine& engine() const { return *f.engines[GetParam()]; }
  const std::vector<Match>& expected(std::size_t need) const {
    return f.expected[GetParam()][need];
  }
  // The needs this config compares.
  std::vector<Need> needs() const {
    std::vector<Need> out;
    for (const auto& n : f.needs) {
      if (!config_case().areas_only || n.area != AreaKind::radius) out.push_back(n);
    }
    return out;
  }
  std::size_t index_of(const Need& need) const { return static_cast<std::size_t>(need.id - 1); }
};

TEST_P(MatchEngineAgreement, TheWorldExercisesEveryPath) {
  std::size_t radius = 0, territory = 0, polygon = 0, full_top = 0, matches = 0;
  for (const Need& need : needs()) {
    (need.area == AreaKind::radius      ? radius
     : need.area == AreaKind::territory ? territory
                                        : polygon)++;
    full_top += expected(index_of(need)).size() >= 10 ? 1 : 0;
    matches += expected(index_of(need)).size();
  }
  RecordProperty("matches", std::to_string(matches));
  if (!config_case().areas_only) {
    EXPECT_GT(radius, 150u);
  }
  EXPECT_GT(territory, 30u);
  EXPECT_GT(polygon, 30u);
  EXPECT_GT(full_top, (radius + territory + polygon) / 2);  // most have more candidates than k
  EXPECT_GT(matches, 20000u);
}

TEST_P(MatchEngineAgreement, TopForNeedEqualsTheBruteForceTopK) {
  int failures = 0;
  for (std::size_t k : {std::size_t{10}, std::size_t{3}}) {
    for (const Need& need : needs()) {
      auto top = k == engine().config().top_k ? engine().top_for_need(need)
                                              : engine().top_for_need(need, k);
      auto diff = difference(first(expected(index_of(need)), k), top);
      EXPECT_EQ(diff, "") << describe(need) << ", k " << k;
      if (!diff.empty() && ++failures == kFailuresShown) return;
    }
  }
}

TEST_P(MatchEngineAgreement, TopForNeedsOnTwoThreadsEqualsTheBruteForceTopK) {
  const auto compared = needs();
  int failures = 0;
  for (std::size_t k : {std::size_t{0}, std::size_t{3}}) {
    auto tops = engine().top_for_needs(compared, k, 2);
    ASSERT_EQ(tops.size(), compared.size());
    for (std::size_t i = 0; i < compared.size(); ++i) {
      std::size_t wanted = k ? k : engine().config().top_k;
      auto diff = difference(first(expected(index_of(compared[i])), wanted), tops[i]);
      EXPECT_EQ(diff, "") << describe(compared[i]) << ", k " << wanted;
      if (!diff.empty() && ++failures == kFailuresShown) return;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Configs, MatchEngineAgreement,
                         ::testing::Values(std::size_t{0}, std::size_t{1}, std::size_t{2}),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           return std::string(config_cases()[param.param].name);
                         });

// matches_for_need neither approximates nor prunes: its full list is
// compared for the default weights, and for the territories' needs under a
// wide scale (the weights only reorder it).
class MatchEngineFullList : public MatchEngineAgreement {};

TEST_P(MatchEngineFullList, MatchesForNeedEqualsTheBruteForceList) {
  int failures = 0;
  for (const Need& need : needs()) {
    auto diff = difference(expected(index_of(need)), engine().matches_for_need(need));
    EXPECT_EQ(diff, "") << describe(need);
    if (!diff.empty() && ++failures == kFailuresShown) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Configs, MatchEngineFullList,
                         ::testing::Values(std::size_t{0}, std::size_t{2}),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           return std::string(config_cases()[param.param].name);
                         });

}  // namespace
}  // namespace terrier::matching
