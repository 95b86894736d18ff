#include "api/export.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "api/cnig_export.hpp"
#include "api/problem.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "geo/gdal.hpp"

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
    case db::Collection::places: return "lieux";
    case db::Collection::opportunities: return "opportunites";
    case db::Collection::needs: return "besoins";
    case db::Collection::territories: return "territoire";
  }
  return "";
}

// One layer as a GeoJSON file; each feature gets a "couche" property when
// `tag` is set (for the single-file formats).
void write_layer(pqxx::connection_base& conn, const db::FeatureQuery& query, std::ofstream& out,
                 bool& first, const char* tag) {
  db::for_each_feature(conn, query, [&](const std::string& feature) {
    if (!first) out << ",\n";
    first = false;
    if (tag) {
      // {"id":..., "properties": {...}} -> add "couche" inside properties.
      auto p = feature.find("\"properties\": {");
      if (p != std::string::npos) {
        out << feature.substr(0, p + 15) << "\"couche\": \"" << tag << "\", " << feature.substr(p + 15);
        return;
      }
    }
    out << feature;
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
                   const fs::path& file, bool tag_layers) {
  std::ofstream out(file);
  out << "{\"type\": \"FeatureCollection\", \"features\": [\n";
  bool first = true;
  for (const auto& q : queries) write_layer(conn, q, out, first, tag_layers ? layer_label(q.collection) : nullptr);
  out << "\n]}\n";
  out.close();
  if (!out) throw Error(fmt::format("{}: cannot write (disk full?)", file.string()));
}

}  // namespace

void parse_export_options(const std::string& format, const std::string& layers, ExportRequest& out) {
  if (format != "geojson" && format != "gpkg" && format != "kml" && format != "csv" && format != "cnig") {
    throw bad_request(fmt::format("format: '{}' is not geojson, gpkg, kml, csv or cnig", format));
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

const char* export_content_type(const std::string& format) {
  if (format == "gpkg") return "application/geopackage+sqlite3";
  if (format == "kml") return "application/vnd.google-earth.kml+xml";
  if (format == "csv" || format == "cnig") return "text/csv; charset=utf-8";
  return "application/geo+json";
}

std::string export_file_name(const ExportRequest& request) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  // The slug is already [a-z0-9-]: safe in a header and a file name.
  return fmt::format("terrier-{}-{}.{}", request.territory.empty() ? "hauts-de-france" : text::slugify(request.territory),
                     date, request.format == "cnig" ? "cnig.csv" : request.format);
}

void write_export(pqxx::connection_base& conn, const ExportRequest& request, const std::string& path) {
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
  TempDir tmp;
  auto queries = queries_for(request);
  try {
    if (request.format == "geojson" || request.format == "csv") {
      fs::path all = tmp / "export.geojson";
      write_geojson(conn, queries, all, true);
      if (request.format == "geojson") {
        fs::copy_file(all, path, fs::copy_options::overwrite_existing);
      } else {
        std::error_code ec;
        fs::remove(path, ec);
        geo::translate_vector({{all.string(), "export"}}, path, "CSV",
                              {"GEOMETRY=AS_WKT", "SEPARATOR=SEMICOLON", "WRITE_BOM=YES"});
      }
    } else {
      std::vector<geo::TranslateSource> sources;
      for (const auto& q : queries) {
        fs::path layer = tmp / (std::string(layer_label(q.collection)) + ".geojson");
        write_geojson(conn, {q}, layer, false);
        sources.push_back({layer.string(), layer_label(q.collection)});
      }
      std::error_code ec;
      fs::remove(path, ec);
      geo::translate_vector(sources, path, request.format == "gpkg" ? "GPKG" : "KML");
    }
  } catch (...) {
    std::error_code ec;
    fs::remove(path, ec);  // no partial file left behind
    throw;
  }
}

}  // namespace terrier::api
