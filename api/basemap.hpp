#pragma once

// The raster layers the map page may draw under Terrier's own data: IGN's
// Géoplateforme (plan, aerial photographs, cadastral parcels) by default,
// OpenStreetMap, a custom XYZ/WMTS template, or none. Chosen once from
// TERRIER_BASEMAP (and TERRIER_BASEMAP_URL / _ATTRIBUTION) in the serve
// command; the page reads it from /api/map-config and its Content-Security-
// Policy allows exactly these origins.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace terrier::api {

struct BasemapLayer {
  std::string id;     // "plan", "ortho", "parcels", "osm", "custom": kept in the page's URL
  std::string label;  // French, for the layer switcher
  std::string url;    // tile template with {z}, {x}, {y}
  std::string attribution;
  bool overlay = false;  // drawn over a base layer, switched on by itself
  int min_zoom = 0;      // the service's tile matrices (Web Mercator levels)
  int max_zoom = 19;
  int shown_from_zoom = 0;  // the page draws it from this zoom (parcels: 15)
  // A WMTS GetFeatureInfo template ({z}, {x}, {y}, {i}, {j}) when the service
  // answers what lies under a pixel; empty otherwise.
  std::string feature_info_url;
};

struct BasemapConfig {
  std::string provider = "none";  // ign, osm, custom, none
  std::vector<BasemapLayer> layers;
  // The origins the page fetches tiles and feature info from, each once.
  std::vector<std::string> origins() const;
  // OpenStreetMap's tile policy asks for a Referer naming the site; Terrier
  // otherwise sends none.
  bool needs_referrer = false;
};

// TERRIER_BASEMAP (empty: "custom" when a URL is given, else "ign"), the
// custom template and its credit. Throws ConfigError naming the variable on
// an unknown provider, a custom provider without a URL, a URL with another
// provider, or a URL that is not http(s).
BasemapConfig make_basemap(std::string_view provider, const std::string& url,
                           const std::string& attribution);

// What /api/map-config says about it: null for none, else the provider and
// its layers.
nlohmann::json basemap_json(const BasemapConfig& basemap);

// "https://tile.example.org/{z}/…" gives "https://tile.example.org".
std::string origin_of(const std::string& url);

}  // namespace terrier::api
