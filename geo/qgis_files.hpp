#pragma once

// What a QGIS project needs beyond ogr2ogr's layers: the layers' styles
// inside a GeoPackage (its `layer_styles` table, the convention QGIS and
// GDAL share) and a zip archive (a .qgz holds the project and its data).

#include <string>
#include <vector>

namespace terrier::geo {

// One layer's style as QGIS stores it.
struct LayerStyle {
  std::string layer;  // the GeoPackage layer it draws
  std::string name;   // styleName
  std::string description;
  std::string qml;  // QGIS's own style document
  std::string sld;  // OGC Symbology Encoding; empty: none
};

// Adds each style to the `layer_styles` table of the GeoPackage at `path`
// (created when missing), as its layer's default: QGIS draws the layer with
// it when it opens the file. Throws Error naming the file or the layer.
void add_layer_styles(const std::string& path, const std::vector<LayerStyle>& styles);

// One file of an archive: its name inside, and where its bytes are.
struct ZipEntry {
  std::string name;
  std::string source;
};

// Writes a zip archive at `path` (replaced) holding the entries, deflated.
// Throws Error naming the archive or the entry.
void write_zip(const std::string& path, const std::vector<ZipEntry>& entries);

}  // namespace terrier::geo
