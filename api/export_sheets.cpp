#include "api/export_sheets.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "geo/gdal.hpp"
#include "importers/field_table.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::ordered_json;

// "BCUS, location": a list as people type it in a cell.
json joined(const json& list, const char* separator) {
  if (!list.is_array() || list.empty()) return nullptr;
  std::string out;
  for (const auto& item : list) {
    if (!out.empty()) out += separator;
    out += item.is_string() ? item.get<std::string>() : item.dump();
  }
  return out;
}

json prop(const json& properties, const char* name) {
  auto it = properties.find(name);
  return it == properties.end() ? json(nullptr) : *it;
}

// A sheet's row of one kind: each field under its header in the field
// catalogue (importers::sheet_header), the one the importer reads back.
class Sheet {
 public:
  Sheet(importers::ImportKind kind, const json& properties) : kind_(kind), p_(properties) {}
  void put(const char* field, json value) {
    row_[importers::sheet_header(kind_, field)] = std::move(value);
  }
  // The feature's property of the same name, as it is.
  void copy(const char* field) { put(field, prop(p_, field)); }
  // A list as people type it in a cell.
  void copy_list(const char* field, const char* separator) {
    put(field, joined(prop(p_, field), separator));
  }
  json& row() { return row_; }

 private:
  importers::ImportKind kind_;
  const json& p_;
  json row_ = json::object();
};

// Longitude and latitude of a point, exact (as stored, not rounded: the
// sheet re-imports the same point), or the geometry as WKT otherwise.
void put_location(Sheet& row, const json& geometry, const json& exact_lonlat) {
  json lon = nullptr, lat = nullptr, wkt = nullptr;
  if (exact_lonlat.is_array() && exact_lonlat.size() == 2) {
    lon = exact_lonlat[0];
    lat = exact_lonlat[1];
  } else if (geometry.is_object() && geometry.value("type", "") == "Point") {
    lon = geometry["coordinates"][0];
    lat = geometry["coordinates"][1];
  } else if (geometry.is_object()) {
    wkt = geo::geojson_geometry_to_wkt(geometry.dump());
  }
  row.put("lon", lon);
  row.put("lat", lat);
  row.put("wkt", wkt);
}

// The row's identity: its reference in its source, or "#<id>" for a row
// that has none (created in the page, or imported without a reference).
json reference(const json& feature, const json& p) {
  json ref = prop(p, "external_id");
  if (!ref.is_null()) return ref;
  auto id = feature.find("id");
  if (id == feature.end() || !id->is_number_integer()) return nullptr;
  return "#" + std::to_string(id->get<long long>());
}

// The file's own free columns (for the roles that may read them), then the
// source and the link: the row re-imports with what it came with. The
// importer's notes ("precision": {"available_from": "mois"}) are not the
// file's columns: left out, and kept as they are by a re-import
// (db::StagingStore::keep_stored_attributes).
void put_attributes_and_source(json& row, const json& feature, const json& p,
                               const SheetLinks& links, const char* link_key) {
  auto attributes = p.find("attributes");
  if (attributes != p.end() && attributes->is_object()) {
    for (const auto& [key, value] : attributes->items()) {
      if (row.contains(key) || key == kSourceHeader || key == kLinkHeader) continue;
      if (value.is_object() || value.is_array()) continue;
      row[key] = value;
    }
  }
  row[kSourceHeader] = prop(p, "source");
  auto id = feature.find("id");
  row[kLinkHeader] =
      !links.base.empty() && id != feature.end() && id->is_number_integer()
          ? json(fmt::format("{}/?{}={}", links.base, link_key, id->get<long long>()))
          : json(nullptr);
}

json yes_no(const json& value) {
  if (!value.is_boolean()) return nullptr;
  return value.get<bool>() ? "oui" : "non";
}

json opportunity_row(const json& feature, const json& p, const json& geometry,
                     const SheetLinks& links) {
  Sheet row(importers::ImportKind::opportunities, p);
  row.put("external_id", reference(feature, p));
  row.copy("title");
  row.copy("kind");
  row.copy("address");
  row.copy("commune_insee");
  put_location(row, geometry, prop(p, "exact_lonlat"));
  row.copy("location_precision");
  row.copy("built_surface_m2");
  row.copy("land_surface_m2");
  row.copy_list("tenures", ", ");
  row.copy("price_eur");
  row.copy("rent_eur_month");
  row.copy("available_from");
  row.copy("available_until");
  row.copy("owner_kind");
  row.copy("status");
  row.copy("visibility");
  row.copy("last_verified");
  row.copy("source_status");
  row.put("source_checked", yes_no(prop(p, "source_checked")));
  if (p.contains("owner_name")) {  // only for the roles that may read them
    row.copy("owner_name");
    row.copy("owner_contact");
    row.copy("notes");
  }
  put_attributes_and_source(row.row(), feature, p, links, "opportunity");
  return row.row();
}

json place_row(const json& feature, const json& p, const json& geometry, const SheetLinks& links) {
  Sheet row(importers::ImportKind::places, p);
  row.put("external_id", reference(feature, p));
  row.copy("name");
  row.copy("kind");
  row.copy("address");
  row.copy("commune_insee");
  put_location(row, geometry, prop(p, "exact_lonlat"));
  row.copy("location_precision");
  row.copy("website");
  row.copy("description");
  row.copy_list("competences", ", ");
  put_attributes_and_source(row.row(), feature, p, links, "place");
  return row.row();
}

// A need's area: a territory, a radius around a centre, or a polygon (WKT).
json need_row(const json& feature, const json& p, const json& geometry, const SheetLinks& links) {
  Sheet row(importers::ImportKind::needs, p);
  row.put("external_id", reference(feature, p));
  row.copy("collective_name");
  row.copy("place_ref");
  row.copy("surface_min_m2");
  row.copy("surface_ideal_m2");
  row.copy("surface_max_m2");
  row.copy("surface_tolerance_pct");
  row.copy_list("kinds_wanted", ", ");
  row.copy_list("tenures_accepted", " > ");  // in order of preference
  row.copy("rent_max_eur_month");
  row.copy("price_max_eur");
  row.copy("territory");
  json center = prop(p, "search_center"), radius = prop(p, "radius_m");
  bool circle = center.is_array() && radius.is_number();
  row.put("lon", circle ? center[0] : json(nullptr));
  row.put("lat", circle ? center[1] : json(nullptr));
  row.put("radius_km", circle ? json(radius.get<double>() / 1000.0) : json(nullptr));
  bool polygon = !circle && prop(p, "territory").is_null() && geometry.is_object();
  row.put("wkt", polygon ? json(geo::geojson_geometry_to_wkt(geometry.dump())) : json(nullptr));
  row.copy("needed_from");
  row.copy("description");
  row.copy("status");
  if (p.contains("contact")) {
    row.copy("contact");
    row.copy("notes");
  }
  put_attributes_and_source(row.row(), feature, p, links, "need");
  return row.row();
}

}  // namespace

std::string sheet_row(db::Collection collection, const std::string& feature_json,
                      const SheetLinks& links) {
  json feature = json::parse(feature_json);  // written by the feature store, not from outside
  const json& p = feature["properties"];
  const json& geometry = feature["geometry"];
  json row;
  switch (collection) {
    case db::Collection::opportunities:
      row = opportunity_row(feature, p, geometry, links);
      break;
    case db::Collection::places:
      row = place_row(feature, p, geometry, links);
      break;
    case db::Collection::needs:
      row = need_row(feature, p, geometry, links);
      break;
    case db::Collection::territories:
      row = json::object();
      break;
  }
  return json{{"type", "Feature"}, {"geometry", nullptr}, {"properties", row}}.dump();
}

}  // namespace terrier::api
