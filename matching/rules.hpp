#pragma once

// The rules of a match: hard constraints, score, reliability and reasons.
// Location is checked by the caller (the engine), which knows the area's
// geometry; evaluate() receives the distance it measured.

#include <optional>

#include "matching/model.hpp"

namespace terrier::matching {

// The pair's match, or nullopt when a hard constraint fails. distance_m is
// the geodesic distance from the need's reference point (its place, or the
// area's centre) to the opportunity.
// The rules that need no geometry (the opportunity is available, of a kind
// the need wants): checked before any distance is measured.
bool may_match(const Need& need, const Opportunity& opp);

// The surface an opportunity is judged on: its land for a terrain or a
// friche, its built surface otherwise.
const std::optional<double>& judged_surface(const Opportunity& opp);

// The surfaces a need accepts: [min, max] widened by its tolerance. A known
// surface outside fails the pair.
struct SurfaceRange {
  double lo, hi;
};
SurfaceRange accepted_surfaces(const Need& need);

// Whether an opportunity's dates suit the need's start (a hard rule).
bool dates_allow(const Need& need, std::optional<Day> available_from,
                 std::optional<Day> available_until, const MatchConfig& config);

// A sale (its cost is the price), or a lease of some kind (a monthly rent).
bool is_purchase(const std::string& tenure);

// The score's components that need no tenure choice, as score_pair
// computes them: a known surface within the accepted range, the distance
// (0 beyond the scale: the radius, or config.distance_scale_m), the dates.
double surface_component(const Need& need, double surface);
double distance_scale_m(const Need& need, const MatchConfig& config);
double distance_component(const Need& need, double distance_m, const MatchConfig& config);
double timing_component(const Need& need, std::optional<Day> available_from,
                        const MatchConfig& config);
// The weighted sum of the components, 0-100, before rounding.
double weighted_score(const Components& c, const MatchConfig& config);

// Without reasons, the score and reliability only (the same ones): ranking
// many candidates formats the French reasons of the few kept.
std::optional<Match> evaluate(const Need& need, const Opportunity& opp, double distance_m,
                              const MatchConfig& config, bool with_reasons = true);
// evaluate() for a pair that may_match() already accepted (the engine's
// index holds only available opportunities, by kind).
std::optional<Match> score_pair(const Need& need, const Opportunity& opp, double distance_m,
                                const MatchConfig& config, bool with_reasons = true);

// Geodesic distance in metres on the WGS84 ellipsoid (PROJ's geodesic).
double geodesic_distance_m(double lon1, double lat1, double lon2, double lat2);

// French formatting for the reasons: "1 200" (no-break space), "3,2".
std::string french_number(double v, int decimals = 0);

}  // namespace terrier::matching
