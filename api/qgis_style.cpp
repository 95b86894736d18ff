#include "api/qgis_style.hpp"

#include <fmt/core.h>

#include <map>
#include <string_view>
#include <vector>

#include "core/map_style.hpp"
#include "core/text.hpp"
#include "core/vocabulary.hpp"

namespace terrier::api::qgis {
namespace {

// The page sizes in CSS pixels, QGIS in millimetres (96 dpi).
constexpr double kMmPerPixel = 25.4 / 96;

std::string mm(double pixels) {
  return fmt::format("{:.2f}", pixels * kMmPerPixel);
}

// "#0072b2" -> "0,114,178,255", QGIS's colour text.
std::string rgba(std::string_view hex, double opacity = 1) {
  auto part = [&](std::size_t i) { return std::stoi(std::string(hex.substr(i, 2)), nullptr, 16); };
  return fmt::format("{},{},{},{}", part(1), part(3), part(5),
                     static_cast<int>(opacity * 255 + 0.5));
}

std::string quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

using Options = std::vector<std::pair<std::string, std::string>>;
using Expressions = std::map<std::string, std::string>;

std::string data_defined(const Expressions& expressions) {
  std::string properties;
  for (const auto& [name, expression] : expressions) {
    properties += fmt::format(
        R"(<Option type="Map" name="{}"><Option type="bool" name="active" value="true"/>)"
        R"(<Option type="QString" name="expression" value="{}"/>)"
        R"(<Option type="int" name="type" value="3"/></Option>)",
        name, text::xml_escape(expression));
  }
  return fmt::format(
      R"(<data_defined_properties><Option type="Map"><Option type="QString" name="name" value=""/>)"
      R"(<Option type="Map" name="properties">{}</Option>)"
      R"(<Option type="QString" name="type" value="collection"/></Option></data_defined_properties>)",
      properties);
}

std::string symbol_layer(const char* cls, const Options& options,
                         const Expressions& expressions = {}) {
  std::string out = fmt::format(R"(<layer class="{}" enabled="1" locked="0" pass="0">)", cls);
  out += R"(<Option type="Map">)";
  for (const auto& [name, value] : options) {
    out += fmt::format(R"(<Option type="QString" name="{}" value="{}"/>)", name,
                       text::xml_escape(value));
  }
  out += "</Option>" + data_defined(expressions) + "</layer>";
  return out;
}

std::string symbol(const char* type, const std::string& name, const std::string& layers) {
  return fmt::format(
      R"(<symbol type="{}" name="{}" alpha="1" clip_to_extent="1" force_rhr="0">{}{}</symbol>)",
      type, name, data_defined({}), layers);
}

// The page's radius (web-map/public/style.js, at the detail zoom): from
// 2.5 px to 12 px as the square root of the surface (built, else a tenth of
// the land) goes from 0 to 100; QGIS sizes a circle by its diameter.
std::string opportunity_size() {
  return fmt::format(
      "{} * 2 * with_variable('s', sqrt(coalesce(\"built_surface_m2\", "
      "coalesce(\"land_surface_m2\", 400) / 10)), "
      "CASE WHEN @s < 10 THEN 2.5 + @s * 0.15 WHEN @s < 30 THEN 4 + (@s - 10) * 0.15 "
      "WHEN @s < 100 THEN 7 + (@s - 30) * 5 / 70 ELSE 12 END)",
      kMmPerPixel);
}

// A CASE over the opportunity's status, one branch per status's style.
template <typename Value>
std::string by_status(Value value, const std::string& fallback) {
  std::string out = "CASE";
  for (std::size_t i = 0; i < vocabulary::kOpportunityStatuses.size(); ++i) {
    out += fmt::format(" WHEN \"status\" = {} THEN {}", quoted(vocabulary::kOpportunityStatuses[i]),
                       value(map_style::kStatusStyles[i]));
  }
  return out + " ELSE " + fallback + " END";
}

std::string opportunity_symbol(const std::string& name, std::string_view color) {
  std::string fill =
      by_status([&](const map_style::StatusStyle& s) { return quoted(rgba(color, s.opacity)); },
                quoted(rgba(color, 0.9)));
  std::string stroke = by_status(
      [](const map_style::StatusStyle& s) { return quoted(rgba(s.stroke)); }, "'255,255,255,255'");
  std::string width =
      by_status([](const map_style::StatusStyle& s) { return mm(s.stroke_width); }, mm(1));
  return symbol("marker", name,
                symbol_layer("SimpleMarker",
                             {{"name", "circle"},
                              {"color", rgba(color, 0.9)},
                              {"outline_color", "255,255,255,255"},
                              {"outline_style", "solid"},
                              {"outline_width", mm(1)},
                              {"outline_width_unit", "MM"},
                              {"size", mm(8)},
                              {"size_unit", "MM"},
                              {"scale_method", "diameter"}},
                             {{"size", opportunity_size()},
                              {"fillColor", fill},
                              {"outlineColor", stroke},
                              {"outlineWidth", width}}));
}

std::string opportunities_renderer() {
  std::string categories, symbols;
  for (std::size_t i = 0; i < vocabulary::kOpportunityKinds.size(); ++i) {
    std::string kind(vocabulary::kOpportunityKinds[i]);
    categories +=
        fmt::format(R"(<category symbol="{}" value="{}" label="{}" render="true"/>)", i,
                    text::xml_escape(kind), text::xml_escape(std::string(vocabulary::label(kind))));
    symbols += opportunity_symbol(std::to_string(i), map_style::kKindColors[i]);
  }
  // An empty value is QGIS's "every other value": a kind left blank.
  std::size_t other = vocabulary::kOpportunityKinds.size();
  categories +=
      fmt::format(R"(<category symbol="{}" value="" label="non renseigné" render="true"/>)", other);
  symbols += opportunity_symbol(std::to_string(other), map_style::kOtherColor);
  return fmt::format(
      R"(<renderer-v2 type="categorizedSymbol" attr="kind" symbollevels="0" enableorderby="1" )"
      R"(forceraster="0" referencescale="-1"><categories>{}</categories><symbols>{}</symbols>)"
      // The small ones on top, as the page draws them.
      R"(<orderby><orderByClause asc="0" nullsFirst="0">coalesce("built_surface_m2", )"
      R"("land_surface_m2" / 10, 0)</orderByClause></orderby></renderer-v2>)",
      categories, symbols);
}

std::string single_renderer(const std::string& symbol_xml) {
  return R"(<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0" )"
         R"(referencescale="-1"><symbols>)" +
         symbol_xml + "</symbols></renderer-v2>";
}

std::string outline_fill(std::string_view color, double fill_opacity, double line_pixels,
                         const Expressions& expressions = {}) {
  return symbol_layer("SimpleFill",
                      {{"color", rgba(color, fill_opacity)},
                       {"style", "solid"},
                       {"outline_color", rgba(color, 0.8)},
                       {"outline_style", "solid"},
                       {"outline_width", mm(line_pixels)},
                       {"outline_width_unit", "MM"}},
                      expressions);
}

std::string need_fill_opacity() {
  std::string out = "CASE";
  for (std::size_t i = 0; i < vocabulary::kNeedStatuses.size(); ++i) {
    out += fmt::format(" WHEN \"status\" = {} THEN {}", quoted(vocabulary::kNeedStatuses[i]),
                       quoted(rgba(map_style::kNeedColor, map_style::kNeedFillOpacity[i])));
  }
  return out + " ELSE " + quoted(rgba(map_style::kNeedColor, 0.05)) + " END";
}

std::string needs_renderer() {
  std::string fill = symbol_layer(
      "SimpleFill",
      {{"color", rgba(map_style::kNeedColor, 0.12)}, {"style", "solid"}, {"outline_style", "no"}},
      {{"fillColor", need_fill_opacity()}});
  std::string line = symbol_layer("SimpleLine", {{"line_color", rgba(map_style::kNeedColor)},
                                                 {"line_style", "dash"},
                                                 {"line_width", mm(1.5)},
                                                 {"line_width_unit", "MM"},
                                                 {"use_custom_dash", "1"},
                                                 {"customdash", mm(4.5) + ";" + mm(3)},
                                                 {"customdash_unit", "MM"}});
  return single_renderer(symbol("fill", "0", fill + line));
}

std::string places_renderer() {
  return single_renderer(
      symbol("marker", "0",
             symbol_layer("SimpleMarker", {{"name", "circle"},
                                           {"color", rgba(map_style::kPlaceColor)},
                                           {"outline_color", "255,255,255,255"},
                                           {"outline_style", "solid"},
                                           {"outline_width", mm(2)},
                                           {"outline_width_unit", "MM"},
                                           {"size", mm(14)},
                                           {"size_unit", "MM"}})));
}

std::string territory_renderer() {
  return single_renderer(symbol("fill", "0", outline_fill(map_style::kCircleColor, 0.05, 3)));
}

// Simple labels of one field, in the layer's colour with a white halo.
std::string labels(const char* field, std::string_view color, double points, bool uppercase) {
  return fmt::format(
      R"(<labeling type="simple"><settings calloutType="simple">)"
      R"(<text-style fieldName="{}" isExpression="0" fontSize="{}" fontSizeUnit="Point" )"
      R"(textColor="{}" textOpacity="1" fontWeight="{}" capitalization="{}" fontLetterSpacing="{}">)"
      R"(<text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" )"
      R"(bufferColor="255,255,255,255" bufferOpacity="1" bufferNoFill="1"/></text-style>)"
      R"(<text-format wrapChar="" autoWrapLength="18" multilineAlign="3"/>)"
      // Every attribute QGIS 3.22 writes: a missing one reads as 0, and
      // polygonPlacementFlags="0" places no label at all.
      R"(<placement placement="{}" polygonPlacementFlags="2" placementFlags="10" priority="5" )"
      R"(dist="1" distUnits="MM" quadOffset="4" centroidWhole="0" centroidInside="0" )"
      R"(fitInPolygonOnly="0" offsetType="0" xOffset="0" yOffset="0" offsetUnits="MM" )"
      R"(rotationAngle="0" preserveRotation="1" repeatDistance="0" repeatDistanceUnits="MM" )"
      R"(maxCurvedCharAngleIn="25" maxCurvedCharAngleOut="-25" overrunDistance="0" )"
      R"(overrunDistanceUnit="MM" lineAnchorType="0" lineAnchorPercent="0.5" )"
      R"(lineAnchorClipping="0" geometryGeneratorEnabled="0" geometryGenerator="" )"
      R"(geometryGeneratorType="PointGeometry" layerType="UnknownGeometry" )"
      R"(predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR"/>)"
      R"(<rendering drawLabels="1" scaleVisibility="0" scaleMin="0" scaleMax="0" )"
      R"(obstacle="1" obstacleFactor="1" obstacleType="1" displayAll="0" )"
      R"(limitNumLabels="0" maxNumLabels="2000" minFeatureSize="0" fontLimitPixelSize="0" )"
      R"(fontMinPixelSize="0" fontMaxPixelSize="10000" upsidedownLabels="0" labelPerPart="0" )"
      R"(mergeLines="0" unplacedVisibility="0" zIndex="0"/></settings></labeling>)",
      field, points, rgba(color), uppercase ? 75 : 50, uppercase ? 1 : 0, uppercase ? 0.5 : 0,
      uppercase ? 1 : 0);
}

}  // namespace

const char* table_name(Layer layer) {
  switch (layer) {
    case Layer::territory:
      return "territoire";
    case Layer::places:
      return "lieux";
    case Layer::opportunities:
      return "opportunites";
    case Layer::needs:
      return "besoins";
  }
  return "";
}

const char* layer_title(Layer layer) {
  switch (layer) {
    case Layer::territory:
      return "Territoire";
    case Layer::places:
      return "Tiers-lieux du réseau";
    case Layer::opportunities:
      return "Opportunités";
    case Layer::needs:
      return "Zones recherchées par les collectifs";
  }
  return "";
}

const char* geometry_name(Layer layer) {
  return layer == Layer::places || layer == Layer::opportunities ? "Point" : "Polygon";
}

std::string renderer_xml(Layer layer) {
  switch (layer) {
    case Layer::territory:
      return territory_renderer() + labels("name", map_style::kCircleColor, 12, true);
    case Layer::places:
      return places_renderer() + labels("name", map_style::kPlaceColor, 8, false);
    case Layer::opportunities:
      return opportunities_renderer();
    case Layer::needs:
      return needs_renderer() + labels("collective_name", map_style::kNeedColor, 8, false);
  }
  return "";
}

std::string layer_qml(Layer layer) {
  return fmt::format(
      "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      R"(<qgis version="3.22.0" styleCategories="Symbology|Labeling" labelsEnabled="{}">{})"
      "<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode>"
      "<layerOpacity>1</layerOpacity></qgis>\n",
      layer == Layer::opportunities ? 0 : 1, renderer_xml(layer));
}

namespace {

std::string sld_fill(std::string_view color, double opacity) {
  return fmt::format(R"(<se:Fill><se:SvgParameter name="fill">{}</se:SvgParameter>)"
                     R"(<se:SvgParameter name="fill-opacity">{}</se:SvgParameter></se:Fill>)",
                     color, opacity);
}

std::string sld_stroke(std::string_view color, double pixels) {
  return fmt::format(R"(<se:Stroke><se:SvgParameter name="stroke">{}</se:SvgParameter>)"
                     R"(<se:SvgParameter name="stroke-width">{}</se:SvgParameter></se:Stroke>)",
                     color, pixels);
}

std::string sld_point(std::string_view color, double diameter) {
  return fmt::format(
      R"(<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName>)"
      R"({}{}</se:Mark><se:Size>{}</se:Size></se:Graphic></se:PointSymbolizer>)",
      sld_fill(color, 0.9), sld_stroke("#ffffff", 1), diameter);
}

std::string sld_label(const char* field, std::string_view color) {
  return fmt::format(
      R"(<se:TextSymbolizer><se:Label><ogc:PropertyName>{}</ogc:PropertyName></se:Label>)"
      R"(<se:Halo><se:Radius>1.5</se:Radius>{}</se:Halo>{}</se:TextSymbolizer>)",
      field, sld_fill("#ffffff", 1), sld_fill(color, 1));
}

std::string sld_rule(const std::string& title, const std::string& filter,
                     const std::string& symbolizers) {
  return fmt::format(R"(<se:Rule><se:Name>{0}</se:Name><se:Description><se:Title>{0}</se:Title>)"
                     R"(</se:Description>{1}{2}</se:Rule>)",
                     text::xml_escape(title), filter, symbolizers);
}

}  // namespace

std::string layer_sld(Layer layer) {
  std::string rules;
  switch (layer) {
    case Layer::territory:
      rules = sld_rule(layer_title(layer), "",
                       "<se:PolygonSymbolizer>" + sld_fill(map_style::kCircleColor, 0.05) +
                           sld_stroke(map_style::kCircleColor, 3) + "</se:PolygonSymbolizer>" +
                           sld_label("name", map_style::kCircleColor));
      break;
    case Layer::places:
      rules = sld_rule(
          layer_title(layer), "",
          sld_point(map_style::kPlaceColor, 14) + sld_label("name", map_style::kPlaceColor));
      break;
    case Layer::needs:
      rules = sld_rule(layer_title(layer), "",
                       "<se:PolygonSymbolizer>" + sld_fill(map_style::kNeedColor, 0.12) +
                           sld_stroke(map_style::kNeedColor, 1.5) + "</se:PolygonSymbolizer>" +
                           sld_label("collective_name", map_style::kNeedColor));
      break;
    case Layer::opportunities:
      for (std::size_t i = 0; i < vocabulary::kOpportunityKinds.size(); ++i) {
        std::string kind(vocabulary::kOpportunityKinds[i]);
        rules += sld_rule(std::string(vocabulary::label(kind)),
                          fmt::format("<ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>kind"
                                      "</ogc:PropertyName><ogc:Literal>{}</ogc:Literal>"
                                      "</ogc:PropertyIsEqualTo></ogc:Filter>",
                                      text::xml_escape(kind)),
                          sld_point(map_style::kKindColors[i], 10));
      }
      rules += sld_rule("non renseigné", "<se:ElseFilter/>", sld_point(map_style::kOtherColor, 10));
      break;
  }
  return fmt::format(
      R"(<?xml version="1.0" encoding="UTF-8"?>)"
      "\n"
      R"(<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" version="1.1.0" )"
      R"(xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc" )"
      R"(xmlns:xlink="http://www.w3.org/1999/xlink" )"
      R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
      R"(xsi:schemaLocation="http://www.opengis.net/sld )"
      R"(http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">)"
      R"(<NamedLayer><se:Name>{0}</se:Name><UserStyle><se:Name>{0}</se:Name>)"
      R"(<se:FeatureTypeStyle>{1}</se:FeatureTypeStyle></UserStyle></NamedLayer>)"
      "</StyledLayerDescriptor>\n",
      table_name(layer), rules);
}

}  // namespace terrier::api::qgis
