#pragma once

// The region Terrier serves: Hauts-de-France, with a margin for plausibility
// checks on coordinates.

#include "geo/proj.hpp"

namespace terrier::geo {

struct Bounds {
  double min_x, min_y, max_x, max_y;
  bool contains(XY p) const { return p.x >= min_x && p.x <= max_x && p.y >= min_y && p.y <= max_y; }
};

// Lon/lat extent of the region's communes (data/README.md) plus ~0.3° margin.
inline constexpr Bounds kRegionLonLat{1.08, 48.53, 4.56, 51.39};
// Lambert-93 (EPSG:2154) extent of the region plus a 25 km margin.
inline constexpr Bounds kRegionLambert93{558000, 6834000, 815000, 7136000};

enum class CoordinateGuess {
  lon_lat,          // inside the region as (lon, lat)
  lat_lon_swapped,  // inside the region once swapped
  lambert93,        // inside the region as Lambert-93 metres
  outside,          // none of the above
};

// Classifies a coordinate pair as read from a file (x column, y column) by
// the region's bounding boxes only: a coarse first check (Paris is inside the
// box); the importers then test the region's outline with a margin.
CoordinateGuess guess_coordinates(XY p);

}  // namespace terrier::geo
