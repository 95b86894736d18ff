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

// Without reasons, the score and reliability only (the same ones): ranking
// many candidates formats the French reasons of the few kept.
std::optional<Match> evaluate(const Need& need, const Opportunity& opp, double distance_m,
                              const MatchConfig& config, bool with_reasons = true);

// Geodesic distance in metres on the WGS84 ellipsoid (PROJ's geodesic).
double geodesic_distance_m(double lon1, double lat1, double lon2, double lat2);

// French formatting for the reasons: "1 200" (no-break space), "3,2".
std::string french_number(double v, int decimals = 0);

}  // namespace terrier::matching
