#pragma once

// How QGIS draws an export's layers, like the page: circles outlined and
// labelled, opportunities by kind with the page's colours and sized by
// surface, needs' search areas, places. The colours come from
// core/map_style.hpp, which the page reads through /api/map-config. Each
// layer's style is a QML document (QGIS's own, written into the
// GeoPackage's `layer_styles` and, as the same renderer and labels, into a
// .qgz project: api/qgis_project) and a simpler SLD.

#include <string>

namespace terrier::api::qgis {

// The layers of an export (api/export's GeoPackage layers).
enum class Layer { territory, places, opportunities, needs };

// The GeoPackage layer's name ("opportunites") and its French title in a
// project's legend ("Opportunités").
const char* table_name(Layer layer);
const char* layer_title(Layer layer);
// "Point" or "Polygon", as a project's <maplayer geometry=...> says it.
const char* geometry_name(Layer layer);

// The renderer and the labels, as elements of a <qgis> style document or
// a project's <maplayer>.
std::string renderer_xml(Layer layer);
// The whole QML document.
std::string layer_qml(Layer layer);
// The same drawing in OGC Symbology Encoding 1.1 (colours and categories;
// sizes fixed).
std::string layer_sld(Layer layer);

}  // namespace terrier::api::qgis
