#include "importers/json_rows.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json.hpp"
#include "geo/gdal.hpp"
#include "importers/location.hpp"
#include "importers/rows.hpp"

namespace terrier::importers {
namespace {

using json = nlohmann::json;

std::string as_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) out += (out.empty() ? "" : ",") + as_text(e);
    return out;
  }
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

json parse_object(const std::string& body) {
  json j;
  try {
    j = parse_json(body);
  } catch (const json::parse_error& e) {
    throw ImportError(fmt::format("le corps n'est pas du JSON (octet {})", e.byte));
  } catch (const JsonTooDeep& e) {
    throw ImportError(fmt::format("le corps est {}", e.what()));
  }
  if (!j.is_object())
    throw ImportError("le corps doit être un objet JSON ou une entité GeoJSON (Feature)");
  return j;
}

}  // namespace

JsonRow validate_json_row(ImportKind kind, const std::string& body, db::ReferenceStore& store) {
  CommuneIndex communes;
  for (auto& c : store.communes()) {
    communes.add({std::move(c.insee), std::move(c.name), std::move(c.postcodes), c.lon, c.lat});
  }
  LocationResolver resolver(communes, store.region_outline_wkb(kRegionMarginM), LocationOptions{});
  auto slugs = store.territory_ids_by_slug();
  auto places = store.place_ids_by_external_id();
  return validate_json_row(kind, body, RowContext{resolver, slugs, places});
}

JsonRow validate_json_row(ImportKind kind, const std::string& body, const RowContext& ctx) {
  json j = parse_object(body);
  json props = j;
  SourceRecord record;
  record.position = 1;
  if (j.contains("type") && j["type"] == "Feature") {
    props = j.value("properties", json::object());
    if (j.contains("geometry") && !j["geometry"].is_null()) {
      record.wkb = geo::geojson_geometry_to_wkb(j["geometry"].dump());
    }
  }
  if (!props.is_object()) throw ImportError("« properties » doit être un objet JSON");
  std::vector<std::string> header;
  for (const auto& [key, value] : props.items()) {
    header.push_back(key);
    record.fields.push_back(value.is_null() ? std::nullopt
                                            : std::optional<std::string>(as_text(value)));
  }
  Mapping mapping = Mapping::canonical(kind);
  mapping.bind(header, "body");

  JsonRow out;
  RowFields row(mapping, header, record, out.issues);
  switch (kind) {
    case ImportKind::opportunities:
      out.row = build_opportunity(row, ctx);
      break;
    case ImportKind::needs:
      out.row = build_need(row, ctx);
      break;
    case ImportKind::places:
      out.row = build_place(row, ctx);
      break;
    default:
      throw ImportError("seuls les lieux, les opportunités et les besoins s'écrivent un par un");
  }
  for (const auto& [key, value] : props.items()) {
    if (std::find(field_names(kind).begin(), field_names(kind).end(), key) ==
        field_names(kind).end()) {
      out.issues.push_back({RowIssue::Kind::rejected, 1, key, "", {ReasonCode::unknown_field}});
      out.row.reset();
    }
  }
  return out;
}

std::string merge_json_objects(const std::string& base, const std::string& patch) {
  json b = parse_object(base);
  json p = parse_object(patch);
  // The stored row is a plain object of fields; a Feature's geometry
  // replaces its location.
  json geometry;
  if (p.contains("type") && p["type"] == "Feature") {
    if (p.contains("geometry") && !p["geometry"].is_null()) geometry = p["geometry"];
    p = p.contains("properties") ? p["properties"] : json::object();
    if (!p.is_object()) throw ImportError("« properties » doit être un objet JSON");
  }
  for (const auto& [key, value] : p.items()) b[key] = value;
  if (geometry.is_null()) return b.dump();
  for (const char* location : {"wkt", "lat", "lon"}) b.erase(location);
  return json{{"type", "Feature"}, {"geometry", geometry}, {"properties", b}}.dump();
}

}  // namespace terrier::importers
