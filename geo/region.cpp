#include "geo/region.hpp"

#include <cmath>

namespace terrier::geo {

CoordinateGuess guess_coordinates(XY p) {
  if (!std::isfinite(p.x) || !std::isfinite(p.y)) return CoordinateGuess::outside;
  if (kRegionLonLat.contains(p)) return CoordinateGuess::lon_lat;
  if (kRegionLonLat.contains({p.y, p.x})) return CoordinateGuess::lat_lon_swapped;
  if (kRegionLambert93.contains(p)) return CoordinateGuess::lambert93;
  return CoordinateGuess::outside;
}

}  // namespace terrier::geo
