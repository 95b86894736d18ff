#pragma once

// The matching module's view of needs and opportunities: plain values,
// loaded from PostGIS by db/match_store and matched in memory.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/vocabulary.hpp"

namespace terrier::matching {

// Days since 1970-01-01, for availability arithmetic.
using Day = int;

struct Opportunity {
  long long id = 0;
  std::string title;
  std::string kind;  // opportunity_kind vocabulary
  double lon = 0, lat = 0;
  std::string precision;  // exact, adresse, commune
  std::optional<double> built_surface_m2, land_surface_m2;
  std::vector<std::string> tenures;  // empty: not known
  std::optional<double> price_eur, rent_eur_month;
  std::optional<Day> available_from, available_until;
  std::string status{vocabulary::kAvailable};
  std::string visibility = "public";  // who may see it: the API filters on it
};

enum class AreaKind { territory, radius, polygon };

struct Need {
  long long id = 0;
  std::string collective_name;
  std::optional<double> surface_min_m2, surface_ideal_m2, surface_max_m2;
  double surface_tolerance_pct = 10;
  std::vector<std::string> kinds_wanted;      // empty: any kind
  std::vector<std::string> tenures_accepted;  // in order of preference; empty: any
  std::optional<double> rent_max_eur_month, price_max_eur;
  std::optional<Day> needed_from;
  std::string status = "active";

  AreaKind area = AreaKind::radius;
  double center_lon = 0, center_lat = 0;  // the radius' centre, or a point inside the area
  double radius_m = 0;
  std::string area_wkb;   // territory or polygon, EPSG:4326
  std::string area_name;  // "Cercle MEL", for the reasons
  // The collective's current place, when it has one: distances are taken
  // from there.
  std::optional<double> place_lon, place_lat;
};

// Weights of the score's components and the rules' tunables; a config file
// can override them (matching/config.hpp).
struct MatchConfig {
  double weight_surface = 35;
  double weight_distance = 25;
  double weight_budget = 20;
  double weight_tenure = 10;
  double weight_timing = 10;
  int availability_slack_days = 90;
  // Distance at which the distance component reaches 0 when the area is not a
  // radius (a territory or a polygon).
  double distance_scale_m = 25000;
  std::size_t top_k = 10;

  void validate() const;  // throws ConfigError
};

struct Components {
  double surface = 0, distance = 0, budget = 0, tenure = 0, timing = 0;
};

struct Match {
  long long need_id = 0;
  long long opportunity_id = 0;
  double score = 0;        // 0-100
  double reliability = 0;  // 0-10: how complete the data behind the score is
  double distance_m = 0;
  std::string tenure;  // the tenure the pair would use, "" when unknown
  Components components;
  std::vector<std::string> reasons;  // French, for people

  std::string reasons_text() const;  // joined with " · "
};

}  // namespace terrier::matching
