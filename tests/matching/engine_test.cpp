#include "matching/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "geo/geos.hpp"
#include "matching/rules.hpp"
#include "tests/matching/random_draws.hpp"

namespace terrier::matching {
namespace {

constexpr double kLensLon = 2.8319, kLensLat = 50.4320;
constexpr double kLilleLon = 3.0573, kLilleLat = 50.6292;
// One kilometre along a meridian, near 50° N.
constexpr double kDegreesPerKmNorth = 0.008993;

// Everything known and easy to match: a 400 m² atelier offered in BCUS.
Opportunity opportunity(long long id, double lon, double lat) {
  Opportunity o;
  o.id = id;
  o.title = "Opportunité " + std::to_string(id);
  o.kind = "atelier";
  o.lon = lon;
  o.lat = lat;
  o.precision = "exact";
  o.built_surface_m2 = 400;
  o.tenures = {"bcus"};
  o.rent_eur_month = 1000;
  o.available_from = 20000;
  return o;
}

Opportunity north_of_lens(long long id, double km) {
  return opportunity(id, kLensLon, kLensLat + km * kDegreesPerKmNorth);
}

Need radius_need(long long id, double lon, double lat, double radius_m) {
  Need n;
  n.id = id;
  n.collective_name = "Collectif " + std::to_string(id);
  n.surface_min_m2 = 300;
  n.surface_max_m2 = 500;
  n.tenures_accepted = {"bcus", "location"};
  n.rent_max_eur_month = 1500;
  n.area = AreaKind::radius;
  n.center_lon = lon;
  n.center_lat = lat;
  n.radius_m = radius_m;
  return n;
}

// An L around Lens: its envelope holds a notch, north-east, that is outside.
constexpr const char* kLAroundLens =
    "POLYGON((2.70 50.38, 2.95 50.38, 2.95 50.44, 2.80 50.44, 2.80 50.50, 2.70 50.50, 2.70 50.38))";

Need area_need(long long id, AreaKind kind, const std::string& wkt) {
  geo::GeosContext ctx;
  Need n = radius_need(id, kLensLon, kLensLat, 0);
  n.area = kind;
  n.area_wkb = ctx.from_wkt(wkt).to_wkb();
  n.area_name = "Zone de test";
  return n;
}

std::vector<long long> ids_of(const std::vector<Match>& matches, bool of_needs = false) {
  std::vector<long long> ids;
  for (const auto& m : matches) ids.push_back(of_needs ? m.need_id : m.opportunity_id);
  return ids;
}

// The longitude at `metres` east of a point, on its parallel.
double lon_east_of(double lon, double lat, double metres) {
  double lo = lon, hi = lon + 1;
  for (int i = 0; i < 80; ++i) {
    double mid = (lo + hi) / 2;
    (geodesic_distance_m(lon, lat, mid, lat) < metres ? lo : hi) = mid;
  }
  return lo;
}

struct RadiusCase {
  const char* where;
  double lon, lat;
  bool inside;
};

TEST(MatchEngine, KeepsOnlyOpportunitiesWithinTheRadius) {
  const double east_9_9 = lon_east_of(kLensLon, kLensLat, 9900);
  const double east_10_1 = lon_east_of(kLensLon, kLensLat, 10100);
  const std::vector<RadiusCase> cases = {
      {"9.9 km north", kLensLon, kLensLat + 9.9 * kDegreesPerKmNorth, true},
      {"10.1 km north", kLensLon, kLensLat + 10.1 * kDegreesPerKmNorth, false},
      {"9.9 km south", kLensLon, kLensLat - 9.9 * kDegreesPerKmNorth, true},
      {"10.1 km south", kLensLon, kLensLat - 10.1 * kDegreesPerKmNorth, false},
      {"9.9 km east", east_9_9, kLensLat, true},
      {"10.1 km east", east_10_1, kLensLat, false},
      {"9.9 km west", 2 * kLensLon - east_9_9, kLensLat, true},
      {"10.1 km west", 2 * kLensLon - east_10_1, kLensLat, false},
  };
  Need need = radius_need(1, kLensLon, kLensLat, 10000);
  for (const auto& c : cases) {
    double d = geodesic_distance_m(kLensLon, kLensLat, c.lon, c.lat);
    EXPECT_EQ(d <= 10000, c.inside) << c.where << ": " << d << " m";
    EXPECT_NEAR(d, c.inside ? 9900 : 10100, 15) << c.where;

    MatchEngine engine({opportunity(7, c.lon, c.lat)}, MatchConfig{});
    EXPECT_EQ(engine.in_area(need, c.lon, c.lat), c.inside) << c.where;
    auto matches = engine.matches_for_need(need);
    EXPECT_EQ(matches.size(), c.inside ? 1u : 0u) << c.where;
    if (!matches.empty()) {
      EXPECT_NEAR(matches[0].distance_m, d, 1e-6) << c.where;
    }
  }
}

TEST(MatchEngine, FindsAllOpportunitiesAmongOthersWithinTheRadius) {
  std::vector<Opportunity> opps = {north_of_lens(1, 9.9), north_of_lens(2, 10.1),
                                   opportunity(3, kLilleLon, kLilleLat), north_of_lens(4, 0),
                                   north_of_lens(5, -9.9)};
  MatchEngine engine(opps, MatchConfig{});
  auto ids = ids_of(engine.matches_for_need(radius_need(1, kLensLon, kLensLat, 10000)));
  EXPECT_EQ(std::set<long long>(ids.begin(), ids.end()), (std::set<long long>{1, 4, 5}));
}

struct AreaCase {
  const char* where;
  double lon, lat;
  bool inside;
};

TEST(MatchEngine, KeepsOnlyOpportunitiesInsideAPolygonOrTerritory) {
  const std::vector<AreaCase> cases = {
      {"Lens, in the L's foot", kLensLon, kLensLat, true},
      {"in the L's upright", 2.75, 50.48, true},
      {"in the envelope's notch", 2.90, 50.47, false},
      {"Lille, outside the envelope", kLilleLon, kLilleLat, false},
  };
  for (AreaKind kind : {AreaKind::polygon, AreaKind::territory}) {
    Need need = area_need(1, kind, kLAroundLens);
    for (const auto& c : cases) {
      MatchEngine engine({opportunity(7, c.lon, c.lat)}, MatchConfig{});
      EXPECT_EQ(engine.in_area(need, c.lon, c.lat), c.inside) << c.where;
      EXPECT_EQ(engine.matches_for_need(need).size(), c.inside ? 1u : 0u) << c.where;
    }
  }
}

TEST(MatchEngine, TopForNeedReturnsAtMostKBestFirstAndOnlyAvailableOnes) {
  std::vector<Opportunity> opps;
  for (long long km = 5; km >= 1; --km) opps.push_back(north_of_lens(km, double(km)));
  Opportunity taken = north_of_lens(99, 0.5);  // the best, but already given away
  taken.status = "attribuée";
  opps.push_back(taken);
  Opportunity discussed = north_of_lens(98, 0.2);
  discussed.status = "en discussion";
  opps.push_back(discussed);

  MatchConfig config;
  config.top_k = 3;
  MatchEngine engine(opps, config);
  Need need = radius_need(1, kLensLon, kLensLat, 10000);

  EXPECT_EQ(ids_of(engine.top_for_need(need)), (std::vector<long long>{1, 2, 3}));
  EXPECT_EQ(ids_of(engine.top_for_need(need, 2)), (std::vector<long long>{1, 2}));
  EXPECT_EQ(ids_of(engine.top_for_need(need, 10)), (std::vector<long long>{1, 2, 3, 4, 5}));
  auto all = engine.matches_for_need(need);
  EXPECT_EQ(ids_of(all), (std::vector<long long>{1, 2, 3, 4, 5}));
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i - 1].score, all[i].score);
}

TEST(MatchEngine, ANeedThatIsNotActiveHasNoMatch) {
  MatchEngine engine({north_of_lens(1, 1), north_of_lens(2, 2)}, MatchConfig{});
  Need need = radius_need(1, kLensLon, kLensLat, 10000);
  ASSERT_EQ(engine.matches_for_need(need).size(), 2u);
  for (const char* status : {"close", "satisfaite"}) {
    need.status = status;
    EXPECT_TRUE(engine.matches_for_need(need).empty()) << status;
    EXPECT_TRUE(engine.top_for_need(need).empty()) << status;
  }
}

TEST(MatchEngine, MeasuresTheDistanceFromTheCollectivesPlaceWhenItHasOne) {
  Opportunity opp = north_of_lens(1, 3);
  MatchEngine engine({opp}, MatchConfig{});
  Need need = radius_need(1, kLensLon, kLensLat, 10000);

  auto from_centre = engine.matches_for_need(need);
  ASSERT_EQ(from_centre.size(), 1u);
  EXPECT_DOUBLE_EQ(from_centre[0].distance_m,
                   geodesic_distance_m(kLensLon, kLensLat, opp.lon, opp.lat));
  EXPECT_EQ(from_centre[0].reasons_text().find("du lieu actuel"), std::string::npos);

  need.place_lon = 2.7780;  // Liévin
  need.place_lat = 50.4230;
  auto from_place = engine.matches_for_need(need);
  ASSERT_EQ(from_place.size(), 1u);
  double expected = geodesic_distance_m(2.7780, 50.4230, opp.lon, opp.lat);
  EXPECT_DOUBLE_EQ(from_place[0].distance_m, expected);
  EXPECT_GT(std::fabs(expected - from_centre[0].distance_m), 1000);
  EXPECT_NE(from_place[0].reasons_text().find("du lieu actuel"), std::string::npos)
      << from_place[0].reasons_text();
}

TEST(MatchEngine, TopForOpportunityReturnsTheNeedsItFitsBestFirst) {
  Opportunity opp = north_of_lens(50, 0.5);
  MatchEngine engine({}, MatchConfig{});
  Need near = radius_need(1, kLensLon, kLensLat, 10000);
  Need far = radius_need(2, kLensLon, kLensLat - 8 * kDegreesPerKmNorth, 15000);
  Need in_lille = radius_need(3, kLilleLon, kLilleLat, 10000);
  Need closed = radius_need(4, kLensLon, kLensLat, 10000);
  closed.status = "close";
  // The opportunity is in the polygon's envelope, not in the polygon.
  Need notch = area_need(5, AreaKind::polygon,
                         "POLYGON((2.80 50.40, 2.86 50.40, 2.86 50.43, 2.83 50.43, 2.83 50.46, "
                         "2.80 50.46, 2.80 50.40))");
  ASSERT_FALSE(engine.in_area(notch, opp.lon, opp.lat));
  Need too_small = radius_need(6, kLensLon, kLensLat, 10000);
  too_small.surface_max_m2 = 200;
  too_small.surface_min_m2 = 100;
  Need territory = area_need(7, AreaKind::territory, kLAroundLens);
  territory.surface_ideal_m2 = 300;  // a worse surface fit than `near`

  std::vector<Need> needs = {in_lille, far, closed, near, notch, too_small, territory};
  auto matches = engine.top_for_opportunity(opp, needs);
  EXPECT_EQ(ids_of(matches, true), (std::vector<long long>{1, 7, 2}));
  for (const auto& m : matches) EXPECT_EQ(m.opportunity_id, 50);
  EXPECT_EQ(ids_of(engine.top_for_opportunity(opp, needs, 1), true), (std::vector<long long>{1}));
}

TEST(MatchEngine, SortsByScoreThenReliabilityThenOlderOpportunity) {
  auto match = [](long long opp, double score, double reliability) {
    Match m;
    m.need_id = 1;
    m.opportunity_id = opp;
    m.score = score;
    m.reliability = reliability;
    return m;
  };
  std::vector<Match> matches = {match(5, 70, 10), match(3, 80, 6), match(9, 80, 9),
                                match(2, 70, 10), match(1, 60, 10)};
  sort_matches(matches);
  EXPECT_EQ(ids_of(matches), (std::vector<long long>{9, 3, 2, 5, 1}));
}

TEST(MatchEngine, RanksTheMoreReliableOfTwoEqualOpportunitiesFirst) {
  Opportunity vague = north_of_lens(1, 2);
  vague.available_from.reset();  // a lower reliability, and a lower timing component
  Opportunity precise = north_of_lens(2, 2);
  MatchEngine engine({vague, precise}, MatchConfig{});
  auto matches = engine.matches_for_need(radius_need(1, kLensLon, kLensLat, 10000));
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].opportunity_id, 2);
  EXPECT_GT(matches[0].reliability, matches[1].reliability);
}

TEST(MatchEngine, AnEngineWithoutOpportunitiesFindsNothing) {
  MatchEngine engine({}, MatchConfig{});
  EXPECT_TRUE(engine.matches_for_need(radius_need(1, kLensLon, kLensLat, 10000)).empty());
  EXPECT_TRUE(engine.matches_for_need(area_need(2, AreaKind::polygon, kLAroundLens)).empty());
}

TEST(MatchEngine, RejectsAnInvalidConfig) {
  MatchConfig config;
  config.top_k = 0;
  EXPECT_THROW(MatchEngine({}, config), ConfigError);
}

// --- Random instances against brute force --------------------------------------

class RandomWorld : public RandomDraws<std::mt19937> {
 public:
  explicit RandomWorld(unsigned seed) : RandomDraws(seed) {}

  Opportunity opportunity(long long id) {
    Opportunity o;
    o.id = id;
    o.kind = pick(kinds_);
    o.lon = uniform(2.5, 3.5);
    o.lat = uniform(50.0, 51.0);
    o.precision = pick(std::vector<std::string>{"exact", "adresse", "commune"});
    if (chance(0.8)) o.built_surface_m2 = uniform(50, 2000);
    if (chance(0.8)) o.land_surface_m2 = uniform(100, 5000);
    o.tenures = subset(tenures_, 0.4);
    if (chance(0.5)) o.price_eur = uniform(50000, 800000);
    if (chance(0.6)) o.rent_eur_month = uniform(200, 4000);
    if (chance(0.7)) o.available_from = kToday + int(uniform(-200, 300));
    if (chance(0.3)) o.available_until = kToday + int(uniform(0, 800));
    if (chance(0.15))
      o.status = pick(std::vector<std::string>{"en discussion", "attribuée", "retirée"});
    return o;
  }

  Need need(long long id) {
    Need n;
    n.id = id;
    double min = uniform(50, 1500);
    n.surface_min_m2 = min;
    n.surface_max_m2 = min * uniform(1.2, 4);
    if (chance(0.5)) n.surface_ideal_m2 = (*n.surface_min_m2 + *n.surface_max_m2) / 2;
    n.surface_tolerance_pct = uniform(0, 25);
    if (chance(0.5)) n.kinds_wanted = subset(kinds_, 0.6);
    if (chance(0.7)) n.tenures_accepted = subset(tenures_, 0.5);
    if (chance(0.6)) n.rent_max_eur_month = uniform(500, 4000);
    if (chance(0.4)) n.price_max_eur = uniform(100000, 800000);
    if (chance(0.5)) n.needed_from = kToday + int(uniform(-100, 200));
    n.area = AreaKind::radius;
    n.center_lon = uniform(2.5, 3.5);
    n.center_lat = uniform(50.0, 51.0);
    n.radius_m = uniform(2000, 40000);
    if (chance(0.3)) {
      n.place_lon = n.center_lon + uniform(-0.05, 0.05);
      n.place_lat = n.center_lat + uniform(-0.05, 0.05);
    }
    return n;
  }

 private:
  static constexpr Day kToday = 20148;
  std::vector<std::string> kinds_ = {"bureau",  "atelier",        "entrepôt", "commerce",
                                     "terrain", "bâtiment mixte", "friche",   "logement"};
  std::vector<std::string> tenures_ = {"vente",
                                       "location",
                                       "bcus",
                                       "bail emphytéotique",
                                       "occupation temporaire",
                                       "mise à disposition"};
};

std::vector<long long> brute_force(const MatchEngine& engine, const Need& need) {
  std::vector<Match> out;
  if (need.status != "active") return {};
  for (const auto& opp : engine.opportunities()) {
    if (!engine.in_area(need, opp.lon, opp.lat)) continue;
    double lon = need.place_lon.value_or(need.center_lon);
    double lat = need.place_lat.value_or(need.center_lat);
    if (auto m =
            evaluate(need, opp, geodesic_distance_m(lon, lat, opp.lon, opp.lat), engine.config())) {
      out.push_back(*m);
    }
  }
  sort_matches(out);
  return ids_of(out);
}

TEST(MatchEngine, RadiusPrefilterLosesNothingOnRandomInstances) {
  RandomWorld world(42);
  std::vector<Opportunity> opps;
  for (long long id = 1; id <= 300; ++id) opps.push_back(world.opportunity(id));
  MatchEngine engine(opps, MatchConfig{});

  std::size_t in_areas = 0, matched = 0;
  for (long long id = 1; id <= 40; ++id) {
    Need need = world.need(id);
    for (const auto& o : opps) in_areas += engine.in_area(need, o.lon, o.lat) ? 1 : 0;
    auto expected = brute_force(engine, need);
    matched += expected.size();
    EXPECT_EQ(ids_of(engine.matches_for_need(need)), expected) << "need " << id;
  }
  // The instance must exercise the comparison.
  RecordProperty("pairs_in_areas", std::to_string(in_areas));
  RecordProperty("matches", std::to_string(matched));
  EXPECT_GT(in_areas, 1000u);
  EXPECT_GT(matched, 200u);
}

// top_for_need ranks without reasons and writes them for the k kept: the
// same matches, scores, order and reasons as the full ranking's first k.
TEST(MatchEngine, TopKEqualsTheFullRankingsFirstKWithTheSameReasons) {
  RandomWorld world(7);
  std::vector<Opportunity> opps;
  for (long long id = 1; id <= 400; ++id) opps.push_back(world.opportunity(id));
  MatchEngine engine(opps, MatchConfig{});
  std::size_t compared = 0;
  for (long long id = 1; id <= 60; ++id) {
    Need need = world.need(id);
    auto all = engine.matches_for_need(need);
    for (std::size_t k : {std::size_t{1}, std::size_t{3}, std::size_t{10}}) {
      auto top = engine.top_for_need(need, k);
      ASSERT_EQ(top.size(), std::min(k, all.size())) << "need " << id;
      for (std::size_t i = 0; i < top.size(); ++i) {
        EXPECT_EQ(top[i].opportunity_id, all[i].opportunity_id) << "need " << id << " rank " << i;
        EXPECT_EQ(top[i].score, all[i].score);
        EXPECT_EQ(top[i].reliability, all[i].reliability);
        EXPECT_EQ(top[i].reasons, all[i].reasons);
        EXPECT_FALSE(top[i].reasons.empty());
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 200u);
}

TEST(MatchEngine, PolygonPrefilterLosesNothingOnRandomInstances) {
  RandomWorld world(42);
  std::vector<Opportunity> opps;
  for (long long id = 1; id <= 300; ++id) opps.push_back(world.opportunity(id));
  MatchEngine engine(opps, MatchConfig{});

  std::size_t in_areas = 0;
  for (long long id = 1; id <= 20; ++id) {
    // A star-shaped polygon: a simple polygon, often concave.
    double cx = world.uniform(2.6, 3.4), cy = world.uniform(50.1, 50.9);
    std::string wkt = "POLYGON((";
    std::string first;
    for (int k = 0; k < 9; ++k) {
      double angle = 2 * std::numbers::pi * k / 9;
      double r = world.uniform(0.03, 0.25);
      std::string vertex =
          std::to_string(cx + r * std::cos(angle)) + " " + std::to_string(cy + r * std::sin(angle));
      if (k == 0) first = vertex;
      wkt += vertex + ", ";
    }
    wkt += first + "))";
    Need random = world.need(id);
    Need need = area_need(id, id % 2 ? AreaKind::polygon : AreaKind::territory, wkt);
    need.surface_min_m2 = random.surface_min_m2;
    need.surface_max_m2 = random.surface_max_m2;
    need.tenures_accepted = random.tenures_accepted;
    need.center_lon = cx;
    need.center_lat = cy;
    for (const auto& o : opps) in_areas += engine.in_area(need, o.lon, o.lat) ? 1 : 0;
    EXPECT_EQ(ids_of(engine.matches_for_need(need)), brute_force(engine, need)) << wkt;
  }
  RecordProperty("pairs_in_areas", std::to_string(in_areas));
  EXPECT_GT(in_areas, 200u);
}

}  // namespace
}  // namespace terrier::matching
