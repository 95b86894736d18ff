#pragma once

// Reprojection in one place: PROJ with traditional GIS axis order (x = lon
// or easting, y = lat or northing), whatever the CRS's official order.

#include <memory>
#include <string>

namespace terrier::geo {

struct XY {
  double x = 0;
  double y = 0;
};

// Geodesic distance in metres on the WGS84 ellipsoid (PROJ's geod_inverse),
// what PostGIS's geography distances measure.
double geodesic_distance_m(double lon1, double lat1, double lon2, double lat2);

class ProjTransform {
 public:
  // from/to: anything PROJ accepts ("EPSG:2154", "EPSG:4326"). Throws
  // ProjectionError naming both.
  ProjTransform(const std::string& from, const std::string& to);
  ~ProjTransform();
  ProjTransform(ProjTransform&&) noexcept;
  ProjTransform& operator=(ProjTransform&&) noexcept;

  // Throws ProjectionError when the point cannot be transformed.
  XY transform(XY in) const;

 private:
  struct Handles;
  std::unique_ptr<Handles> handles_;
  std::string from_;
  std::string to_;
};

}  // namespace terrier::geo
