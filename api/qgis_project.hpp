#pragma once

// A QGIS project (.qgs XML, for QGIS 3.22 and later) over an export's
// GeoPackage: its layers by relative path ("./x.gpkg|layername=..."), styled
// as api/qgis_style draws them, French names, the territory's extent in
// Lambert-93, the data's attribution, and a print layout "A4 paysage"
// (title, map, legend, scale bar, sources). Written from a template: QGIS
// is not needed to write it.

#include <string>
#include <vector>

#include "api/qgis_style.hpp"

namespace terrier::api::qgis {

// Lambert-93 (EPSG:2154) metres.
struct Extent {
  double min_x, min_y, max_x, max_y;
};

struct Project {
  std::string title;          // the territory's name: the layout's title
  std::string gpkg;           // the GeoPackage's file name beside the project
  std::vector<Layer> layers;  // drawn in this order, the first at the bottom
  Extent extent;
};

// The data's sources, as the layout and each layer's attribution say them
// (data/README.md).
extern const char* const kSources;

std::string project_qgs(const Project& project);

}  // namespace terrier::api::qgis
