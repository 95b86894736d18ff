#pragma once

// What a territory's QGIS project (api/qgis_project) reads from the
// database: the territory's name and its extent in Lambert-93 (EPSG:2154),
// the project's CRS.

#include <optional>
#include <pqxx/pqxx>
#include <string>

namespace terrier::db {

struct TerritoryFrame {
  std::string name;
  double min_x, min_y, max_x, max_y;
};

// nullopt when no territory with an outline has the slug.
std::optional<TerritoryFrame> territory_frame(pqxx::connection_base& conn, const std::string& slug);

}  // namespace terrier::db
