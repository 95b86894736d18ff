#include "api/basemap.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace terrier::api {
namespace {

constexpr const char* kIgnCredit = "© IGN – Géoplateforme";

// A GetTile template of IGN's Géoplateforme WMTS in Web Mercator ("PM"):
// MapLibre fills {z}, {x}, {y}, which are PM's TILEMATRIX, TILECOL, TILEROW.
std::string ign_tile(std::string_view layer, std::string_view format) {
  return fmt::format(
      "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={}"
      "&STYLE=normal&FORMAT={}&TILEMATRIXSET=PM&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}",
      layer, format);
}

// GetFeatureInfo as the Géoplateforme documents it for its WMTS: the same
// tile, plus the pixel (I, J) in it and the answer's format.
std::string ign_feature_info(std::string_view layer, std::string_view format) {
  return fmt::format(
      "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetFeatureInfo&VERSION=1.0.0&LAYER={}"
      "&STYLE=normal&FORMAT={}&TILEMATRIXSET=PM&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}"
      "&I={{i}}&J={{j}}&INFOFORMAT=application/json",
      layer, format);
}

BasemapLayer base_layer(std::string id, std::string label, std::string url,
                        std::string attribution) {
  BasemapLayer layer;
  layer.id = std::move(id);
  layer.label = std::move(label);
  layer.url = std::move(url);
  layer.attribution = std::move(attribution);
  return layer;
}

// The zoom limits are the service's tile matrices (GetCapabilities): the
// page overzooms past them instead of asking for tiles that do not exist.
std::vector<BasemapLayer> ign_layers() {
  BasemapLayer plan = base_layer(
      "plan", "Plan IGN", ign_tile("GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2", "image/png"), kIgnCredit);
  BasemapLayer ortho = base_layer("ortho", "Photographies aériennes",
                                  ign_tile("ORTHOIMAGERY.ORTHOPHOTOS", "image/jpeg"), kIgnCredit);
  BasemapLayer parcels =
      base_layer("parcels", "Parcelles cadastrales",
                 ign_tile("CADASTRALPARCELS.PARCELLAIRE_EXPRESS", "image/png"), kIgnCredit);
  parcels.overlay = true;
  parcels.shown_from_zoom = 15;
  parcels.feature_info_url = ign_feature_info("CADASTRALPARCELS.PARCELLAIRE_EXPRESS", "image/png");
  return {plan, ortho, parcels};
}

// OpenStreetMap's standard tiles, as its tile usage policy asks: the
// licence's credit on the map, at most zoom 19, and a Referer.
BasemapLayer osm_layer() {
  return base_layer("osm", "OpenStreetMap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "© les contributeurs d'OpenStreetMap (ODbL)");
}

bool is_http(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

}  // namespace

std::string origin_of(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  auto end = url.find_first_of("/?#", scheme + 3);
  return url.substr(0, end);
}

std::vector<std::string> BasemapConfig::origins() const {
  std::vector<std::string> out;
  auto add = [&out](const std::string& url) {
    if (url.empty()) return;
    std::string origin = origin_of(url);
    if (std::find(out.begin(), out.end(), origin) == out.end()) out.push_back(origin);
  };
  for (const auto& layer : layers) {
    add(layer.url);
    add(layer.feature_info_url);
  }
  return out;
}

BasemapConfig make_basemap(std::string_view provider, const std::string& url,
                           const std::string& attribution) {
  std::string chosen(provider);
  if (chosen.empty()) chosen = url.empty() ? "ign" : "custom";
  if (!url.empty() && chosen != "custom") {
    throw ConfigError(fmt::format(
        "TERRIER_BASEMAP_URL is set but TERRIER_BASEMAP='{}': set TERRIER_BASEMAP=custom, or "
        "unset the URL",
        chosen));
  }
  BasemapConfig config;
  config.provider = chosen;
  if (chosen == "ign") {
    config.layers = ign_layers();
  } else if (chosen == "osm") {
    config.layers = {osm_layer()};
    config.needs_referrer = true;
  } else if (chosen == "custom") {
    if (url.empty()) throw ConfigError("TERRIER_BASEMAP=custom needs TERRIER_BASEMAP_URL");
    if (!is_http(url)) {
      throw ConfigError(
          fmt::format("TERRIER_BASEMAP_URL='{}' is not an http(s) URL template", url));
    }
    config.layers = {base_layer("custom", "Fond de carte", url, attribution)};
  } else if (chosen != "none") {
    throw ConfigError(
        fmt::format("TERRIER_BASEMAP='{}' is not one of ign, osm, custom, none", chosen));
  }
  return config;
}

nlohmann::json basemap_json(const BasemapConfig& basemap) {
  if (basemap.layers.empty()) return nullptr;
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : basemap.layers) {
    nlohmann::json j = {{"id", l.id},
                        {"label", l.label},
                        {"kind", l.overlay ? "overlay" : "base"},
                        {"url", l.url},
                        {"attribution", l.attribution},
                        {"tile_size", 256},
                        {"minzoom", l.min_zoom},
                        {"maxzoom", l.max_zoom},
                        {"shown_from_zoom", l.shown_from_zoom},
                        {"feature_info_url", nullptr}};
    if (!l.feature_info_url.empty()) j["feature_info_url"] = l.feature_info_url;
    layers.push_back(std::move(j));
  }
  return {{"provider", basemap.provider}, {"layers", layers}};
}

}  // namespace terrier::api
