#pragma once

// RAII over the GEOS C API (reentrant _r functions, one context per thread).

#include <memory>
#include <string>
#include <string_view>

namespace terrier::geo {

class GeosGeometry;

// One GEOS context; not shared between threads. Notices and errors from GEOS
// go to Terrier's logger (the last error is kept for exceptions).
class GeosContext {
 public:
  GeosContext();
  ~GeosContext();
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;

  // Throws GeometryError with GEOS's reason.
  GeosGeometry from_wkt(std::string_view wkt) const;
  GeosGeometry from_wkb(std::string_view wkb) const;
  GeosGeometry point(double x, double y) const;
  GeosGeometry rectangle(double min_x, double min_y, double max_x, double max_y) const;

  void* handle() const { return handle_; }
  const std::string& last_error() const { return *last_error_; }

 private:
  void* handle_;  // GEOSContextHandle_t, owned
  std::unique_ptr<std::string> last_error_;
};

struct Envelope {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
};

struct Validity {
  bool valid = true;
  std::string reason;  // GEOS's reason when not valid
};

class GeosGeometry {
 public:
  GeosGeometry(const GeosContext& ctx, void* geom);  // takes ownership
  ~GeosGeometry();
  GeosGeometry(GeosGeometry&& other) noexcept;
  GeosGeometry& operator=(GeosGeometry&& other) noexcept;
  GeosGeometry(const GeosGeometry&) = delete;
  GeosGeometry& operator=(const GeosGeometry&) = delete;

  std::string type() const;  // "Point", "Polygon", ...
  bool is_empty() const;
  Validity validity() const;
  // GEOS MakeValid (structure method, keeps collapsed parts out).
  GeosGeometry make_valid() const;
  // Keeps only the polygonal parts, as a MultiPolygon.
  GeosGeometry polygonal_part() const;
  GeosGeometry point_on_surface() const;
  // Buffer in the geometry's units.
  GeosGeometry buffer(double distance) const;
  // GeometryType id as GEOS numbers them (0 point ... 6 multipolygon).
  int type_id() const;
  // Well-known binary (ISO, little-endian, 2D).
  std::string to_wkb() const;
  double x() const;  // for points
  double y() const;
  std::size_t num_coordinates() const;
  Envelope envelope() const;  // of a non-empty geometry

  // Hex-encoded EWKB with SRID, what PostGIS reads in COPY text format.
  std::string to_hex_ewkb(int srid) const;
  std::string to_wkt(int precision = 6) const;

  void* handle() const { return geom_; }
  const GeosContext& context() const { return *ctx_; }

 private:
  const GeosContext* ctx_;
  void* geom_;  // GEOSGeometry*, owned
};

// A prepared geometry for repeated point-in-polygon tests. Keeps a reference
// to the geometry, which must outlive it.
class GeosPrepared {
 public:
  explicit GeosPrepared(const GeosGeometry& geometry);
  ~GeosPrepared();
  GeosPrepared(const GeosPrepared&) = delete;
  GeosPrepared& operator=(const GeosPrepared&) = delete;

  bool intersects(const GeosGeometry& other) const;
  bool contains(const GeosGeometry& other) const;

 private:
  const GeosGeometry* geometry_;
  const void* prepared_;  // const GEOSPreparedGeometry*, owned
};

}  // namespace terrier::geo
