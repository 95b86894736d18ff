#include "matching/rules.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace terrier::matching {
namespace {

// 2025-03-01 as days since 1970-01-01.
constexpr Day kMarch1st2025 = 20148;
const std::string kNbsp = "\xC2\xA0";

// A need for 300-500 m² (ideal 400), BCUS or location, rent at most
// 1 500 €/month, around Lens.
Need workshop_need() {
  Need n;
  n.id = 1;
  n.collective_name = "La Recyclerie du Bassin";
  n.surface_min_m2 = 300;
  n.surface_ideal_m2 = 400;
  n.surface_max_m2 = 500;
  n.tenures_accepted = {"bcus", "location"};
  n.rent_max_eur_month = 1500;
  n.area = AreaKind::radius;
  n.center_lon = 2.8319;
  n.center_lat = 50.4320;
  n.radius_m = 10000;
  return n;
}

// An atelier of 420 m² offered in BCUS at 1 200 €/month, every field known
// except available_from.
Opportunity workshop() {
  Opportunity o;
  o.id = 10;
  o.title = "Atelier rue de la Gare";
  o.kind = "atelier";
  o.lon = 2.8319;
  o.lat = 50.4608;
  o.precision = "exact";
  o.built_surface_m2 = 420;
  o.tenures = {"bcus"};
  o.rent_eur_month = 1200;
  return o;
}

// The same atelier with a known availability date: every field is known.
Opportunity complete_workshop() {
  Opportunity o = workshop();
  o.available_from = kMarch1st2025;
  return o;
}

bool has_reason(const Match& m, const std::string& reason) {
  for (const auto& r : m.reasons) {
    if (r == reason) return true;
  }
  return false;
}

std::optional<Match> eval(const Need& n, const Opportunity& o, double distance_m = 3200) {
  return evaluate(n, o, distance_m, MatchConfig{});
}

// --- Hard constraints -------------------------------------------------------

TEST(Rules, AcceptsTheControlPairWithFullReliability) {
  auto m = eval(workshop_need(), complete_workshop());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->need_id, 1);
  EXPECT_EQ(m->opportunity_id, 10);
  EXPECT_DOUBLE_EQ(m->distance_m, 3200);
  EXPECT_EQ(m->tenure, "bcus");
  EXPECT_DOUBLE_EQ(m->reliability, 10);
}

TEST(Rules, RejectsAnOpportunityThatIsNotAvailable) {
  for (const char* status : {"en discussion", "attribuée", "retirée"}) {
    Opportunity o = complete_workshop();
    o.status = status;
    EXPECT_FALSE(eval(workshop_need(), o)) << status;
  }
  Opportunity control = complete_workshop();
  control.status = "disponible";
  EXPECT_TRUE(eval(workshop_need(), control));
}

TEST(Rules, RejectsAKindTheNeedDoesNotWant) {
  Need n = workshop_need();
  n.kinds_wanted = {"bureau", "entrepôt"};
  EXPECT_FALSE(eval(n, complete_workshop()));
  n.kinds_wanted = {"bureau", "atelier"};
  EXPECT_TRUE(eval(n, complete_workshop()));
}

TEST(Rules, AcceptsAnyKindWhenNoKindIsWanted) {
  Need n = workshop_need();
  n.kinds_wanted.clear();
  for (const char* kind :
       {"bureau", "atelier", "entrepôt", "commerce", "bâtiment mixte", "logement"}) {
    Opportunity o = complete_workshop();
    o.kind = kind;
    EXPECT_TRUE(eval(n, o)) << kind;
  }
}

struct SurfaceCase {
  double surface;
  bool matches;
  const char* why;
};

// The need asks for 300-500 m² with a 10 % tolerance: [270, 550].
TEST(Rules, AcceptsASurfaceOnlyWithinTheRangeWidenedByTheTolerance) {
  const std::vector<SurfaceCase> cases = {
      {269, false, "below min with tolerance"},
      {269.99, false, "just below the lower edge"},
      {270, true, "exactly at the lower tolerance edge"},
      {280, true, "below min but within tolerance"},
      {300, true, "at min"},
      {400, true, "at ideal"},
      {500, true, "at max"},
      {540, true, "above max but within tolerance"},
      {550, true, "exactly at the upper tolerance edge"},
      {550.01, false, "just above the upper edge"},
      {560, false, "above max with tolerance"},
  };
  for (const auto& c : cases) {
    Opportunity o = complete_workshop();
    o.built_surface_m2 = c.surface;
    EXPECT_EQ(eval(workshop_need(), o).has_value(), c.matches) << c.why << " (" << c.surface << ")";
  }
}

struct ToleranceEdgeCase {
  double min, max, tolerance_pct;
  double surface;  // exactly min * (1 - tol) or max * (1 + tol)
};

// "Exactly at the tolerance edge passes", whatever the tolerance: the edge
// must not be lost to floating-point rounding (200 * (1 + 0.15) is
// 229.99999999999997 in doubles).
TEST(Rules, AcceptsASurfaceExactlyAtTheToleranceEdgeForAnyTolerance) {
  const std::vector<ToleranceEdgeCase> cases = {
      {300, 500, 10, 270}, {300, 500, 10, 550}, {200, 400, 15, 170}, {100, 200, 15, 230},
      {300, 400, 15, 460}, {200, 300, 13, 339}, {100, 200, 20, 240}, {100, 200, 25, 250},
  };
  for (const auto& c : cases) {
    Need n = workshop_need();
    n.surface_min_m2 = c.min;
    n.surface_ideal_m2.reset();
    n.surface_max_m2 = c.max;
    n.surface_tolerance_pct = c.tolerance_pct;
    Opportunity o = complete_workshop();
    o.built_surface_m2 = c.surface;
    EXPECT_TRUE(eval(n, o)) << c.min << "–" << c.max << " ± " << c.tolerance_pct << " %, surface "
                            << c.surface;
  }
}

TEST(Rules, UsesTheToleranceOfTheNeed) {
  Need n = workshop_need();
  n.surface_tolerance_pct = 0;
  Opportunity o = complete_workshop();
  o.built_surface_m2 = 290;
  EXPECT_FALSE(eval(n, o));
  n.surface_tolerance_pct = 20;  // [240, 600]
  EXPECT_TRUE(eval(n, o));
  o.built_surface_m2 = 590;
  EXPECT_TRUE(eval(n, o));
}

TEST(Rules, UsesTheLandSurfaceForTerrainAndFriche) {
  for (const char* kind : {"terrain", "friche"}) {
    Opportunity o = complete_workshop();
    o.kind = kind;
    o.built_surface_m2 = 420;  // would fit, but is not the relevant surface
    o.land_surface_m2 = 5000;  // does not fit
    EXPECT_FALSE(eval(workshop_need(), o)) << kind;

    o.built_surface_m2 = 5000;  // does not fit, but is not the relevant surface
    o.land_surface_m2 = 420;
    auto m = eval(workshop_need(), o);
    ASSERT_TRUE(m) << kind;
    EXPECT_EQ(m->reasons.front(), "420" + kNbsp + "m² pour 300–500" + kNbsp + "demandés") << kind;
  }
}

TEST(Rules, UsesTheBuiltSurfaceForBuildings) {
  Opportunity o = complete_workshop();
  o.built_surface_m2 = 420;
  o.land_surface_m2 = 5000;
  EXPECT_TRUE(eval(workshop_need(), o));
  o.built_surface_m2 = 5000;
  o.land_surface_m2 = 420;
  EXPECT_FALSE(eval(workshop_need(), o));
}

TEST(Rules, RejectsWhenNoTenureIsInCommon) {
  Opportunity o = complete_workshop();
  o.tenures = {"vente", "bail emphytéotique"};
  EXPECT_FALSE(eval(workshop_need(), o));
  o.tenures = {"vente", "location"};
  auto m = eval(workshop_need(), o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->tenure, "location");
}

TEST(Rules, AcceptsAnyOfferedTenureWhenTheNeedAcceptsAny) {
  Need n = workshop_need();
  n.tenures_accepted.clear();
  Opportunity o = complete_workshop();
  o.tenures = {"occupation temporaire"};
  auto m = eval(n, o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->tenure, "occupation temporaire");
}

TEST(Rules, RejectsARentOverBudget) {
  Opportunity o = complete_workshop();
  o.rent_eur_month = 1600;
  EXPECT_FALSE(eval(workshop_need(), o));
  o.rent_eur_month = 1500;  // at the budget: fits
  EXPECT_TRUE(eval(workshop_need(), o));
}

TEST(Rules, RejectsAPriceOverBudgetForASale) {
  Need n = workshop_need();
  n.tenures_accepted = {"vente"};
  n.price_max_eur = 250000;
  Opportunity o = complete_workshop();
  o.tenures = {"vente"};
  o.rent_eur_month.reset();
  o.price_eur = 300000;
  EXPECT_FALSE(eval(n, o));
  o.price_eur = 200000;
  auto m = eval(n, o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->tenure, "vente");
  EXPECT_TRUE(
      has_reason(*m, "prix 200" + kNbsp + "000" + kNbsp + "€ ≤ 250" + kNbsp + "000" + kNbsp + "€"))
      << m->reasons_text();
}

TEST(Rules, TheRentBudgetDoesNotLimitASale) {
  Need n = workshop_need();
  n.tenures_accepted = {"vente"};
  n.rent_max_eur_month = 100;  // irrelevant to a sale
  n.price_max_eur = 250000;
  Opportunity o = complete_workshop();
  o.tenures = {"vente"};
  o.price_eur = 200000;
  o.rent_eur_month = 5000;
  EXPECT_TRUE(eval(n, o));
}

TEST(Rules, MatchesThroughAnotherAcceptedTenureWithinBudget) {
  Need n = workshop_need();
  n.tenures_accepted = {"vente", "location"};
  n.price_max_eur = 200000;
  n.rent_max_eur_month = 1500;
  Opportunity o = complete_workshop();
  o.tenures = {"vente", "location"};
  o.price_eur = 300000;  // over budget
  o.rent_eur_month = 1200;
  auto m = eval(n, o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->tenure, "location");

  o.rent_eur_month = 1600;  // now every common tenure is over budget
  EXPECT_FALSE(eval(n, o));
}

TEST(Rules, ChoosesTheFirstTenureInTheNeedsOrderThatFits) {
  Need n = workshop_need();
  n.tenures_accepted = {"bcus", "vente", "location"};
  n.price_max_eur = 200000;
  Opportunity o = complete_workshop();
  o.tenures = {"location", "vente"};  // the opportunity's own order does not count
  o.price_eur = 150000;
  o.rent_eur_month = 1000;
  auto m = eval(n, o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->tenure, "vente");
}

TEST(Rules, RejectsWhenAvailableUntilIsBeforeNeededFrom) {
  Need n = workshop_need();
  n.needed_from = kMarch1st2025;
  Opportunity o = complete_workshop();
  o.available_from = kMarch1st2025 - 100;
  o.available_until = kMarch1st2025 - 1;
  EXPECT_FALSE(eval(n, o));
  o.available_until = kMarch1st2025;
  EXPECT_TRUE(eval(n, o));
}

TEST(Rules, RejectsWhenAvailableFromIsLaterThanTheSlack) {
  Need n = workshop_need();
  n.needed_from = kMarch1st2025;
  MatchConfig config;
  ASSERT_EQ(config.availability_slack_days, 90);
  Opportunity o = complete_workshop();
  o.available_from = kMarch1st2025 + 91;
  EXPECT_FALSE(evaluate(n, o, 3200, config));
  o.available_from = kMarch1st2025 + 90;  // exactly at the slack
  auto m = evaluate(n, o, 3200, config);
  ASSERT_TRUE(m);
  EXPECT_TRUE(has_reason(*m, "disponible le 30/05/2025")) << m->reasons_text();

  config.availability_slack_days = 0;
  o.available_from = kMarch1st2025 + 1;
  EXPECT_FALSE(evaluate(n, o, 3200, config));
  o.available_from = kMarch1st2025;
  EXPECT_TRUE(evaluate(n, o, 3200, config));
}

// --- Unknowns lower the reliability --------------------------------------

struct UnknownCase {
  const char* name;
  void (*blank)(Need&, Opportunity&);
  double reliability;
  const char* reason;
};

TEST(Rules, UnknownsLowerTheReliabilityAndSaySo) {
  const std::vector<UnknownCase> cases = {
      {"no built surface", [](Need&, Opportunity& o) { o.built_surface_m2.reset(); }, 7,
       "surface bâtie inconnue"},
      {"no land surface",
       [](Need&, Opportunity& o) {
         o.kind = "terrain";
         o.built_surface_m2 = 420;
         o.land_surface_m2.reset();
       },
       7, "surface du terrain inconnue"},
      {"unknown tenures", [](Need&, Opportunity& o) { o.tenures.clear(); }, 8,
       "mode de mise à disposition inconnu"},
      {"no rent with a rent budget", [](Need&, Opportunity& o) { o.rent_eur_month.reset(); }, 8,
       "loyer inconnu"},
      {"no price with a price budget",
       [](Need& n, Opportunity& o) {
         n.tenures_accepted = {"vente"};
         n.price_max_eur = 250000;
         o.tenures = {"vente"};
       },
       8, "prix inconnu"},
      {"located to the commune", [](Need&, Opportunity& o) { o.precision = "commune"; }, 8,
       "localisé à la commune près"},
      {"no available_from", [](Need&, Opportunity& o) { o.available_from.reset(); }, 9,
       "date de disponibilité inconnue"},
      {"no available_from with a needed_from",
       [](Need& n, Opportunity& o) {
         n.needed_from = kMarch1st2025;
         o.available_from.reset();
       },
       9, "date de disponibilité inconnue"},
  };
  for (const auto& c : cases) {
    Need n = workshop_need();
    Opportunity o = complete_workshop();
    c.blank(n, o);
    auto m = eval(n, o);
    ASSERT_TRUE(m) << c.name;
    EXPECT_DOUBLE_EQ(m->reliability, c.reliability) << c.name;
    EXPECT_TRUE(has_reason(*m, c.reason)) << c.name << ": " << m->reasons_text();
  }
}

TEST(Rules, AnUnknownCostWithoutABudgetCostsNoReliability) {
  Need n = workshop_need();
  n.rent_max_eur_month.reset();
  Opportunity o = complete_workshop();
  o.rent_eur_month.reset();
  auto m = eval(n, o);
  ASSERT_TRUE(m);
  EXPECT_DOUBLE_EQ(m->reliability, 10);
  EXPECT_TRUE(has_reason(*m, "loyer inconnu")) << m->reasons_text();
}

TEST(Rules, UnknownsAddUp) {
  Opportunity o = complete_workshop();
  o.built_surface_m2.reset();  // -3
  o.tenures.clear();           // -2
  o.precision = "commune";     // -2
  o.available_from.reset();    // -1
  auto m = eval(workshop_need(), o);
  ASSERT_TRUE(m);
  EXPECT_DOUBLE_EQ(m->reliability, 2);
  EXPECT_EQ(m->tenure, "");
}

TEST(Rules, AKnownOpportunityHasNoUnknownReason) {
  auto m = eval(workshop_need(), complete_workshop());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->reasons_text().find("inconnu"), std::string::npos) << m->reasons_text();
  EXPECT_EQ(m->reasons_text().find("commune"), std::string::npos) << m->reasons_text();
}

// --- Score -------------------------------------------------------------------

TEST(Rules, CloserBeatsFarther) {
  auto near = eval(workshop_need(), complete_workshop(), 1000);
  auto far = eval(workshop_need(), complete_workshop(), 8000);
  ASSERT_TRUE(near && far);
  EXPECT_GT(near->score, far->score);
  EXPECT_GT(near->components.distance, far->components.distance);
}

TEST(Rules, DistanceComponentUsesTheRadiusAsScale) {
  auto m = eval(workshop_need(), complete_workshop(), 2500);  // radius 10 km
  ASSERT_TRUE(m);
  EXPECT_NEAR(m->components.distance, 0.75, 1e-12);
  Need territory = workshop_need();
  territory.area = AreaKind::territory;  // scale: distance_scale_m, 25 km
  m = eval(territory, complete_workshop(), 2500);
  ASSERT_TRUE(m);
  EXPECT_NEAR(m->components.distance, 0.9, 1e-12);
}

TEST(Rules, IdealSurfaceBeatsEdgeSurface) {
  Opportunity ideal = complete_workshop();
  ideal.built_surface_m2 = 400;
  Opportunity edge = complete_workshop();
  edge.built_surface_m2 = 300;
  auto a = eval(workshop_need(), ideal);
  auto b = eval(workshop_need(), edge);
  ASSERT_TRUE(a && b);
  EXPECT_GT(a->score, b->score);
  EXPECT_DOUBLE_EQ(a->components.surface, 1);
  edge.built_surface_m2 = 500;
  b = eval(workshop_need(), edge);
  ASSERT_TRUE(b);
  EXPECT_GT(a->score, b->score);
}

TEST(Rules, PreferredTenureBeatsSecondChoice) {
  Opportunity first = complete_workshop();
  first.tenures = {"bcus"};
  Opportunity second = complete_workshop();
  second.tenures = {"location"};
  auto a = eval(workshop_need(), first);
  auto b = eval(workshop_need(), second);
  ASSERT_TRUE(a && b);
  EXPECT_GT(a->score, b->score);
  EXPECT_GT(a->components.tenure, b->components.tenure);
}

TEST(Rules, CheaperBeatsDearer) {
  Opportunity cheap = complete_workshop();
  cheap.rent_eur_month = 800;
  Opportunity dear = complete_workshop();
  dear.rent_eur_month = 1400;
  auto a = eval(workshop_need(), cheap);
  auto b = eval(workshop_need(), dear);
  ASSERT_TRUE(a && b);
  EXPECT_GT(a->score, b->score);
}

TEST(Rules, ScoreStaysWithinZeroAndHundred) {
  Need best_need = workshop_need();
  best_need.tenures_accepted = {"bcus"};
  best_need.needed_from = kMarch1st2025;
  Opportunity best = complete_workshop();
  best.built_surface_m2 = 400;
  best.rent_eur_month = 0;
  Opportunity worst = complete_workshop();
  worst.built_surface_m2 = 270;
  worst.rent_eur_month = 1500;
  worst.tenures = {"location"};
  Opportunity unknown = workshop();
  unknown.built_surface_m2.reset();
  unknown.tenures.clear();
  for (double d : {0.0, 5000.0, 10000.0, 50000.0}) {
    for (const auto& [n, o] : std::vector<std::pair<Need, Opportunity>>{
             {best_need, best}, {workshop_need(), worst}, {workshop_need(), unknown}}) {
      auto m = eval(n, o, d);
      ASSERT_TRUE(m);
      EXPECT_GE(m->score, 0) << d;
      EXPECT_LE(m->score, 100) << d;
    }
  }
  auto top = eval(best_need, best, 0);
  ASSERT_TRUE(top);
  EXPECT_DOUBLE_EQ(top->score, 100);
}

struct OneWeightCase {
  const char* component;
  double MatchConfig::*weight;
  double Components::*value;
};

TEST(Rules, WithAllWeightOnOneComponentTheScoreIsThatComponent) {
  const std::vector<OneWeightCase> cases = {
      {"surface", &MatchConfig::weight_surface, &Components::surface},
      {"distance", &MatchConfig::weight_distance, &Components::distance},
      {"budget", &MatchConfig::weight_budget, &Components::budget},
      {"tenure", &MatchConfig::weight_tenure, &Components::tenure},
      {"timing", &MatchConfig::weight_timing, &Components::timing},
  };
  Need n = workshop_need();
  n.needed_from = kMarch1st2025;
  Opportunity o = complete_workshop();
  o.built_surface_m2 = 330;
  o.tenures = {"location"};
  o.rent_eur_month = 1100;
  o.available_from = kMarch1st2025 + 30;
  for (const auto& c : cases) {
    MatchConfig config;
    config.weight_surface = config.weight_distance = config.weight_budget = config.weight_tenure =
        config.weight_timing = 0;
    config.*c.weight = 3;
    auto m = evaluate(n, o, 3700, config);
    ASSERT_TRUE(m) << c.component;
    double component = m->components.*c.value;
    EXPECT_GT(component, 0) << c.component;
    EXPECT_LT(component, 1) << c.component;
    EXPECT_NEAR(m->score, 100 * component, 0.005) << c.component;
  }
}

// --- Reasons -------------------------------------------------------------------

TEST(Rules, ExplainsTheExampleMatchInFrench) {
  auto m = eval(workshop_need(), workshop(), 3200);
  ASSERT_TRUE(m);
  EXPECT_EQ(
      m->reasons_text(),
      "420\u00a0m² pour 300–500\u00a0demandés · à 3,2\u00a0km · loyer 1\u00a0200\u00a0€/mois ≤ "
      "1\u00a0500\u00a0€ · BCUS accepté · date de disponibilité inconnue");
  EXPECT_DOUBLE_EQ(m->reliability, 9);
}

TEST(Rules, RoundsADistanceJustUnderAKilometreToKilometres) {
  auto m = eval(workshop_need(), complete_workshop(), 999.7);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->reasons.at(1), "à 1,0" + kNbsp + "km");
}

TEST(Rules, GivesShortDistancesInMetresAndFromTheCurrentPlace) {
  auto m = eval(workshop_need(), complete_workshop(), 850);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->reasons.at(1), "à 850" + kNbsp + "m");
  Need n = workshop_need();
  n.place_lon = 2.83;
  n.place_lat = 50.43;
  m = eval(n, complete_workshop(), 12400);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->reasons.at(1), "à 12,4" + kNbsp + "km du lieu actuel");
}

// A French reader expects the participle to agree with the tenure's gender:
// "vente acceptée", "location acceptée", but "bail emphytéotique accepté".
TEST(Rules, TenureReasonAgreesWithTheTenuresGender) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bcus", "BCUS accepté"},
      {"bail emphytéotique", "bail emphytéotique accepté"},
      {"vente", "vente acceptée"},
      {"location", "location acceptée"},
      {"occupation temporaire", "occupation temporaire acceptée"},
      {"mise à disposition", "mise à disposition acceptée"},
  };
  for (const auto& [tenure, reason] : cases) {
    Need n = workshop_need();
    n.tenures_accepted = {tenure};
    Opportunity o = complete_workshop();
    o.tenures = {tenure};
    auto m = eval(n, o);
    ASSERT_TRUE(m) << tenure;
    EXPECT_TRUE(has_reason(*m, reason)) << tenure << ": " << m->reasons_text();
  }
}

// --- french_number --------------------------------------------------------------

struct NumberCase {
  double value;
  int decimals;
  std::string text;
};

TEST(FrenchNumber, GroupsThousandsWithANoBreakSpaceAndUsesADecimalComma) {
  const std::vector<NumberCase> cases = {
      {1200, 0, "1\u00a0200"},
      {3.2, 1, "3,2"},
      {1234567, 0, "1\u00a0234\u00a0567"},
      {0, 0, "0"},
      {999, 0, "999"},
      {1000, 0, "1\u00a0000"},
      {123456, 0, "123\u00a0456"},
      {1234.56, 2, "1\u00a0234,56"},
      {-1500, 0, "-1\u00a0500"},
      {27.04, 1, "27,0"},
      {-0.4, 0, "0"},  // no "-0"
  };
  for (const auto& c : cases) {
    EXPECT_EQ(french_number(c.value, c.decimals), c.text) << c.value << " / " << c.decimals;
  }
}

// --- geodesic_distance_m -----------------------------------------------------------

TEST(GeodesicDistance, LilleToLensIsAbout27Km) {
  double d = geodesic_distance_m(3.0573, 50.6292, 2.8319, 50.4320);
  EXPECT_NEAR(d, 27000, 200);
  // PROJ's `geod +ellps=WGS84 -I` gives 27 140.692 m.
  EXPECT_NEAR(d, 27140.692, 0.01);
  EXPECT_DOUBLE_EQ(geodesic_distance_m(2.8319, 50.4320, 3.0573, 50.6292), d);
}

TEST(GeodesicDistance, IsZeroBetweenAPointAndItself) {
  EXPECT_DOUBLE_EQ(geodesic_distance_m(3.0573, 50.6292, 3.0573, 50.6292), 0);
}

// --- MatchConfig::validate ---------------------------------------------------------

TEST(MatchConfig, DefaultsAreValid) {
  EXPECT_NO_THROW(MatchConfig{}.validate());
}

TEST(MatchConfig, RejectsANegativeWeight) {
  MatchConfig c;
  c.weight_budget = -1;
  EXPECT_THROW(c.validate(), ConfigError);
}

TEST(MatchConfig, RejectsAllZeroWeights) {
  MatchConfig c;
  c.weight_surface = c.weight_distance = c.weight_budget = c.weight_tenure = c.weight_timing = 0;
  EXPECT_THROW(c.validate(), ConfigError);
  c.weight_timing = 1;
  EXPECT_NO_THROW(c.validate());
}

TEST(MatchConfig, RejectsATopKOfZero) {
  MatchConfig c;
  c.top_k = 0;
  EXPECT_THROW(c.validate(), ConfigError);
}

}  // namespace
}  // namespace terrier::matching
