// A territory's white zones (issue 23): the communes far from every place of
// the network, as GeoJSON for the page and as a layer file for the circles'
// animators (the same formats as the exports, through GDAL). Its dashboard:
// the figures of db/dashboard_store as JSON or as a French CSV.

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "api/export.hpp"
#include "api/handlers.hpp"
#include "api/params.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/vocabulary.hpp"
#include "db/dashboard_store.hpp"
#include "db/white_zones.hpp"
#include "geo/gdal.hpp"

namespace terrier::api {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// "a; b; c" of one key of each object.
std::string joined(const json& objects, const char* key) {
  std::string out;
  for (const auto& o : objects) {
    if (!o.contains(key) || !o[key].is_string()) continue;
    if (!out.empty()) out += "; ";
    out += o[key].get<std::string>();
  }
  return out;
}

// The white zones as a table for spreadsheets and GIS: one flat row per
// commune, French column names, the lists as counts and names, text cells
// neutralised for spreadsheets (a collective's name may start with '=').
json flat_layer(const json& zones, bool sheet) {
  auto text = [&](const std::string& s) { return sheet ? csv::neutralise(s) : s; };
  json out = {{"type", "FeatureCollection"}, {"features", json::array()}};
  for (const auto& f : zones["features"]) {
    const json& p = f["properties"];
    json row = {{"INSEE", p["insee"]},
                {"Commune", text(p["name"].get<std::string>())},
                {"Population", p["population"]},
                {"Distance au lieu le plus proche (km)", p["distance_km"]},
                {"Lieu le plus proche",
                 p["nearest_place"].is_string() ? json(text(p["nearest_place"])) : json()},
                {"Longitude du centre", p["centre"][0]},
                {"Latitude du centre", p["centre"][1]},
                {"Besoins", p["needs"].size()},
                {"Collectifs", text(joined(p["needs"], "collective_name"))},
                {"Opportunités disponibles", p["opportunities"].size()},
                {"Titres des opportunités", text(joined(p["opportunities"], "title"))}};
    out["features"].push_back(
        {{"type", "Feature"}, {"geometry", f["geometry"]}, {"properties", std::move(row)}});
  }
  return out;
}

const char* driver_of(const std::string& format) {
  return format == "csv"    ? "CSV"
         : format == "gpkg" ? "GPKG"
         : format == "kml"  ? "KML"
         : format == "xlsx" ? "XLSX"
                            : "ODS";
}

std::string temp_path(const std::string& suffix) {
  std::string tmpl = (fs::temp_directory_path() / ("terrier-white-zones-XXXXXX" + suffix)).string();
  int fd = mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw Error("cannot create a temporary file for the white zones");
  close(fd);
  return tmpl;
}

// A figure as a French spreadsheet reads it: a decimal comma.
std::string french_number(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "";
  std::string out = v.is_number_integer() ? std::to_string(v.get<long long>())
                                          : fmt::format("{}", v.get<double>());
  std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

// The dashboard as a French CSV (semicolons, a BOM for spreadsheets): one
// row per section, key and value, the keys as the vocabulary labels them.
std::string dashboard_csv(const nlohmann::ordered_json& d) {
  std::string out = "\xEF\xBB\xBFRubrique;Clé;Valeur\r\n";
  auto row = [&](const std::string& section, const std::string& key,
                 const nlohmann::ordered_json& value) {
    out += csv::quoted_cell(section) + ";" + csv::quoted_cell(key) + ";" + french_number(value) +
           "\r\n";
  };
  auto counts = [&](const std::string& section, const nlohmann::ordered_json& object) {
    if (!object.is_object()) return;
    for (const auto& [key, value] : object.items()) {
      row(section, std::string(vocabulary::label(key)), value);
    }
  };
  counts("Opportunités par statut", d["opportunities"]["by_status"]);
  counts("Opportunités par type de bien", d["opportunities"]["by_kind"]);
  counts("Besoins par statut", d["needs"]["by_status"]);
  if (d["matches"].is_object()) {
    counts("Correspondances par étape du suivi", d["matches"]["by_stage"]);
    row("Surface trouvée", "m² des opportunités en accord", d["surface_found_m2"]);
    row("Délai de l'accord", "jours (médiane, de proposé à accord)",
        d["median_days_proposed_to_agreement"]);
  }
  row("À revérifier", "opportunités", d["to_reverify"]);
  return out;
}

}  // namespace

Response dashboard(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  const std::string& slug = ctx.segments[2];
  DashboardParams params = parse_dashboard_params(ctx.params);
  std::optional<std::string> doc;
  {
    auto conn = pool.acquire();
    doc = db::dashboard(*conn, slug, ctx.role, config.limits.reverify_months);
  }
  if (!doc) throw not_found(fmt::format("no territory '{}'", slug));
  if (params.format == "json") return json_response(std::move(*doc));
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = dashboard_csv(nlohmann::ordered_json::parse(*doc));
  ExportRequest names;
  names.territory = slug;
  names.format = "csv";
  std::string file_name = export_file_name(names);
  file_name.insert(std::string("terrier-").size() + slug.size(), "-tableau-de-bord");
  r.headers.emplace_back("Content-Disposition",
                         fmt::format("attachment; filename=\"{}\"", file_name));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response white_zones(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  const std::string& slug = ctx.segments[2];
  WhiteZoneParams params = parse_white_zone_params(ctx.params);
  std::optional<std::string> doc;
  {
    auto conn = pool.acquire();
    doc = db::white_zones(*conn, slug, params.distance_km, ctx.role);
  }
  if (!doc) throw not_found(fmt::format("no territory '{}'", slug));
  if (params.format == "geojson") return json_response(std::move(*doc), "application/geo+json");

  const bool sheet = params.format == "csv" || params.format == "xlsx" || params.format == "ods";
  std::string source = temp_path(".geojson");
  std::string destination = temp_path("." + params.format);
  try {
    {
      std::ofstream out(source, std::ios::binary);
      out << flat_layer(json::parse(*doc), sheet).dump();
      if (!out) throw Error("cannot write the white zones' temporary file");
    }
    // GDAL refuses to write over a file that exists (CSV, KML).
    fs::remove(destination);
    std::vector<std::string> options;
    if (params.format == "csv") options = {"GEOMETRY=AS_WKT", "SEPARATOR=SEMICOLON"};
    geo::translate_vector({{source, "zones_blanches"}}, destination, driver_of(params.format),
                          options);
    fs::remove(source);
  } catch (...) {
    fs::remove(source);
    fs::remove(destination);
    throw;
  }
  ExportRequest names;
  names.territory = slug;
  names.format = params.format;
  std::string file_name = export_file_name(names);
  // "terrier-SLUG-DATE.csv" → "terrier-SLUG-zones-blanches-DATE.csv" (the
  // slug exists, so it is already [a-z0-9-]).
  file_name.insert(std::string("terrier-").size() + slug.size(), "-zones-blanches");
  Response r;
  r.content_type = export_content_type(params.format);
  r.file = destination;
  r.headers.emplace_back("Content-Disposition",
                         fmt::format("attachment; filename=\"{}\"", file_name));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace terrier::api
