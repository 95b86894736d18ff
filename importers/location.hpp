#pragma once

// Turns what a row says about where it is (lon/lat or Lambert-93 columns, a
// WKT column, the file's own geometry, an INSEE code, a postcode and a
// commune name) into a valid EPSG:4326 geometry inside Hauts-de-France, or a
// reason why not.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "geo/gdal.hpp"
#include "geo/geos.hpp"
#include "geo/proj.hpp"
#include "importers/reasons.hpp"

namespace terrier::importers {

struct Commune {
  std::string insee;
  std::string name;
  std::vector<std::string> postcodes;
  double lon = 0, lat = 0;  // a point inside the commune
};

// The region's communes, for locating rows by code, postcode and name.
class CommuneIndex {
 public:
  void add(Commune c);
  bool empty() const { return by_insee_.empty(); }
  const Commune* by_insee(const std::string& insee) const;
  // By postcode and name (accents and case ignored); by name alone when the
  // name is unique in the region.
  const Commune* by_postcode_and_name(const std::string& postcode, const std::string& name) const;
  const Commune* by_unique_name(const std::string& name) const;

 private:
  std::unordered_map<std::string, Commune> by_insee_;
  std::multimap<std::string, std::string> by_name_;  // folded name -> insee
};

struct LocationInput {
  std::optional<std::string> lon, lat, wkt, insee, postcode, commune_name, precision;
  const std::string* wkb = nullptr;  // the file's own geometry, if any
};

struct Location {
  std::string ewkb_hex;  // EPSG:4326; a Point or a MultiPolygon
  bool is_point = true;
  std::string precision;  // exact, adresse, commune
  bool repaired = false;
  std::string repair_reason;
  bool axes_swapped = false;         // the WKT was written latitude first
  std::optional<std::string> insee;  // given, or found from postcode and name
  double lon = 0, lat = 0;           // the point, or a point on the surface
};

struct LocationError {
  std::string field;  // the field at fault ("lat", "wkt", "commune_insee", ...)
  std::string value;
  Reason reason;
};

struct NoLocation {};

using LocationResult = std::variant<Location, LocationError, NoLocation>;

// A polygon with more vertices than this is refused: the region's largest
// boundary has under 3,000, and a search area of a million vertices would
// slow every match and every map that draws it.
constexpr std::size_t kMaxPolygonVertices = 100'000;

struct LocationOptions {
  std::optional<std::string> srs;       // --srs or the mapping's srs: coordinates' CRS
  std::optional<std::string> file_crs;  // CRS the file declares for its geometries
  bool polygons_allowed = true;         // false: points only
  // A WKT column may write latitude first (the CNIG Friches standard's own
  // example does): read it swapped when only that reading is in the region.
  bool wkt_either_axis_order = false;
};

// How far outside the union of the départements a point is still in the
// region (metres): the outline every import checks points against.
constexpr double kRegionMarginM = 5000;

// "POINT(50.63 3.06)" -> "POINT(3.06 50.63)": every coordinate pair swapped.
std::string swap_wkt_axes(std::string_view wkt);

class LocationResolver {
 public:
  // region_wkb: the region's outline with its margin, EPSG:4326 WKB; without
  // it only the region's bounding box is checked.
  LocationResolver(const CommuneIndex& communes, const std::optional<std::string>& region_wkb,
                   LocationOptions options);
  ~LocationResolver();

  LocationResult resolve(const LocationInput& in) const;

 private:
  // field: the input field blamed when the location is refused.
  LocationResult from_geometry(geo::GeosGeometry g, const LocationInput& in,
                               const char* field) const;
  LocationResult from_coordinates(const LocationInput& in) const;
  LocationResult from_wkt(const std::string& wkt, const LocationInput& in) const;
  LocationResult from_commune(const LocationInput& in) const;
  std::optional<LocationError> check_commune(const LocationInput& in, Location& out) const;
  const geo::OgrReprojector& reprojector(const std::string& from) const;
  const geo::ProjTransform& to_wgs84(const std::string& from) const;

  const CommuneIndex& communes_;
  LocationOptions options_;
  geo::GeosContext ctx_;
  std::optional<geo::GeosGeometry> region_;
  std::unique_ptr<geo::GeosPrepared> region_prepared_;
  // Built once per source CRS for the whole import, not once per row.
  mutable std::map<std::string, std::unique_ptr<geo::OgrReprojector>> reprojectors_;
  mutable std::map<std::string, std::unique_ptr<geo::ProjTransform>> transforms_;
};

}  // namespace terrier::importers
