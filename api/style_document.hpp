#pragma once

// The map's vector tiles described for other clients: a MapLibre style
// (/styles/terrier.json) whose sources are the server's tiles by absolute
// URL, drawn with core/map_style.hpp's colours like the page, which QGIS
// (a vector tile layer's styleUrl) and MapLibre apps read; and a TileJSON
// 3.0.0 document per collection (/tiles/{collection}.json).

#include <string>

#include "db/feature_store.hpp"

namespace terrier::api {

// `base_url`: scheme://host the client reached.
std::string map_style_document(const std::string& base_url);
std::string tilejson_document(const std::string& base_url, db::Collection collection);

}  // namespace terrier::api
