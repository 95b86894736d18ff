#include "api/export_sheets.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "geo/gdal.hpp"

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

// Longitude and latitude of a point, exact (as stored, not rounded: the
// sheet re-imports the same point), or the geometry as WKT otherwise.
void put_location(json& row, const json& geometry, const json& exact_lonlat) {
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
  row["Longitude"] = lon;
  row["Latitude"] = lat;
  row["WKT"] = wkt;
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
  json row = json::object();
  row["Réf."] = reference(feature, p);
  row["Intitulé"] = prop(p, "title");
  row["Type de bien"] = prop(p, "kind");
  row["Adresse"] = prop(p, "address");
  row["Code INSEE"] = prop(p, "commune_insee");
  put_location(row, geometry, prop(p, "exact_lonlat"));
  row["Précision"] = prop(p, "location_precision");
  row["Surface bâtie (m²)"] = prop(p, "built_surface_m2");
  row["Surface terrain (m²)"] = prop(p, "land_surface_m2");
  row["Modalités"] = joined(prop(p, "tenures"), ", ");
  row["Prix (€)"] = prop(p, "price_eur");
  row["Loyer (€/mois)"] = prop(p, "rent_eur_month");
  row["Disponible à partir du"] = prop(p, "available_from");
  row["Disponible jusqu'au"] = prop(p, "available_until");
  row["Type de propriétaire"] = prop(p, "owner_kind");
  row["Statut"] = prop(p, "status");
  row["Visibilité"] = prop(p, "visibility");
  row["Dernière vérification"] = prop(p, "last_verified");
  row["Statut source"] = prop(p, "source_status");
  row["Vérifié"] = yes_no(prop(p, "source_checked"));
  if (p.contains("owner_name")) {  // only for the roles that may read them
    row["Propriétaire"] = prop(p, "owner_name");
    row["Contact propriétaire"] = prop(p, "owner_contact");
    row["Remarques"] = prop(p, "notes");
  }
  put_attributes_and_source(row, feature, p, links, "opportunity");
  return row;
}

json place_row(const json& feature, const json& p, const json& geometry, const SheetLinks& links) {
  json row = json::object();
  row["Réf."] = reference(feature, p);
  row["Nom"] = prop(p, "name");
  row["Type"] = prop(p, "kind");
  row["Adresse"] = prop(p, "address");
  row["Code INSEE"] = prop(p, "commune_insee");
  put_location(row, geometry, prop(p, "exact_lonlat"));
  row["Précision"] = prop(p, "location_precision");
  row["Site web"] = prop(p, "website");
  row["Description"] = prop(p, "description");
  row["Compétences offertes"] = joined(prop(p, "competences"), ", ");
  put_attributes_and_source(row, feature, p, links, "place");
  return row;
}

// A need's area: a territory, a radius around a centre, or a polygon (WKT).
json need_row(const json& feature, const json& p, const json& geometry, const SheetLinks& links) {
  json row = json::object();
  row["Réf."] = reference(feature, p);
  row["Collectif"] = prop(p, "collective_name");
  row["Lieu actuel"] = prop(p, "place_ref");
  row["Surface min (m²)"] = prop(p, "surface_min_m2");
  row["Surface idéale (m²)"] = prop(p, "surface_ideal_m2");
  row["Surface max (m²)"] = prop(p, "surface_max_m2");
  row["Tolérance (%)"] = prop(p, "surface_tolerance_pct");
  row["Types recherchés"] = joined(prop(p, "kinds_wanted"), ", ");
  row["Modes acceptés"] = joined(prop(p, "tenures_accepted"), " > ");  // in order of preference
  row["Loyer max (€/mois)"] = prop(p, "rent_max_eur_month");
  row["Prix max (€)"] = prop(p, "price_max_eur");
  row["Territoire"] = prop(p, "territory");
  json center = prop(p, "search_center"), radius = prop(p, "radius_m");
  bool circle = center.is_array() && radius.is_number();
  row["Longitude"] = circle ? center[0] : json(nullptr);
  row["Latitude"] = circle ? center[1] : json(nullptr);
  row["Rayon (km)"] = circle ? json(radius.get<double>() / 1000.0) : json(nullptr);
  bool polygon = !circle && prop(p, "territory").is_null() && geometry.is_object();
  row["WKT"] = polygon ? json(geo::geojson_geometry_to_wkt(geometry.dump())) : json(nullptr);
  row["Besoin à partir du"] = prop(p, "needed_from");
  row["Description"] = prop(p, "description");
  row["Statut"] = prop(p, "status");
  if (p.contains("contact")) {
    row["Contact"] = prop(p, "contact");
    row["Notes"] = prop(p, "notes");
  }
  put_attributes_and_source(row, feature, p, links, "need");
  return row;
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
