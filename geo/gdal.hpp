#pragma once

// A small RAII layer over GDAL/OGR vector reading, for the importers. GDAL's
// messages are routed to Terrier's logger; GDAL types stay out of headers.

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace terrier::geo {

// Registers GDAL drivers once and routes CPLError messages to the logger.
void init_gdal();

// For a zip file (XLSX, ODS, KMZ, zipped shapefiles): the bytes its entries
// declare once unpacked, summed over every entry; nullopt when the file is
// not a zip. Read from the central directory, nothing is inflated.
std::optional<unsigned long long> zip_unpacked_bytes(const std::string& path);

// One feature read from a layer: its attributes as text and its geometry as
// WKB in the layer's CRS.
struct OgrRecord {
  long long fid = 0;
  std::vector<std::optional<std::string>> fields;  // nullopt: null/unset
  std::optional<std::string> wkb;                  // nullopt: no geometry
};

class GdalVectorReader {
 public:
  // Opens the first layer of a vector file named in `preferred_layers` (a
  // workbook's sheet for the kind being imported: "opportunites"), else its
  // first layer. open_options are GDAL open options ("KEY=VALUE"). Throws
  // ImportError naming the file.
  GdalVectorReader(const std::string& path, const std::vector<std::string>& open_options = {},
                   const std::vector<std::string>& allowed_drivers = {},
                   const std::vector<std::string>& preferred_layers = {});
  const std::string& layer_name() const { return layer_name_; }
  ~GdalVectorReader();
  GdalVectorReader(GdalVectorReader&&) noexcept;
  GdalVectorReader& operator=(GdalVectorReader&&) noexcept;

  const std::string& driver_name() const { return driver_; }
  const std::vector<std::string>& field_names() const { return field_names_; }
  // "EPSG:2154" when the layer declares a CRS with an authority code.
  std::optional<std::string> layer_crs() const { return layer_crs_; }
  std::optional<long long> feature_count() const;

  // False at the end. Throws ImportError when the file breaks mid-way.
  bool next(OgrRecord& out);

 private:
  struct Handles;
  std::unique_ptr<Handles> handles_;
  std::string path_;
  std::string driver_;
  std::vector<std::string> field_names_;
  std::vector<int> field_types_;  // OGRFieldType of each field
  std::string layer_name_;
  std::optional<std::string> layer_crs_;
};

// Reprojects WKB geometries between two CRS with OGR, in traditional GIS
// axis order (lon, lat).
class OgrReprojector {
 public:
  OgrReprojector(const std::string& from, const std::string& to);  // throws ProjectionError
  ~OgrReprojector();
  OgrReprojector(const OgrReprojector&) = delete;
  OgrReprojector& operator=(const OgrReprojector&) = delete;

  std::string transform_wkb(const std::string& wkb) const;  // throws ProjectionError

 private:
  struct Handles;
  std::unique_ptr<Handles> handles_;
  std::string from_, to_;
};

// Converts vector files with GDALVectorTranslate (ogr2ogr as a library):
// each source file's first layer becomes a layer of `destination` named as
// given, in the driver's format ("GPKG", "KML", "CSV", "GeoJSON").
// layer_options are -lco values. Throws Error naming the destination.
struct TranslateSource {
  std::string path;
  std::string layer_name;
  std::vector<std::string> open_options = {};  // the source driver's, "NAME=VALUE"
};
void translate_vector(const std::vector<TranslateSource>& sources, const std::string& destination,
                      const std::string& driver,
                      const std::vector<std::string>& layer_options = {});

// A GeoJSON geometry object as WKB (EPSG:4326 assumed, as RFC 7946 says).
// Throws GeometryError with OGR's reason.
std::string geojson_geometry_to_wkb(const std::string& geometry_json);

// The same geometry as WKT (for spreadsheets' "WKT" column).
std::string geojson_geometry_to_wkt(const std::string& geometry_json);

// Names of the vector drivers of this GDAL build (for messages and tests).
std::vector<std::string> vector_driver_names();

}  // namespace terrier::geo
