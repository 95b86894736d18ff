#include "api/export.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "api/cnig_export.hpp"
#include "api/export_sheets.hpp"
#include "api/problem.hpp"
#include "api/qgis_project.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/project_store.hpp"
#include "geo/gdal.hpp"
#include "geo/qgis_files.hpp"
#include "geo/region.hpp"

namespace terrier::api {
namespace fs = std::filesystem;
namespace {

// A temporary folder removed however we leave.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "terrier-export-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw Error("cannot create a temporary folder for the export");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

const char* layer_label(db::Collection c) {
  switch (c) {
    case db::Collection::places:
      return "lieux";
    case db::Collection::opportunities:
      return "opportunites";
    case db::Collection::needs:
      return "besoins";
    case db::Collection::territories:
      return "territoire";
  }
  return "";
}

// How a feature is rewritten before it is written: as it is, with its text
// neutralised for CSV, or as a spreadsheet row.
enum class Rows { as_is, csv_text, sheet };

// One layer as a GeoJSON file; each feature gets a "couche" property when
// `tag` is set (for the single-file formats).
void write_layer(pqxx::connection_base& conn, const db::FeatureQuery& query, std::ofstream& out,
                 bool& first, const char* tag, Rows rows, const SheetLinks& links) {
  db::for_each_feature(conn, query, [&](const std::string& stored) {
    if (!first) out << ",\n";
    first = false;
    if (rows == Rows::as_is) {
      std::string feature = stored;
      if (tag) {
        // {"id":..., "properties": {...}} -> add "couche" inside properties.
        auto p = feature.find("\"properties\": {");
        if (p != std::string::npos) {
          feature =
              feature.substr(0, p + 15) + "\"couche\": \"" + tag + "\", " + feature.substr(p + 15);
        }
      }
      out << feature;
      return;
    }
    auto row = nlohmann::ordered_json::parse(sheet_row(query.collection, stored, links));
    if (tag) {
      nlohmann::ordered_json properties = {{"couche", tag}};
      for (auto& [key, value] : row["properties"].items()) properties[key] = std::move(value);
      row["properties"] = std::move(properties);
    }
    if (rows == Rows::csv_text) {
      for (auto& [key, value] : row["properties"].items()) {
        if (value.is_string()) value = csv::neutralise(value.get<std::string>());
      }
    }
    out << row.dump();
  });
}

// The outline first, then each layer inside the territory (everything, with
// no outline, for the whole region).
std::vector<db::FeatureQuery> queries_for(const ExportRequest& request) {
  std::vector<db::FeatureQuery> out;
  if (!request.territory.empty()) {
    db::FeatureQuery outline;
    outline.collection = db::Collection::territories;
    outline.role = request.role;
    outline.filters.slug = request.territory;
    out.push_back(outline);
  }
  for (auto c : request.layers) {
    db::FeatureQuery q;
    q.collection = c;
    q.role = request.role;
    if (c == db::Collection::opportunities) q.filters = request.filters;
    if (!request.territory.empty()) q.filters.territory = request.territory;
    out.push_back(q);
  }
  return out;
}

// Writes the queries' features as one GeoJSON FeatureCollection.
void write_geojson(pqxx::connection_base& conn, const std::vector<db::FeatureQuery>& queries,
                   const fs::path& file, bool tag_layers, Rows rows = Rows::as_is,
                   const SheetLinks& links = {}) {
  std::ofstream out(file);
  out << "{\"type\": \"FeatureCollection\", \"features\": [\n";
  bool first = true;
  for (const auto& q : queries) {
    write_layer(conn, q, out, first, tag_layers ? layer_label(q.collection) : nullptr, rows, links);
  }
  out << "\n]}\n";
  out.close();
  if (!out) throw Error(fmt::format("{}: cannot write (disk full?)", file.string()));
}

// Each format: its name, its media type, and how it is written to `path`
// from the queries (the outline first when there is one), through `tmp`.
using Writer = void (*)(pqxx::connection_base&, const std::vector<db::FeatureQuery>&,
                        const TempDir& tmp, const std::string& path, const SheetLinks& links);
struct Format {
  const char* name;
  const char* content_type;
  Writer write;
};

void write_geojson_file(pqxx::connection_base& conn, const std::vector<db::FeatureQuery>& queries,
                        const TempDir& tmp, const std::string& path, const SheetLinks&) {
  fs::path all = tmp / "export.geojson";
  write_geojson(conn, queries, all, true);
  fs::copy_file(all, path, fs::copy_options::overwrite_existing);
}

// One table of the spreadsheets' rows (api/export_sheets: French headers,
// the location as Longitude/Latitude or WKT, the row's identity), each
// layer tagged by "couche" when there are several; text cells neutralised
// (CSV injection), which the CSV reader undoes on the way back. The outline
// is left out, as in the spreadsheets.
void write_csv_file(pqxx::connection_base& conn, const std::vector<db::FeatureQuery>& queries,
                    const TempDir& tmp, const std::string& path, const SheetLinks& links) {
  std::vector<db::FeatureQuery> rows;
  for (auto q : queries) {
    if (q.collection == db::Collection::territories) continue;
    q.spreadsheet = true;
    rows.push_back(q);
  }
  fs::path all = tmp / "export.geojson";
  write_geojson(conn, rows, all, rows.size() > 1, Rows::csv_text, links);
  // Dates stay the text they are ("2027-03-01"): GDAL's CSV writer would
  // write a typed date as "2027/03/01".
  geo::translate_vector({{all.string(), "export", {"DATE_AS_STRING=YES"}}}, path, "CSV",
                        {"SEPARATOR=SEMICOLON", "WRITE_BOM=YES"});
}

// One layer per query in a GDAL format; spreadsheets get the importer's rows
// and no outline (a sheet is for reading and re-importing rows).
template <const char* Driver, Rows RowKind>
void write_layers_file(pqxx::connection_base& conn, const std::vector<db::FeatureQuery>& queries,
                       const TempDir& tmp, const std::string& path, const SheetLinks& links) {
  std::vector<geo::TranslateSource> sources;
  for (const auto& q : queries) {
    if (RowKind == Rows::sheet && q.collection == db::Collection::territories) continue;
    fs::path layer = tmp / (std::string(layer_label(q.collection)) + ".geojson");
    db::FeatureQuery query = q;
    query.spreadsheet = RowKind == Rows::sheet;
    write_geojson(conn, {query}, layer, false, RowKind, links);
    sources.push_back({layer.string(), layer_label(q.collection)});
  }
  if (RowKind != Rows::sheet) return geo::translate_vector(sources, path, Driver);
  // A zipped format is written under a plain name first: GDAL's /vsizip/
  // would take "x.xlsx.part.xlsx" for a file inside the archive "x.xlsx".
  fs::path sheet = tmp / ("export." + text::fold(Driver));
  geo::translate_vector(sources, sheet.string(), Driver);
  fs::copy_file(sheet, path, fs::copy_options::overwrite_existing);
}

qgis::Layer qgis_layer(db::Collection c) {
  switch (c) {
    case db::Collection::places:
      return qgis::Layer::places;
    case db::Collection::opportunities:
      return qgis::Layer::opportunities;
    case db::Collection::needs:
      return qgis::Layer::needs;
    case db::Collection::territories:
      return qgis::Layer::territory;
  }
  return qgis::Layer::territory;
}

// A GeoPackage whose layers carry their QGIS styles (api/qgis_style), as
// their defaults: QGIS draws a plain export like the page.
void write_styled_gpkg(pqxx::connection_base& conn, const std::vector<db::FeatureQuery>& queries,
                       const TempDir& tmp, const std::string& path, const SheetLinks&) {
  std::vector<geo::TranslateSource> sources;
  std::vector<geo::LayerStyle> styles;
  for (const auto& q : queries) {
    fs::path layer = tmp / (std::string(layer_label(q.collection)) + ".geojson");
    write_geojson(conn, {q}, layer, false);
    sources.push_back({layer.string(), layer_label(q.collection)});
    qgis::Layer l = qgis_layer(q.collection);
    styles.push_back({layer_label(q.collection), "Terrier", qgis::layer_title(l),
                      qgis::layer_qml(l), qgis::layer_sld(l)});
  }
  geo::translate_vector(sources, path, "GPKG");
  geo::add_layer_styles(path, styles);
}

// A QGIS project (.qgz): the styled GeoPackage and a project over it
// (api/qgis_project), framed on the territory (the region without one).
void write_qgz_file(pqxx::connection_base& conn, const std::vector<db::FeatureQuery>& queries,
                    const TempDir& tmp, const std::string& path, const SheetLinks& links) {
  qgis::Project project;
  project.gpkg = "terrier.gpkg";
  project.title = "Hauts-de-France";
  const auto& region = geo::kRegionLambert93;
  project.extent = {region.min_x, region.min_y, region.max_x, region.max_y};
  for (const auto& q : queries) {
    if (q.collection == db::Collection::territories) {
      std::string slug = q.filters.slug.value_or("");
      auto frame = db::territory_frame(conn, slug);
      if (!frame) throw Error(fmt::format("{}: no territory '{}'", path, slug));
      project.title = frame->name;
      project.extent = {frame->min_x, frame->min_y, frame->max_x, frame->max_y};
    }
    project.layers.push_back(qgis_layer(q.collection));
  }
  fs::path gpkg = tmp / project.gpkg;
  write_styled_gpkg(conn, queries, tmp, gpkg.string(), links);
  fs::path qgs = tmp / "terrier.qgs";
  {
    std::ofstream out(qgs);
    out << qgis::project_qgs(project);
    out.close();
    if (!out) throw Error(fmt::format("{}: cannot write (disk full?)", qgs.string()));
  }
  geo::write_zip(path, {{"terrier.qgs", qgs.string()}, {project.gpkg, gpkg.string()}});
}

constexpr char kKml[] = "KML", kXlsx[] = "XLSX", kOds[] = "ODS";

const Format kFormats[] = {
    {"geojson", "application/geo+json", write_geojson_file},
    {"gpkg", "application/geopackage+sqlite3", write_styled_gpkg},
    {"kml", "application/vnd.google-earth.kml+xml", write_layers_file<kKml, Rows::as_is>},
    {"csv", "text/csv; charset=utf-8", write_csv_file},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     write_layers_file<kXlsx, Rows::sheet>},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet", write_layers_file<kOds, Rows::sheet>},
    // The CNIG Friches standard: its own writer (api/cnig_export), see write_export.
    {"cnig", "text/csv; charset=utf-8", nullptr},
    {"qgz", "application/zip", write_qgz_file},
};

const Format* find_format(const std::string& name) {
  for (const auto& f : kFormats) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::string format_names() {
  std::string out;
  for (const auto& f : kFormats) out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

}  // namespace

void parse_export_options(const std::string& format, const std::string& layers,
                          ExportRequest& out) {
  if (!find_format(format)) {
    throw bad_request(fmt::format("format: '{}' is not one of {}", format, format_names()));
  }
  out.format = format;
  if (!layers.empty()) {
    out.layers.clear();
    for (const auto& name : text::split_any(layers, {","})) {
      auto c = db::parse_collection(name);
      if (!c || *c == db::Collection::territories) {
        throw bad_request(fmt::format("layers: '{}' is not places, opportunities or needs", name));
      }
      out.layers.push_back(*c);
    }
  }
}

std::vector<std::string> export_formats() {
  std::vector<std::string> out;
  for (const auto& f : kFormats) out.emplace_back(f.name);
  return out;
}

const char* export_content_type(const std::string& format) {
  const Format* f = find_format(format);
  return f ? f->content_type : kFormats[0].content_type;
}

std::string export_file_name(const ExportRequest& request) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  // The slug is already [a-z0-9-]: safe in a header and a file name.
  return fmt::format(
      "terrier-{}-{}.{}",
      request.territory.empty() ? "hauts-de-france" : text::slugify(request.territory), date,
      request.format == "cnig" ? "cnig.csv" : request.format);
}

void write_export(pqxx::connection_base& conn, const ExportRequest& request,
                  const std::string& path) {
  if (request.format == "cnig") {
    try {
      write_cnig_export(conn, request.role, request.territory, path);
    } catch (...) {
      std::error_code ec;
      fs::remove(path, ec);  // no partial file left behind
      throw;
    }
    return;
  }
  const Format* format = find_format(request.format);
  if (!format || !format->write) {
    throw Error(fmt::format("{}: unknown export format '{}'", path, request.format));
  }
  TempDir tmp;
  auto queries = queries_for(request);
  try {
    std::error_code ec;
    fs::remove(path, ec);
    format->write(conn, queries, tmp, path, SheetLinks{request.link_base});
  } catch (...) {
    std::error_code ec;
    fs::remove(path, ec);  // no partial file left behind
    throw;
  }
}

}  // namespace terrier::api
