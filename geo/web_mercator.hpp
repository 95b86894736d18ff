#pragma once

// Web-mercator tiles as PostGIS computes them, to the last bit:
// ST_TileEnvelope's bounds (EPSG:3857, its default world bounds), and the
// projection between lon/lat and EPSG:3857 by PROJ, set up as ST_Transform
// sets it up (crs_to_crs, then the visualisation axis order). The point
// tiles written from memory (db/tile_points) place each point on the pixel
// where ST_AsMVTGeom puts it and keep the points `geom && ST_Transform(
// ST_TileEnvelope(...), 4326)` keeps.

#include "geo/proj.hpp"

namespace terrier::geo {

struct Box {
  double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
};

// ST_TileEnvelope(z, x, y) in EPSG:3857, with PostGIS's arithmetic.
Box tile_envelope(int z, int x, int y);

// PROJ's objects are not shared between threads: one of these per thread.
class WebMercator {
 public:
  WebMercator();
  // EPSG:4326 (lon, lat) to EPSG:3857, as ST_Transform(point, 3857).
  XY forward(double lon, double lat) const { return to_mercator_.transform({lon, lat}); }
  // The lon/lat box of a 3857 box's four corners, as ST_Transform of the
  // envelope polygon and its bounding box.
  Box to_lonlat(const Box& mercator) const;

 private:
  ProjTransform to_mercator_;
  ProjTransform to_lonlat_;
};

}  // namespace terrier::geo
