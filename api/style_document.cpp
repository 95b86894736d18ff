#include "api/style_document.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "api/ogc.hpp"
#include "core/map_style.hpp"
#include "core/vocabulary.hpp"
#include "geo/region.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::ordered_json;

std::string tiles_url(const std::string& base, db::Collection c, const std::string& query = "") {
  return fmt::format("{}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt{}", base, db::collection_name(c),
                     query.empty() ? "" : "?" + query);
}

json vector_source(const std::string& url, int minzoom, int maxzoom) {
  const auto& b = geo::kRegionLonLat;
  return {{"type", "vector"},
          {"tiles", {url}},
          {"minzoom", minzoom},
          {"maxzoom", maxzoom},
          {"bounds", {b.min_x, b.min_y, b.max_x, b.max_y}},
          {"attribution", "Terrier ; IGN – ADMIN EXPRESS ; INSEE ; Cerema – Cartofriches"}};
}

// A "match" of a property on a table of values (without "coalesce": QGIS
// 3.22's converter reads a plain ["get", ...] only).
template <std::size_t N, typename T, typename F>
json match(const char* property, const std::array<std::string_view, N>& values,
           const std::array<T, N>& table, F&& value, json fallback) {
  json expr = json::array({"match", json::array({"get", property})});
  for (std::size_t i = 0; i < N; ++i) {
    expr.push_back(std::string(values[i]));
    expr.push_back(value(table[i]));
  }
  expr.push_back(std::move(fallback));
  return expr;
}

// One layer per kind, each of its colour (QGIS 3.22's converter reads no
// "match" in a circle's colour; MapLibre reads both), then the kinds no
// palette knows. Legacy filters: QGIS 3.22 reads them, MapLibre too.
json opportunity_layers() {
  const auto& statuses = vocabulary::kOpportunityStatuses;
  const auto& styles = map_style::kStatusStyles;
  // The page's radius at the detail zoom (web-map/public/style.js).
  json surface = json::array(
      {"sqrt",
       json::array(
           {"coalesce", json::array({"get", "built_surface_m2"}),
            json::array({"/",
                         json::array({"coalesce", json::array({"get", "land_surface_m2"}), 400}),
                         10})})});
  json paint = {
      {"circle-radius", json::array({"interpolate", json::array({"linear"}), surface, 0, 2.5, 10, 4,
                                     30, 7, 100, 12})},
      {"circle-opacity", match(
                             "status", statuses, styles,
                             [](const map_style::StatusStyle& s) { return s.opacity; }, 0.9)},
      {"circle-stroke-color",
       match(
           "status", statuses, styles,
           [](const map_style::StatusStyle& s) { return std::string(s.stroke); }, "#ffffff")},
      {"circle-stroke-width",
       match(
           "status", statuses, styles,
           [](const map_style::StatusStyle& s) { return s.stroke_width; }, 1)}};
  // A cell of one opportunity, or any opportunity above the clusters' zooms.
  json lone = json::array({"any", json::array({"!has", "count"}), json::array({"==", "count", 1})});
  json layers = json::array();
  json known = json::array({"!in", "kind"});
  for (std::size_t i = 0; i < vocabulary::kOpportunityKinds.size(); ++i) {
    std::string kind(vocabulary::kOpportunityKinds[i]);
    known.push_back(kind);
    json layer = {{"id", "opportunities-" + kind},
                  {"type", "circle"},
                  {"source", "opportunities"},
                  {"source-layer", "opportunities"},
                  {"filter", json::array({"all", json::array({"==", "kind", kind}), lone})},
                  {"paint", paint}};
    layer["paint"]["circle-color"] = std::string(map_style::kKindColors[i]);
    layers.push_back(std::move(layer));
  }
  json other = {{"id", "opportunities-other"},
                {"type", "circle"},
                {"source", "opportunities"},
                {"source-layer", "opportunities"},
                {"filter", json::array({"all", known, lone})},
                {"paint", paint}};
  other["paint"]["circle-color"] = std::string(map_style::kOtherColor);
  layers.push_back(std::move(other));
  return layers;
}

json text_layout(const char* field, double size) {
  return {{"text-field", json::array({"get", field})},
          {"text-font", {"sans-serif"}},
          {"text-size", size}};
}

json halo(std::string_view color, double width = 1.5) {
  return {{"text-color", std::string(color)},
          {"text-halo-color", "#ffffff"},
          {"text-halo-width", width}};
}

}  // namespace

// The page's style takes the paint of these layers from this document
// (web-map/public/style.js); tests/web/map.test.mjs compares the two.
std::string map_style_document(const std::string& base_url) {
  using db::Collection;
  const std::string circle(map_style::kCircleColor), need(map_style::kNeedColor),
      place(map_style::kPlaceColor);
  json sources = {
      {"departements",
       vector_source(tiles_url(base_url, Collection::territories, "level=departement"), 0, 12)},
      {"communes",
       vector_source(tiles_url(base_url, Collection::territories, "level=commune"), 8, 12)},
      {"circles",
       vector_source(tiles_url(base_url, Collection::territories, "level=circle"), 0, 12)},
      {"needs", vector_source(tiles_url(base_url, Collection::needs), 0, 14)},
      {"places", vector_source(tiles_url(base_url, Collection::places), 0, 14)},
      {"opportunities", vector_source(tiles_url(base_url, Collection::opportunities), 0, 14)}};
  auto on = [](const char* id, const char* type, const char* source) {
    return json{{"id", id}, {"type", type}, {"source", source}, {"source-layer", source}};
  };
  auto territories = [](const char* id, const char* type, const char* source) {
    return json{{"id", id}, {"type", type}, {"source", source}, {"source-layer", "territories"}};
  };
  json layers = json::array();
  layers.push_back(
      {{"id", "background"}, {"type", "background"}, {"paint", {{"background-color", "#e8ece9"}}}});
  layers.push_back(territories("departements-fill", "fill", "departements"));
  layers.back()["paint"] = {{"fill-color", "#fbfbf7"}};
  layers.push_back(territories("communes-line", "line", "communes"));
  layers.back()["minzoom"] = 8;
  layers.back()["paint"] = {{"line-color", "#b3bcc2"}, {"line-width", 0.6}};
  layers.push_back(territories("departements-line", "line", "departements"));
  layers.back()["paint"] = {{"line-color", "#6b757c"},
                            {"line-width", json::array({"interpolate", json::array({"linear"}),
                                                        json::array({"zoom"}), 6, 1, 12, 2.5})}};
  layers.push_back(territories("circles-fill", "fill", "circles"));
  layers.back()["paint"] = {{"fill-color", circle}, {"fill-opacity", 0.05}};
  layers.push_back(territories("circles-line", "line", "circles"));
  layers.back()["paint"] = {{"line-color", circle},
                            {"line-width", json::array({"interpolate", json::array({"linear"}),
                                                        json::array({"zoom"}), 6, 2, 12, 4})},
                            {"line-opacity", 0.8}};
  layers.push_back(on("needs-fill", "fill", "needs"));
  layers.back()["paint"] = {
      {"fill-color", need},
      {"fill-opacity", match(
                           "status", vocabulary::kNeedStatuses, map_style::kNeedFillOpacity,
                           [](double o) { return o; }, 0.05)}};
  layers.push_back(on("needs-line", "line", "needs"));
  layers.back()["paint"] = {{"line-color", need}, {"line-width", 1.5}, {"line-dasharray", {3, 2}}};
  // Up to cluster_max_zoom the tiles carry one feature per cell of a grid
  // with its "count" (api/tile_service); a cell of one is that opportunity.
  layers.push_back(on("opportunities-clusters", "circle", "opportunities"));
  layers.back()["filter"] = {">", "count", 1};
  layers.back()["paint"] = {{"circle-color", std::string(map_style::kClusterColor)},
                            {"circle-opacity", 0.85},
                            {"circle-radius", json::array({"interpolate", json::array({"linear"}),
                                                           json::array({"zoom"}), 7, 8, 11, 14})},
                            {"circle-stroke-color", "#ffffff"},
                            {"circle-stroke-width", 1.5}};
  layers.push_back(on("opportunities-cluster-count", "symbol", "opportunities"));
  layers.back()["filter"] = {">", "count", 1};
  layers.back()["layout"] = text_layout("count", 11);
  layers.back()["paint"] = {
      {"text-color", "#ffffff"}, {"text-halo-color", "rgba(0,0,0,0.35)"}, {"text-halo-width", 1}};
  for (auto& layer : opportunity_layers()) layers.push_back(std::move(layer));
  layers.push_back(on("places-points", "circle", "places"));
  layers.back()["paint"] = {{"circle-color", place},
                            {"circle-radius", 7},
                            {"circle-stroke-color", "#ffffff"},
                            {"circle-stroke-width", 2}};
  layers.push_back(on("places-label", "symbol", "places"));
  layers.back()["minzoom"] = 10;
  layers.back()["layout"] = text_layout("name", 12);
  layers.back()["layout"]["text-offset"] = {0, 1.1};
  layers.back()["layout"]["text-anchor"] = "top";
  // Darker than the points: the labels' contrast on the base map (WCAG AA).
  layers.back()["paint"] = halo("#1f5c2f");
  // A circle's name at its label point (territory_labels: one per circle, in
  // one tile), not on the outline, which crosses many tiles at each zoom.
  layers.push_back(territories("circles-label", "symbol", "circles"));
  layers.back()["source-layer"] = "territory_labels";
  layers.back()["maxzoom"] = 11;
  layers.back()["layout"] = text_layout("name", 14);
  layers.back()["layout"]["text-transform"] = "uppercase";
  layers.back()["layout"]["text-letter-spacing"] = 0.05;
  layers.back()["layout"]["text-max-width"] = 9;
  layers.back()["paint"] = halo(map_style::kCircleColor, 2);
  const auto& b = geo::kRegionLonLat;
  json style = {{"version", 8},
                {"name", "Terrier – tiers-lieux et opportunités des Hauts-de-France"},
                {"center", {(b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2}},
                {"zoom", 7},
                {"sources", sources},
                {"layers", layers}};
  return style.dump();
}

std::string tilejson_document(const std::string& base_url, db::Collection collection) {
  json fields = json::object();
  for (const auto& [name, type] : db::tile_fields(collection)) fields[name] = type;
  if (collection == db::Collection::opportunities) {
    // The regional view's clusters (api/tile_service): counts per cell.
    fields["count"] = "Number";
    for (auto kind : vocabulary::kOpportunityKinds) fields["kind_" + std::string(kind)] = "Number";
    for (auto status : vocabulary::kOpportunityStatuses)
      fields["status_" + std::string(status)] = "Number";
  }
  const auto& b = geo::kRegionLonLat;
  const int maxzoom = collection == db::Collection::territories ? 12 : 14;
  json doc = {{"tilejson", "3.0.0"},
              {"name", fmt::format("Terrier – {}", collection_title(collection))},
              {"tiles", {tiles_url(base_url, collection)}},
              {"minzoom", 0},
              {"maxzoom", maxzoom},
              {"bounds", {b.min_x, b.min_y, b.max_x, b.max_y}},
              {"center", {(b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2, 7}},
              {"attribution", "Terrier ; IGN – ADMIN EXPRESS ; INSEE ; Cerema – Cartofriches"},
              {"vector_layers",
               {{{"id", db::collection_name(collection)},
                 {"fields", fields},
                 {"minzoom", 0},
                 {"maxzoom", maxzoom}}}}};
  // The labels' points (db::tile): one per feature, in one tile only.
  if (collection == db::Collection::territories) {
    doc["vector_layers"].push_back(
        {{"id", "territory_labels"}, {"fields", fields}, {"minzoom", 0}, {"maxzoom", maxzoom}});
  } else if (collection == db::Collection::needs) {
    doc["vector_layers"].push_back(
        {{"id", "need_labels"},
         {"fields", {{"id", "Number"}, {"collective_name", "String"}, {"count", "Number"}}},
         {"minzoom", 0},
         {"maxzoom", maxzoom}});
  }
  return doc.dump();
}

}  // namespace terrier::api
