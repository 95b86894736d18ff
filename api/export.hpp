#pragma once

// Exports of a territory for circle animators: the territory's outline and
// what lies inside it (places, opportunities, needs), with the items'
// filters and the role's rows and fields, as GeoJSON, GeoPackage (with its
// QGIS styles), KML, CSV, XLSX or ODS (api/export_sheets), or a QGIS project
// (api/qgis_project). Features are read through a cursor and written to a
// file, so memory stays flat however large the territory.

#include <string>
#include <vector>

#include "db/feature_store.hpp"

namespace terrier::api {

struct ExportRequest {
  std::string territory;           // slug; empty: the whole region (the command line only)
  std::string format = "geojson";  // geojson, gpkg, kml, csv, xlsx, ods, cnig, qgz
  std::vector<db::Collection> layers = {db::Collection::places, db::Collection::opportunities,
                                        db::Collection::needs};
  db::FeatureFilters filters;  // applied to the opportunities layer
  Role role = Role::anonymous;
  // The page's address for the rows' links in spreadsheets and CSV
  // ("Lien Terrier": /?opportunity=ID); empty, no link.
  std::string link_base;
};

// Parses format= and layers=; throws Problem 400.
void parse_export_options(const std::string& format, const std::string& layers, ExportRequest& out);

const char* export_content_type(const std::string& format);
// The formats' names, in the order of the table (geojson first: the default).
std::vector<std::string> export_formats();
// "terrier-mel-2026-11-28.gpkg"
std::string export_file_name(const ExportRequest& request);

// Writes the export to `path` (replaced if it exists). On any failure the
// partial file is removed and Error is thrown naming the destination.
void write_export(pqxx::connection_base& conn, const ExportRequest& request,
                  const std::string& path);

}  // namespace terrier::api
