#pragma once

// Distances for ranking many candidates. The geodesic (PROJ's geod_inverse,
// in rules.hpp) is exact and costs about a microsecond; this mid-latitude
// ellipsoidal approximation costs a few nanoseconds and is within
// kApproxDistanceError (relative) of it up to 300 km in Hauts-de-France and
// around (tests/matching/distance_test.cpp measures it). The engine ranks on
// it and measures the geodesic for the pairs it keeps.

#include <cmath>

namespace terrier::matching {

// An upper bound of |approx - geodesic| / geodesic for distances up to
// kApproxDistanceRange, five times the worst error measured.
constexpr double kApproxDistanceError = 1e-3;
constexpr double kApproxDistanceRange = 300000;

inline double approx_distance_m(double lon1, double lat1, double lon2, double lat2) {
  constexpr double kA = 6378137.0, kF = 1 / 298.257223563, kE2 = kF * (2 - kF);
  constexpr double kRad = M_PI / 180;
  double phi = (lat1 + lat2) / 2 * kRad;
  double sin_phi = std::sin(phi), cos_phi = std::cos(phi);
  double w2 = 1 - kE2 * sin_phi * sin_phi, w = std::sqrt(w2);
  double prime_vertical = kA / w, meridian = kA * (1 - kE2) / (w2 * w);
  // Longitudes a whole turn apart are the same place.
  double dlon = lon2 - lon1;
  if (dlon > 180) dlon -= 360;
  if (dlon < -180) dlon += 360;
  double dx = dlon * kRad * prime_vertical * cos_phi, dy = (lat2 - lat1) * kRad * meridian;
  return std::sqrt(dx * dx + dy * dy);
}

}  // namespace terrier::matching
