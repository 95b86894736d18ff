#include "importers/location.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "core/error.hpp"
#include "core/text.hpp"
#include "geo/region.hpp"
#include "importers/fields.hpp"

namespace terrier::importers {
namespace {

constexpr int kGeosPoint = 0;
constexpr int kGeosPolygon = 3;
constexpr int kGeosMultiPolygon = 6;

// SQL's CHECK on commune_insee, said with the likely cause.
std::optional<LocationError> malformed_insee(const std::string& code) {
  static const std::regex insee(R"(^[0-9][0-9AB][0-9]{3}$)");
  if (std::regex_match(code, insee)) return std::nullopt;
  return LocationError{"commune_insee", code, {ReasonCode::malformed_insee}};
}

// A point as the staging table stores it: to 1e-7° (db::StageWriter::finish
// rounds the same way in SQL, and rewrites only the points it still finds
// unrounded; a whole staging table rewritten cost a pass over every row).
// nearbyint, like PostgreSQL's round() on a double: ties to even.
std::string rounded_point_ewkb(const geo::GeosContext& ctx, double x, double y) {
  return ctx.point(std::nearbyint(x * 1e7) / 1e7, std::nearbyint(y * 1e7) / 1e7).to_hex_ewkb(4326);
}

bool blank(const std::optional<std::string>& s) {
  return !s || text::trim(*s).empty();
}

std::string normalized_srs(const std::string& srs) {
  std::string s = text::fold(text::trim(srs));
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool is_wgs84(const std::optional<std::string>& srs) {
  return !srs || normalized_srs(*srs) == "EPSG:4326" || normalized_srs(*srs) == "OGC:CRS84";
}

}  // namespace

void CommuneIndex::add(Commune c) {
  by_name_.emplace(text::fold(c.name), c.insee);
  std::string key = c.insee;
  by_insee_.emplace(std::move(key), std::move(c));
}

const Commune* CommuneIndex::by_insee(const std::string& insee) const {
  auto it = by_insee_.find(text::trim(insee));
  return it == by_insee_.end() ? nullptr : &it->second;
}

namespace {
// "Saint-Omer", "ST OMER", "St-Omer" -> the same key.
std::string name_key(const std::string& name) {
  std::string f = text::slugify(name);
  if (f.rfind("st-", 0) == 0) f = "saint-" + f.substr(3);
  if (f.rfind("ste-", 0) == 0) f = "sainte-" + f.substr(4);
  return f;
}
}  // namespace

const Commune* CommuneIndex::by_postcode_and_name(const std::string& postcode,
                                                  const std::string& name) const {
  std::string key = name_key(name);
  std::string pc = text::trim(postcode);
  for (const auto& [insee, c] : by_insee_) {
    if (name_key(c.name) != key) continue;
    for (const auto& p : c.postcodes) {
      if (p == pc) return &c;
    }
  }
  return nullptr;
}

const Commune* CommuneIndex::by_unique_name(const std::string& name) const {
  std::string key = name_key(name);
  const Commune* found = nullptr;
  for (const auto& [insee, c] : by_insee_) {
    if (name_key(c.name) != key) continue;
    if (found) return nullptr;  // ambiguous
    found = &c;
  }
  return found;
}

LocationResolver::LocationResolver(const CommuneIndex& communes,
                                   const std::optional<std::string>& region_wkb,
                                   LocationOptions options)
    : communes_(communes), options_(std::move(options)) {
  if (region_wkb) {
    region_.emplace(ctx_.from_wkb(*region_wkb));
    region_prepared_ = std::make_unique<geo::GeosPrepared>(*region_);
  }
}

LocationResolver::~LocationResolver() = default;

const geo::OgrReprojector& LocationResolver::reprojector(const std::string& from) const {
  auto& slot = reprojectors_[from];
  if (!slot) slot = std::make_unique<geo::OgrReprojector>(from, "EPSG:4326");
  return *slot;
}

const geo::ProjTransform& LocationResolver::to_wgs84(const std::string& from) const {
  auto& slot = transforms_[from];
  if (!slot) slot = std::make_unique<geo::ProjTransform>(from, "EPSG:4326");
  return *slot;
}

std::string swap_wkt_axes(std::string_view wkt) {
  // Within each pair of delimiters ('(' or ',' to ',' or ')'), the first
  // two numbers trade places.
  std::string out;
  std::size_t i = 0;
  while (i < wkt.size()) {
    std::size_t end = wkt.find_first_of("(),", i);
    std::string_view chunk =
        wkt.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    std::vector<std::string_view> numbers;
    std::size_t k = 0;
    while (k < chunk.size()) {
      while (k < chunk.size() && chunk[k] == ' ') ++k;
      std::size_t start = k;
      while (k < chunk.size() && chunk[k] != ' ') ++k;
      if (k > start) numbers.push_back(chunk.substr(start, k - start));
    }
    bool numeric =
        numbers.size() >= 2 && std::all_of(numbers.begin(), numbers.end(), [](std::string_view n) {
          return n.find_first_not_of("0123456789.-+eE") == std::string_view::npos;
        });
    if (numeric) {
      std::swap(numbers[0], numbers[1]);
      std::string joined;
      for (auto n : numbers) joined += (joined.empty() ? "" : " ") + std::string(n);
      out += joined;
    } else {
      out += chunk;
    }
    if (end == std::string_view::npos) break;
    out += wkt[end];
    i = end + 1;
  }
  return out;
}

LocationResult LocationResolver::from_wkt(const std::string& wkt, const LocationInput& in) const {
  try {
    auto g = ctx_.from_wkt(wkt);
    if (!is_wgs84(options_.srs)) {
      g = ctx_.from_wkb(reprojector(*options_.srs).transform_wkb(g.to_wkb()));
    }
    return from_geometry(std::move(g), in, "wkt");
  } catch (const Error& e) {
    return LocationError{"wkt", wkt.substr(0, 60), {ReasonCode::unreadable_geometry, {e.what()}}};
  }
}

LocationResult LocationResolver::resolve(const LocationInput& in) const {
  if (!blank(in.wkt)) {
    std::string wkt = text::trim(*in.wkt);
    auto result = from_wkt(wkt, in);
    auto* err = std::get_if<LocationError>(&result);
    if (err && options_.wkt_either_axis_order && is_wgs84(options_.srs) &&
        err->reason.code == ReasonCode::outside_region) {
      auto swapped = from_wkt(swap_wkt_axes(wkt), in);
      if (auto* loc = std::get_if<Location>(&swapped)) {
        loc->axes_swapped = true;
        return swapped;
      }
    }
    return result;
  }
  if (in.wkb) {
    try {
      std::optional<std::string> crs = options_.srs ? options_.srs : options_.file_crs;
      if (is_wgs84(crs)) return from_geometry(ctx_.from_wkb(*in.wkb), in, "geometry");
      return from_geometry(ctx_.from_wkb(reprojector(*crs).transform_wkb(*in.wkb)), in, "geometry");
    } catch (const Error& e) {
      return LocationError{"geometry", "", {ReasonCode::unreadable_geometry, {e.what()}}};
    }
  }
  if (!blank(in.lon) || !blank(in.lat)) return from_coordinates(in);
  return from_commune(in);
}

LocationResult LocationResolver::from_coordinates(const LocationInput& in) const {
  if (blank(in.lon)) return LocationError{"lon", "", {ReasonCode::latitude_without_longitude}};
  if (blank(in.lat)) return LocationError{"lat", "", {ReasonCode::longitude_without_latitude}};
  auto x = parse_number(*in.lon);
  if (!x.ok()) return LocationError{"lon", *in.lon, *x.error};
  auto y = parse_number(*in.lat);
  if (!y.ok()) return LocationError{"lat", *in.lat, *y.error};
  geo::XY p{*x.value, *y.value};
  std::string shown = fmt::format("{} / {}", text::trim(*in.lat), text::trim(*in.lon));
  try {
    if (!is_wgs84(options_.srs)) {
      p = to_wgs84(*options_.srs).transform(p);
    } else {
      switch (geo::guess_coordinates(p)) {
        case geo::CoordinateGuess::lon_lat:
          break;
        case geo::CoordinateGuess::lat_lon_swapped:
          return LocationError{"lat", shown, {ReasonCode::lat_lon_swapped}};
        case geo::CoordinateGuess::lambert93:
          p = to_wgs84("EPSG:2154").transform(p);
          break;
        case geo::CoordinateGuess::outside:
          return LocationError{"lat", shown, {ReasonCode::outside_region}};
      }
    }
  } catch (const Error& e) {
    return LocationError{"lon", shown, {ReasonCode::projection_failed, {e.what()}}};
  }
  return from_geometry(ctx_.point(p.x, p.y), in, "lat");
}

LocationResult LocationResolver::from_commune(const LocationInput& in) const {
  const Commune* c = nullptr;
  std::string what;
  if (!blank(in.insee)) {
    if (auto err = malformed_insee(text::trim(*in.insee))) return *err;
    c = communes_.by_insee(*in.insee);
    if (!c) return LocationError{"commune_insee", *in.insee, {ReasonCode::unknown_insee}};
  } else if (!blank(in.commune_name)) {
    c = blank(in.postcode) ? communes_.by_unique_name(*in.commune_name)
                           : communes_.by_postcode_and_name(*in.postcode, *in.commune_name);
    if (!c) {
      return LocationError{"commune_name",
                           *in.commune_name + (blank(in.postcode) ? "" : " " + *in.postcode),
                           {blank(in.postcode) ? ReasonCode::commune_name_not_unique
                                               : ReasonCode::no_commune_postcode_name}};
    }
  } else if (!blank(in.postcode)) {
    return LocationError{"postcode", *in.postcode, {ReasonCode::postcode_alone}};
  } else {
    return NoLocation{};
  }
  Location loc;
  loc.ewkb_hex = rounded_point_ewkb(ctx_, c->lon, c->lat);
  loc.precision = "commune";
  loc.insee = c->insee;
  loc.lon = c->lon;
  loc.lat = c->lat;
  return loc;
}

std::optional<LocationError> LocationResolver::check_commune(const LocationInput& in,
                                                             Location& out) const {
  if (!blank(in.insee)) {
    std::string code = text::trim(*in.insee);
    if (auto err = malformed_insee(code)) return err;
    if (!communes_.empty() && !communes_.by_insee(code)) {
      return LocationError{"commune_insee", code, {ReasonCode::unknown_insee}};
    }
    out.insee = code;
  } else if (!blank(in.commune_name) && !communes_.empty()) {
    const Commune* c = blank(in.postcode)
                           ? communes_.by_unique_name(*in.commune_name)
                           : communes_.by_postcode_and_name(*in.postcode, *in.commune_name);
    if (c) out.insee = c->insee;
  }
  return std::nullopt;
}

LocationResult LocationResolver::from_geometry(geo::GeosGeometry g, const LocationInput& in,
                                               const char* field) const {
  if (g.is_empty()) return LocationError{field, "", {ReasonCode::empty_geometry}};
  int type = g.type_id();
  bool polygonal = type == kGeosPolygon || type == kGeosMultiPolygon;
  if (type != kGeosPoint && !(polygonal && options_.polygons_allowed)) {
    return LocationError{field,
                         g.type(),
                         {options_.polygons_allowed ? ReasonCode::only_points_and_polygons
                                                    : ReasonCode::only_points}};
  }
  Location loc;
  if (polygonal && g.num_coordinates() > kMaxPolygonVertices) {
    return LocationError{
        field,
        "",
        {ReasonCode::too_many_vertices,
         {std::to_string(g.num_coordinates()), std::to_string(kMaxPolygonVertices)}}};
  }
  if (polygonal) {
    auto v = g.validity();
    if (!v.valid) {
      auto fixed = g.make_valid().polygonal_part();
      if (fixed.is_empty() || !fixed.validity().valid) {
        return LocationError{field, "", {ReasonCode::unrepairable_polygon, {v.reason}}};
      }
      loc.repaired = true;
      loc.repair_reason = v.reason;
      g = std::move(fixed);
    } else {
      g = g.polygonal_part();  // always a MultiPolygon
    }
    loc.is_point = false;
  } else if (!std::isfinite(g.x()) || !std::isfinite(g.y())) {
    return LocationError{field, "", {ReasonCode::non_finite_coordinates}};
  }
  auto point = polygonal ? g.point_on_surface() : ctx_.point(g.x(), g.y());
  loc.lon = point.x();
  loc.lat = point.y();
  bool inside = region_prepared_ ? region_prepared_->intersects(point)
                                 : geo::kRegionLonLat.contains({loc.lon, loc.lat});
  if (!inside) {
    return LocationError{
        field, fmt::format("{:.5f} {:.5f}", loc.lon, loc.lat), {ReasonCode::outside_region}};
  }
  loc.ewkb_hex = polygonal ? g.to_hex_ewkb(4326) : rounded_point_ewkb(ctx_, g.x(), g.y());
  loc.precision = "exact";
  if (!blank(in.precision)) {
    auto p = location_precisions().parse(*in.precision);
    if (!p.ok()) return LocationError{"location_precision", *in.precision, *p.error};
    if (p.value) loc.precision = *p.value;
  }
  if (auto err = check_commune(in, loc)) return *err;
  return loc;
}

}  // namespace terrier::importers
