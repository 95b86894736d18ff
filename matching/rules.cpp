#include "matching/rules.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "core/error.hpp"
#include "core/vocabulary.hpp"
#include "geo/proj.hpp"

namespace terrier::matching {
namespace {

constexpr const char* kNbsp = "\xC2\xA0";

bool uses_land_surface(const std::string& kind) {
  return kind == "terrain" || kind == "friche";
}

// "BCUS accepté" (un bail), "vente acceptée", "location acceptée".
bool is_masculine(const std::string& tenure) {
  return tenure == "bcus" || tenure == "bail emphytéotique";
}

const char* tenure_label(const std::string& t) {
  if (t == "bcus") return "BCUS";
  if (t == "vente") return "vente";
  if (t == "location") return "location";
  if (t == "bail emphytéotique") return "bail emphytéotique";
  if (t == "occupation temporaire") return "occupation temporaire";
  if (t == "mise à disposition") return "mise à disposition";
  return t.c_str();
}

std::string date_label(Day d) {
  std::time_t t = static_cast<std::time_t>(d) * 86400;
  std::tm parts{};
  gmtime_r(&t, &parts);
  return fmt::format("{:02d}/{:02d}/{}", parts.tm_mday, parts.tm_mon + 1, parts.tm_year + 1900);
}

struct TenureChoice {
  std::string tenure;  // "" when the opportunity's tenures are unknown
  std::size_t rank = 0;
  std::optional<double> cost, budget;  // price or monthly rent, and the need's limit
};

// The best tenure in the need's order that the opportunity offers and the
// budget allows; nullopt when none.
std::optional<TenureChoice> choose_tenure(const Need& need, const Opportunity& opp) {
  auto cost_of = [&](const std::string& t) {
    return is_purchase(t) ? opp.price_eur : opp.rent_eur_month;
  };
  auto budget_of = [&](const std::string& t) {
    return is_purchase(t) ? need.price_max_eur : need.rent_max_eur_month;
  };
  if (opp.tenures.empty()) return TenureChoice{};
  const auto& wanted = need.tenures_accepted.empty() ? opp.tenures : need.tenures_accepted;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const auto& t = wanted[i];
    if (std::find(opp.tenures.begin(), opp.tenures.end(), t) == opp.tenures.end()) continue;
    auto cost = cost_of(t);
    auto budget = budget_of(t);
    if (cost && budget && *cost > *budget) continue;
    return TenureChoice{t, need.tenures_accepted.empty() ? 0 : i, cost, budget};
  }
  return std::nullopt;
}

}  // namespace

std::string french_number(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", std::fabs(v), decimals);
  std::string int_part = s.substr(0, s.find('.'));
  std::string frac = s.find('.') == std::string::npos ? "" : s.substr(s.find('.') + 1);
  std::string grouped;
  for (std::size_t i = 0; i < int_part.size(); ++i) {
    if (i > 0 && (int_part.size() - i) % 3 == 0) grouped += kNbsp;
    grouped += int_part[i];
  }
  bool negative = v < 0 && s.find_first_not_of("0.") != std::string::npos;  // no "-0"
  return (negative ? "-" : "") + grouped + (frac.empty() ? "" : "," + frac);
}

double geodesic_distance_m(double lon1, double lat1, double lon2, double lat2) {
  return geo::geodesic_distance_m(lon1, lat1, lon2, lat2);
}

std::string Match::reasons_text() const {
  std::string out;
  for (const auto& r : reasons) {
    if (!out.empty()) out += " · ";
    out += r;
  }
  return out;
}

void MatchConfig::validate() const {
  for (double w : {weight_surface, weight_distance, weight_budget, weight_tenure, weight_timing}) {
    if (!(w >= 0) || !std::isfinite(w)) throw ConfigError("matching weights must be >= 0");
  }
  if (weight_surface + weight_distance + weight_budget + weight_tenure + weight_timing <= 0) {
    throw ConfigError("at least one matching weight must be positive");
  }
  if (availability_slack_days < 0) throw ConfigError("availability_slack_days must be >= 0");
  if (!(distance_scale_m > 0)) throw ConfigError("distance_scale_m must be > 0");
  if (top_k == 0) throw ConfigError("top_k must be at least 1");
}

const std::optional<double>& judged_surface(const Opportunity& opp) {
  return uses_land_surface(opp.kind) ? opp.land_surface_m2 : opp.built_surface_m2;
}

SurfaceRange accepted_surfaces(const Need& need) {
  // A relative epsilon keeps a surface exactly at the edge (230 m² for
  // 200 m² + 15 %) from being lost to rounding.
  double pct = need.surface_tolerance_pct;
  return {need.surface_min_m2.value_or(0) * (100 - pct) / 100 * (1 - 1e-9),
          need.surface_max_m2 ? *need.surface_max_m2 * (100 + pct) / 100 * (1 + 1e-9) : INFINITY};
}

bool dates_allow(const Need& need, std::optional<Day> available_from,
                 std::optional<Day> available_until, const MatchConfig& config) {
  if (!need.needed_from) return true;
  if (available_until && *available_until < *need.needed_from) return false;
  return !available_from || *available_from - *need.needed_from <= config.availability_slack_days;
}

bool is_purchase(const std::string& tenure) {
  return tenure == "vente";
}

double surface_component(const Need& need, double surface) {
  auto [lo, hi] = accepted_surfaces(need);
  double ideal = need.surface_ideal_m2.value_or(
      need.surface_min_m2 && need.surface_max_m2
          ? (*need.surface_min_m2 + *need.surface_max_m2) / 2
          : need.surface_min_m2.value_or(need.surface_max_m2.value_or(surface)));
  double span = surface <= ideal ? ideal - lo : (std::isfinite(hi) ? hi - ideal : ideal);
  return span > 0 ? std::clamp(1 - 0.7 * std::fabs(surface - ideal) / span, 0.0, 1.0) : 1;
}

double distance_scale_m(const Need& need, const MatchConfig& config) {
  return need.area == AreaKind::radius && need.radius_m > 0 ? need.radius_m
                                                            : config.distance_scale_m;
}

double distance_component(const Need& need, double distance_m, const MatchConfig& config) {
  return std::clamp(1 - distance_m / distance_scale_m(need, config), 0.0, 1.0);
}

double timing_component(const Need& need, std::optional<Day> available_from,
                        const MatchConfig& config) {
  if (!need.needed_from || !available_from) return 0.7;
  int delay = *available_from - *need.needed_from;
  return delay <= 0 ? 1 : 1 - 0.5 * double(delay) / std::max(1, config.availability_slack_days);
}

double weighted_score(const Components& c, const MatchConfig& config) {
  double total = config.weight_surface + config.weight_distance + config.weight_budget +
                 config.weight_tenure + config.weight_timing;
  return 100 *
         (config.weight_surface * c.surface + config.weight_distance * c.distance +
          config.weight_budget * c.budget + config.weight_tenure * c.tenure +
          config.weight_timing * c.timing) /
         total;
}

bool may_match(const Need& need, const Opportunity& opp) {
  return opp.status == vocabulary::kAvailable &&
         (need.kinds_wanted.empty() || std::find(need.kinds_wanted.begin(), need.kinds_wanted.end(),
                                                 opp.kind) != need.kinds_wanted.end());
}

std::optional<Match> evaluate(const Need& need, const Opportunity& opp, double distance_m,
                              const MatchConfig& config, bool with_reasons) {
  if (!may_match(need, opp)) return std::nullopt;
  return score_pair(need, opp, distance_m, config, with_reasons);
}

std::optional<Match> score_pair(const Need& need, const Opportunity& opp, double distance_m,
                                const MatchConfig& config, bool with_reasons) {
  Match m;
  m.need_id = need.id;
  m.opportunity_id = opp.id;
  m.distance_m = distance_m;
  double reliability = 10;

  // Surface, within [min, max] widened by the tolerance.
  const auto& surface = judged_surface(opp);
  auto [lo, hi] = accepted_surfaces(need);
  std::string range =
      !with_reasons ? std::string()
      : need.surface_min_m2 && need.surface_max_m2
          ? fmt::format("{}–{}", french_number(*need.surface_min_m2),
                        french_number(*need.surface_max_m2))
      : need.surface_min_m2 ? fmt::format("{} et plus", french_number(*need.surface_min_m2))
      : need.surface_max_m2 ? fmt::format("jusqu'à {}", french_number(*need.surface_max_m2))
                            : std::string();
  if (surface) {
    if (*surface < lo || *surface > hi) return std::nullopt;
    m.components.surface = surface_component(need, *surface);
    if (with_reasons)
      m.reasons.push_back(range.empty()
                              ? fmt::format("{}{}m²", french_number(*surface), kNbsp)
                              : fmt::format("{}{}m² pour {}{}demandés", french_number(*surface),
                                            kNbsp, range, kNbsp));
  } else {
    m.components.surface = 0.5;
    reliability -= 3;
    if (with_reasons)
      m.reasons.push_back(uses_land_surface(opp.kind) ? "surface du terrain inconnue"
                                                      : "surface bâtie inconnue");
  }

  // Tenure and budget.
  auto choice = choose_tenure(need, opp);
  if (!choice) return std::nullopt;
  m.tenure = choice->tenure;
  if (choice->tenure.empty()) {
    m.components.tenure = 0.5;
    m.components.budget = 0.5;
    reliability -= 2;
    if (with_reasons) m.reasons.push_back("mode de mise à disposition inconnu");
  } else {
    std::size_t n = need.tenures_accepted.size();
    m.components.tenure = n <= 1 ? 1 : 1 - 0.5 * double(choice->rank) / double(n - 1);
    bool purchase = is_purchase(choice->tenure);
    const char* unit = purchase ? "" : "/mois";
    const char* what = purchase ? "prix" : "loyer";
    if (choice->cost && choice->budget) {
      double budget = *choice->budget;
      m.components.budget = budget > 0 ? 0.5 + 0.5 * (1 - *choice->cost / budget) : 1;
      if (with_reasons)
        m.reasons.push_back(fmt::format("{} {}{}€{} ≤ {}{}€", what, french_number(*choice->cost),
                                        kNbsp, unit, french_number(budget), kNbsp));
    } else if (choice->cost) {
      m.components.budget = 0.75;
      if (with_reasons)
        m.reasons.push_back(
            fmt::format("{} {}{}€{}", what, french_number(*choice->cost), kNbsp, unit));
    } else {
      m.components.budget = 0.5;
      if (choice->budget) reliability -= 2;
      if (with_reasons) m.reasons.push_back(fmt::format("{} inconnu", what));
    }
    if (with_reasons)
      m.reasons.push_back(fmt::format("{} {}", tenure_label(choice->tenure),
                                      is_masculine(choice->tenure) ? "accepté" : "acceptée"));
  }

  // Distance.
  m.components.distance = distance_component(need, distance_m, config);
  std::string from = need.place_lon ? " du lieu actuel" : "";
  if (with_reasons)
    m.reasons.insert(
        m.reasons.begin() + 1,
        std::round(distance_m) < 1000
            ? fmt::format("à {}{}m{}", french_number(distance_m), kNbsp, from)
            : fmt::format("à {}{}km{}", french_number(distance_m / 1000, 1), kNbsp, from));
  if (opp.precision == "commune") {
    reliability -= 2;
    if (with_reasons) m.reasons.push_back("localisé à la commune près");
  }

  // Timing.
  if (!dates_allow(need, opp.available_from, opp.available_until, config)) return std::nullopt;
  m.components.timing = timing_component(need, opp.available_from, config);
  if (need.needed_from && opp.available_from) {
    if (with_reasons)
      m.reasons.push_back(fmt::format("disponible le {}", date_label(*opp.available_from)));
  } else {
    if (!opp.available_from) {
      reliability -= 1;
      if (with_reasons) m.reasons.push_back("date de disponibilité inconnue");
    }
  }

  m.score = std::round(weighted_score(m.components, config) * 100) / 100;
  m.reliability = std::max(0.0, reliability);
  return m;
}

}  // namespace terrier::matching
