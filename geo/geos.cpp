#include "geo/geos.hpp"

#include <fmt/core.h>
#include <geos_c.h>

#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"

namespace terrier::geo {
namespace {

GEOSContextHandle_t h(const GeosContext& ctx) {
  return static_cast<GEOSContextHandle_t>(ctx.handle());
}

void on_notice(const char* message, void*) {
  log::debug("GEOS: {}", message);
}

void on_error(const char* message, void* userdata) {
  *static_cast<std::string*>(userdata) = message;
}

// RAII for GEOS-allocated buffers.
struct GeosFree {
  GEOSContextHandle_t ctx;
  void operator()(void* p) const { GEOSFree_r(ctx, p); }
};

// GEOS objects are freed through the context that made them: one owner type
// per kind, each holding that context.
template <typename T, void (*Destroy)(GEOSContextHandle_t, T*)>
struct GeosDestroy {
  GEOSContextHandle_t ctx;
  void operator()(T* p) const noexcept {
    if (p) Destroy(ctx, p);
  }
};
using WktReader =
    std::unique_ptr<GEOSWKTReader, GeosDestroy<GEOSWKTReader, GEOSWKTReader_destroy_r>>;
using WktWriter =
    std::unique_ptr<GEOSWKTWriter, GeosDestroy<GEOSWKTWriter, GEOSWKTWriter_destroy_r>>;
using WkbWriter =
    std::unique_ptr<GEOSWKBWriter, GeosDestroy<GEOSWKBWriter, GEOSWKBWriter_destroy_r>>;
using MakeValidParams =
    std::unique_ptr<GEOSMakeValidParams,
                    GeosDestroy<GEOSMakeValidParams, GEOSMakeValidParams_destroy_r>>;

}  // namespace

GeosContext::GeosContext() : handle_(GEOS_init_r()), last_error_(std::make_unique<std::string>()) {
  if (!handle_) throw GeometryError("cannot create a GEOS context");
  GEOSContext_setNoticeMessageHandler_r(h(*this), on_notice, nullptr);
  GEOSContext_setErrorMessageHandler_r(h(*this), on_error, last_error_.get());
}

GeosContext::~GeosContext() {
  GEOS_finish_r(h(*this));
}

GeosGeometry GeosContext::from_wkt(std::string_view wkt) const {
  WktReader reader(GEOSWKTReader_create_r(h(*this)), {h(*this)});
  std::string copy(wkt);
  GEOSGeometry* g = GEOSWKTReader_read_r(h(*this), reader.get(), copy.c_str());
  if (!g) throw GeometryError(fmt::format("invalid WKT: {}", *last_error_));
  return GeosGeometry(*this, g);
}

GeosGeometry GeosContext::from_wkb(std::string_view wkb) const {
  GEOSGeometry* g = GEOSGeomFromWKB_buf_r(
      h(*this), reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size());
  if (!g) throw GeometryError(fmt::format("invalid WKB: {}", *last_error_));
  return GeosGeometry(*this, g);
}

GeosGeometry GeosContext::point(double x, double y) const {
  GEOSGeometry* g = GEOSGeom_createPointFromXY_r(h(*this), x, y);
  if (!g) throw GeometryError(fmt::format("cannot create point: {}", *last_error_));
  return GeosGeometry(*this, g);
}

GeosGeometry GeosContext::rectangle(double min_x, double min_y, double max_x, double max_y) const {
  GEOSGeometry* g = GEOSGeom_createRectangle_r(h(*this), min_x, min_y, max_x, max_y);
  if (!g) throw GeometryError(fmt::format("cannot create rectangle: {}", *last_error_));
  return GeosGeometry(*this, g);
}

GeosGeometry::GeosGeometry(const GeosContext& ctx, void* geom) : ctx_(&ctx), geom_(geom) {}

GeosGeometry::~GeosGeometry() {
  if (geom_) GEOSGeom_destroy_r(h(*ctx_), static_cast<GEOSGeometry*>(geom_));
}

GeosGeometry::GeosGeometry(GeosGeometry&& other) noexcept
    : ctx_(other.ctx_), geom_(std::exchange(other.geom_, nullptr)) {}

GeosGeometry& GeosGeometry::operator=(GeosGeometry&& other) noexcept {
  if (this != &other) {
    if (geom_) GEOSGeom_destroy_r(h(*ctx_), static_cast<GEOSGeometry*>(geom_));
    ctx_ = other.ctx_;
    geom_ = std::exchange(other.geom_, nullptr);
  }
  return *this;
}

namespace {
const GEOSGeometry* g(const GeosGeometry& geom) {
  return static_cast<const GEOSGeometry*>(geom.handle());
}
}  // namespace

std::string GeosGeometry::type() const {
  std::unique_ptr<char, GeosFree> t(GEOSGeomType_r(h(*ctx_), g(*this)), GeosFree{h(*ctx_)});
  return t ? std::string(t.get()) : std::string();
}

bool GeosGeometry::is_empty() const {
  return GEOSisEmpty_r(h(*ctx_), g(*this)) == 1;
}

Validity GeosGeometry::validity() const {
  char* reason = nullptr;
  char v = GEOSisValidDetail_r(h(*ctx_), g(*this), 0, &reason, nullptr);
  std::unique_ptr<char, GeosFree> owned(reason, GeosFree{h(*ctx_)});
  if (v == 2) throw GeometryError(fmt::format("cannot check validity: {}", ctx_->last_error()));
  return {v == 1, owned ? std::string(owned.get()) : std::string()};
}

GeosGeometry GeosGeometry::make_valid() const {
  MakeValidParams params(GEOSMakeValidParams_create_r(h(*ctx_)), {h(*ctx_)});
  GEOSMakeValidParams_setMethod_r(h(*ctx_), params.get(), GEOS_MAKE_VALID_STRUCTURE);
  GEOSMakeValidParams_setKeepCollapsed_r(h(*ctx_), params.get(), 0);
  GEOSGeometry* out = GEOSMakeValidWithParams_r(h(*ctx_), g(*this), params.get());
  if (!out) throw GeometryError(fmt::format("cannot repair geometry: {}", ctx_->last_error()));
  return GeosGeometry(*ctx_, out);
}

GeosGeometry GeosGeometry::polygonal_part() const {
  int type_id = GEOSGeomTypeId_r(h(*ctx_), g(*this));
  if (type_id == GEOS_MULTIPOLYGON) {
    return GeosGeometry(*ctx_, GEOSGeom_clone_r(h(*ctx_), g(*this)));
  }
  std::vector<GEOSGeometry*> parts;
  auto collect = [&](const GEOSGeometry* part) {
    if (GEOSGeomTypeId_r(h(*ctx_), part) == GEOS_POLYGON && !GEOSisEmpty_r(h(*ctx_), part)) {
      parts.push_back(GEOSGeom_clone_r(h(*ctx_), part));
    }
  };
  if (type_id == GEOS_POLYGON) {
    collect(g(*this));
  } else if (type_id == GEOS_GEOMETRYCOLLECTION) {
    int n = GEOSGetNumGeometries_r(h(*ctx_), g(*this));
    for (int i = 0; i < n; ++i) collect(GEOSGetGeometryN_r(h(*ctx_), g(*this), i));
  }
  GEOSGeometry* out = GEOSGeom_createCollection_r(h(*ctx_), GEOS_MULTIPOLYGON, parts.data(),
                                                  static_cast<unsigned>(parts.size()));
  if (!out) throw GeometryError(fmt::format("cannot build multipolygon: {}", ctx_->last_error()));
  return GeosGeometry(*ctx_, out);
}

GeosGeometry GeosGeometry::point_on_surface() const {
  GEOSGeometry* out = GEOSPointOnSurface_r(h(*ctx_), g(*this));
  if (!out) throw GeometryError(fmt::format("no point on surface: {}", ctx_->last_error()));
  return GeosGeometry(*ctx_, out);
}

GeosGeometry GeosGeometry::buffer(double distance) const {
  GEOSGeometry* out = GEOSBuffer_r(h(*ctx_), g(*this), distance, 8);
  if (!out) throw GeometryError(fmt::format("cannot buffer: {}", ctx_->last_error()));
  return GeosGeometry(*ctx_, out);
}

int GeosGeometry::type_id() const {
  return GEOSGeomTypeId_r(h(*ctx_), g(*this));
}

std::string GeosGeometry::to_wkb() const {
  WkbWriter writer(GEOSWKBWriter_create_r(h(*ctx_)), {h(*ctx_)});
  GEOSWKBWriter_setByteOrder_r(h(*ctx_), writer.get(), GEOS_WKB_NDR);
  std::size_t size = 0;
  std::unique_ptr<unsigned char, GeosFree> buf(
      GEOSWKBWriter_write_r(h(*ctx_), writer.get(), g(*this), &size), GeosFree{h(*ctx_)});
  if (!buf) throw GeometryError(fmt::format("cannot write WKB: {}", ctx_->last_error()));
  return std::string(reinterpret_cast<const char*>(buf.get()), size);
}

double GeosGeometry::x() const {
  double v = 0;
  if (GEOSGeomGetX_r(h(*ctx_), g(*this), &v) != 1) throw GeometryError("not a point");
  return v;
}

double GeosGeometry::y() const {
  double v = 0;
  if (GEOSGeomGetY_r(h(*ctx_), g(*this), &v) != 1) throw GeometryError("not a point");
  return v;
}

std::size_t GeosGeometry::num_coordinates() const {
  int n = GEOSGetNumCoordinates_r(h(*ctx_), g(*this));
  return n < 0 ? 0 : static_cast<std::size_t>(n);
}

Envelope GeosGeometry::envelope() const {
  Envelope b;
  if (GEOSGeom_getXMin_r(h(*ctx_), g(*this), &b.min_x) != 1 ||
      GEOSGeom_getYMin_r(h(*ctx_), g(*this), &b.min_y) != 1 ||
      GEOSGeom_getXMax_r(h(*ctx_), g(*this), &b.max_x) != 1 ||
      GEOSGeom_getYMax_r(h(*ctx_), g(*this), &b.max_y) != 1) {
    throw GeometryError(fmt::format("no envelope: {}", ctx_->last_error()));
  }
  return b;
}

std::string GeosGeometry::to_hex_ewkb(int srid) const {
  GEOSGeometry* copy = GEOSGeom_clone_r(h(*ctx_), g(*this));
  GeosGeometry owned(*ctx_, copy);
  GEOSSetSRID_r(h(*ctx_), copy, srid);
  WkbWriter writer(GEOSWKBWriter_create_r(h(*ctx_)), {h(*ctx_)});
  GEOSWKBWriter_setIncludeSRID_r(h(*ctx_), writer.get(), 1);
  std::size_t size = 0;
  std::unique_ptr<unsigned char, GeosFree> buf(
      GEOSWKBWriter_writeHEX_r(h(*ctx_), writer.get(), copy, &size), GeosFree{h(*ctx_)});
  if (!buf) throw GeometryError(fmt::format("cannot write WKB: {}", ctx_->last_error()));
  return std::string(reinterpret_cast<const char*>(buf.get()), size);
}

std::string GeosGeometry::to_wkt(int precision) const {
  WktWriter writer(GEOSWKTWriter_create_r(h(*ctx_)), {h(*ctx_)});
  GEOSWKTWriter_setRoundingPrecision_r(h(*ctx_), writer.get(), precision);
  GEOSWKTWriter_setTrim_r(h(*ctx_), writer.get(), 1);
  std::unique_ptr<char, GeosFree> wkt(GEOSWKTWriter_write_r(h(*ctx_), writer.get(), g(*this)),
                                      GeosFree{h(*ctx_)});
  return wkt ? std::string(wkt.get()) : std::string();
}

}  // namespace terrier::geo

namespace terrier::geo {

GeosPrepared::GeosPrepared(const GeosGeometry& geometry)
    : geometry_(&geometry), prepared_(GEOSPrepare_r(h(geometry.context()), g(geometry))) {
  if (!prepared_) throw GeometryError("cannot prepare geometry");
}

GeosPrepared::~GeosPrepared() {
  GEOSPreparedGeom_destroy_r(h(geometry_->context()),
                             static_cast<const GEOSPreparedGeometry*>(prepared_));
}

bool GeosPrepared::intersects(const GeosGeometry& other) const {
  char r = GEOSPreparedIntersects_r(h(geometry_->context()),
                                    static_cast<const GEOSPreparedGeometry*>(prepared_), g(other));
  if (r == 2) throw GeometryError("prepared intersects failed");
  return r == 1;
}

bool GeosPrepared::contains(const GeosGeometry& other) const {
  char r = GEOSPreparedContains_r(h(geometry_->context()),
                                  static_cast<const GEOSPreparedGeometry*>(prepared_), g(other));
  if (r == 2) throw GeometryError("prepared contains failed");
  return r == 1;
}

}  // namespace terrier::geo
