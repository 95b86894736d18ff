#include "api/qgis_project.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/text.hpp"

namespace terrier::api::qgis {

const char* const kSources =
    "Sources : IGN – ADMIN EXPRESS COG 2018 ; INSEE COG 2026 ; Etalab (découpage "
    "administratif, Licence Ouverte 2.0) ; Cerema – Cartofriches ; La Compagnie des "
    "Tiers-Lieux ; Terrier";

namespace {

// Written whole: QGIS 3.22 reads a CRS from its WKT.
constexpr const char* kLambert93 =
    "<spatialrefsys>"
    "<wkt>PROJCRS[\"RGF93 v1 / Lambert-93\",BASEGEOGCRS[\"RGF93 v1\",DATUM[\"Reseau Geodes"
    "ique Francais 1993 v1\",ELLIPSOID[\"GRS 1980\",6378137,298.257222101,LENGTHUNIT[\"me"
    "tre\",1]]],PRIMEM[\"Greenwich\",0,ANGLEUNIT[\"degree\",0.0174532925199433]],ID[\"EPSG\""
    ",4171]],CONVERSION[\"Lambert-93\",METHOD[\"Lambert Conic Conformal (2SP)\",ID[\"EPSG\""
    ",9802]],PARAMETER[\"Latitude of false origin\",46.5,ANGLEUNIT[\"degree\",0.017453292"
    "5199433],ID[\"EPSG\",8821]],PARAMETER[\"Longitude of false origin\",3,ANGLEUNIT[\"deg"
    "ree\",0.0174532925199433],ID[\"EPSG\",8822]],PARAMETER[\"Latitude of 1st standard pa"
    "rallel\",49,ANGLEUNIT[\"degree\",0.0174532925199433],ID[\"EPSG\",8823]],PARAMETER[\"La"
    "titude of 2nd standard parallel\",44,ANGLEUNIT[\"degree\",0.0174532925199433],ID[\"E"
    "PSG\",8824]],PARAMETER[\"Easting at false origin\",700000,LENGTHUNIT[\"metre\",1],ID["
    "\"EPSG\",8826]],PARAMETER[\"Northing at false origin\",6600000,LENGTHUNIT[\"metre\",1]"
    ",ID[\"EPSG\",8827]]],CS[Cartesian,2],AXIS[\"easting (X)\",east,ORDER[1],LENGTHUNIT[\""
    "metre\",1]],AXIS[\"northing (Y)\",north,ORDER[2],LENGTHUNIT[\"metre\",1]],USAGE[SCOPE"
    "[\"Engineering survey, topographic mapping.\"],AREA[\"France - onshore and offshore"
    ", mainland and Corsica (France métropolitaine including Corsica).\"],BBOX[41.15,-"
    "9.86,51.56,10.38]],ID[\"EPSG\",2154]]</wkt>"
    "<proj4>+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 "
    "+y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs</proj4>"
    "<srid>2154</srid><authid>EPSG:2154</authid><description>RGF93 v1 / Lambert-93</description>"
    "<projectionacronym>lcc</projectionacronym><ellipsoidacronym>EPSG:7019</ellipsoidacronym>"
    "<geographicflag>false</geographicflag></spatialrefsys>";
constexpr const char* kWgs84 =
    "<spatialrefsys>"
    "<wkt>GEOGCRS[\"WGS 84\",ENSEMBLE[\"World Geodetic System 1984 ensemble\",MEMBER[\"Wor"
    "ld Geodetic System 1984 (Transit)\"],MEMBER[\"World Geodetic System 1984 (G730)\"],"
    "MEMBER[\"World Geodetic System 1984 (G873)\"],MEMBER[\"World Geodetic System 1984 ("
    "G1150)\"],MEMBER[\"World Geodetic System 1984 (G1674)\"],MEMBER[\"World Geodetic Sys"
    "tem 1984 (G1762)\"],MEMBER[\"World Geodetic System 1984 (G2139)\"],ELLIPSOID[\"WGS 8"
    "4\",6378137,298.257223563,LENGTHUNIT[\"metre\",1]],ENSEMBLEACCURACY[2.0]],PRIMEM[\"G"
    "reenwich\",0,ANGLEUNIT[\"degree\",0.0174532925199433]],CS[ellipsoidal,2],AXIS[\"geod"
    "etic latitude (Lat)\",north,ORDER[1],ANGLEUNIT[\"degree\",0.0174532925199433]],AXIS"
    "[\"geodetic longitude (Lon)\",east,ORDER[2],ANGLEUNIT[\"degree\",0.0174532925199433]"
    "],USAGE[SCOPE[\"Horizontal component of 3D system.\"],AREA[\"World.\"],BBOX[-90,-180"
    ",90,180]],ID[\"EPSG\",4326]]</wkt>"
    "<proj4>+proj=longlat +datum=WGS84 +no_defs</proj4><srid>4326</srid>"
    "<authid>EPSG:4326</authid><description>WGS 84</description>"
    "<projectionacronym>longlat</projectionacronym><ellipsoidacronym>EPSG:7030</ellipsoidacronym>"
    "<geographicflag>true</geographicflag></spatialrefsys>";

// The layout, in millimetres on an A4 landscape page.
constexpr double kMapX = 10, kMapY = 22, kMapWidth = 200, kMapHeight = 178;

// The extent with a margin, widened to the map frame's proportions.
Extent framed(Extent e) {
  double w = std::max(e.max_x - e.min_x, 1000.0) * 1.08;
  double h = std::max(e.max_y - e.min_y, 1000.0) * 1.08;
  double aspect = kMapWidth / kMapHeight;
  if (w / h < aspect)
    w = h * aspect;
  else
    h = w / aspect;
  double cx = (e.min_x + e.max_x) / 2, cy = (e.min_y + e.max_y) / 2;
  return {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
}

// QGIS 3.22 keeps a layer's id only when it is longer than 10 characters
// (it makes up another, and the layer tree loses the layer).
std::string layer_id(Layer layer) {
  return std::string("terrier_") + table_name(layer);
}

std::string source(const Project& p, Layer layer) {
  // QGIS 3.22 reads a file inside the .qgz as an "attachment:" (a "./" path
  // is beside the .qgz, not in it).
  return text::xml_escape(fmt::format("attachment:{}|layername={}", p.gpkg, table_name(layer)));
}

std::string map_layer(const Project& p, Layer layer) {
  return fmt::format(
      R"(<maplayer type="vector" geometry="{0}" labelsEnabled="{1}" styleCategories="AllStyleCategories" )"
      R"(hasScaleBasedVisibilityFlag="0" minScale="100000000" maxScale="0" readOnly="0">)"
      "<id>{2}</id><datasource>{3}</datasource><layername>{4}</layername>"
      "<srs>{5}</srs><provider encoding=\"UTF-8\">ogr</provider>"
      R"(<attribution href="">{6}</attribution>)"
      "{7}<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode>"
      "<layerOpacity>1</layerOpacity></maplayer>",
      geometry_name(layer), layer == Layer::opportunities ? 0 : 1, layer_id(layer),
      source(p, layer), text::xml_escape(layer_title(layer)), kWgs84, text::xml_escape(kSources),
      renderer_xml(layer));
}

std::string tree_layer(const Project& p, Layer layer) {
  return fmt::format(
      R"(<layer-tree-layer id="{}" name="{}" source="{}" providerKey="ogr" checked="Qt::Checked" )"
      R"(expanded="1"><customproperties/></layer-tree-layer>)",
      layer_id(layer), text::xml_escape(layer_title(layer)), source(p, layer));
}

// What every layout item carries.
std::string item_head(int type, const std::string& uuid, double x, double y, double w, double h,
                      int z) {
  return fmt::format(
      R"(type="{0}" uuid="{{{1}}}" templateUuid="{{{1}}}" id="" position="{2},{3},mm" )"
      R"(positionOnPage="{2},{3},mm" size="{4},{5},mm" zValue="{6}" referencePoint="0" )"
      R"(frame="false" background="false" visibility="1" opacity="1" blendMode="0" )"
      R"(itemRotation="0" positionLock="false" excludeFromExports="0" groupUuid="" )"
      R"(outlineWidthM="0.3,mm" frameJoinStyle="miter")",
      type, uuid, x, y, w, h, z);
}

std::string label_item(const std::string& uuid, const std::string& text, double x, double y,
                       double w, double h, int points, bool bold) {
  return fmt::format(
      R"(<LayoutItem {} labelText="{}" htmlState="0" halign="1" valign="32" marginX="0" )"
      R"(marginY="0"><LabelFont description="DejaVu Sans,{},-1,5,{},0,0,0,0,0" style=""/>)"
      R"(<FontColor red="29" green="35" blue="39" alpha="255"/></LayoutItem>)",
      item_head(65641, uuid, x, y, w, h, 4), text::xml_escape(text), points, bold ? 75 : 50);
}

constexpr const char* kMapUuid = "6e0c1a52-7d3e-4b8e-9a51-0f3c2a9d7b10";

std::string layout(const Project& p) {
  Extent e = framed(p.extent);
  std::string page =
      fmt::format(R"(<PageCollection><LayoutItem {}/></PageCollection>)",
                  item_head(65638, "2f1b0d44-1c55-4d2a-8f61-6a7b3c9e0a01", 0, 0, 297, 210, 0));
  std::string map = fmt::format(
      R"(<LayoutItem {} keepLayerSet="false" followPreset="false" followPresetName="" )"
      R"(drawCanvasItems="true" mapRotation="0" mapFlags="0" labelMargin="0,mm" isTemporal="0">)"
      R"(<Extent xmin="{}" ymin="{}" xmax="{}" ymax="{}"/><crs>{}</crs><LayerSet/>)"
      R"(<AtlasMap atlasDriven="0" scalingMode="2" margin="0.1"/></LayoutItem>)",
      item_head(65639, kMapUuid, kMapX, kMapY, kMapWidth, kMapHeight, 1), e.min_x, e.min_y, e.max_x,
      e.max_y, kLambert93);
  std::string legend = fmt::format(
      R"(<LayoutItem {} title="Légende" map_uuid="{{{}}}" resizeToContents="1" columnCount="1" )"
      R"(symbolWidth="6" symbolHeight="4" boxSpace="2" columnSpace="2" wrapChar="" )"
      R"(legendFilterByMap="1" splitLayer="0" equalColumnWidth="0" titleAlignment="1" )"
      R"(symbolAlignment="1" fontColor="#1d2327"><styles>)"
      R"(<style name="title" marginBottom="3"><styleFont description="DejaVu Sans,12,-1,5,75,0,0,0,0,0" style=""/></style>)"
      R"(<style name="group" marginTop="2"><styleFont description="DejaVu Sans,10,-1,5,75,0,0,0,0,0" style=""/></style>)"
      R"(<style name="subgroup" marginTop="2"><styleFont description="DejaVu Sans,9,-1,5,75,0,0,0,0,0" style=""/></style>)"
      R"(<style name="symbol" marginTop="1.5"><styleFont description="DejaVu Sans,8,-1,5,50,0,0,0,0,0" style=""/></style>)"
      R"(<style name="symbolLabel" marginTop="1.5" marginLeft="2"><styleFont description="DejaVu Sans,8,-1,5,50,0,0,0,0,0" style=""/></style>)"
      R"(</styles></LayoutItem>)",
      item_head(65642, "9b7d2e61-3f4a-4c1b-b2d8-5e6f7a8b9c02", 216, kMapY, 72, 140, 2), kMapUuid);
  std::string scale_bar = fmt::format(
      R"(<LayoutItem {} mapUuid="{{{}}}" style="Single Box" unitType="kilometers" unitLabel="km" )"
      R"(numMapUnitsPerScaleBarUnit="1000" segmentSizeMode="1" minBarWidth="30" maxBarWidth="60" )"
      R"(numSegments="2" numSegmentsLeft="0" numUnitsPerSegment="1" height="2" )"
      R"(labelBarSpace="2" boxContentSpace="1" alignment="0" lineJoinStyle="miter" )"
      R"(lineCapStyle="square" outlineWidth="0.3"/>)",
      item_head(65646, "4c3e2f10-8a9b-4d7c-a6e5-1b2c3d4e5f03", kMapX + 4, kMapY + kMapHeight - 16,
                70, 12, 3),
      kMapUuid);
  return fmt::format(
      R"(<Layouts><Layout name="A4 paysage" units="mm" printResolution="300" worldFileMap="">)"
      "{}{}{}{}{}{}"
      R"(<Atlas enabled="0"/></Layout></Layouts>)",
      page, map,
      label_item("a1d3c5e7-0b2d-4f6a-8c9e-7d5b3a1f9e04", p.title, kMapX, 6, 277, 12, 18, true),
      legend, scale_bar,
      label_item("e5f7a9b1-2c4d-4e6f-9a8b-3c5d7e9f1a05", kSources, 216, 166, 72, 34, 7, false));
}

}  // namespace

std::string project_qgs(const Project& p) {
  std::string tree, layers, order;
  // The legend lists the top layer first.
  for (auto it = p.layers.rbegin(); it != p.layers.rend(); ++it) {
    tree += tree_layer(p, *it);
    order += fmt::format("<item>{}</item>", layer_id(*it));
  }
  for (Layer layer : p.layers) layers += map_layer(p, layer);
  Extent e = framed(p.extent);
  std::string extent = fmt::format("<xmin>{}</xmin><ymin>{}</ymin><xmax>{}</xmax><ymax>{}</ymax>",
                                   e.min_x, e.min_y, e.max_x, e.max_y);
  return fmt::format(
      "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      R"(<qgis version="3.22.0" projectname="{0}">)"
      R"(<homePath path=""/><title>{0}</title>)"
      "<projectCrs>{1}</projectCrs>"
      R"(<layer-tree-group><customproperties/>{2}<custom-order enabled="0">{3}</custom-order>)"
      "</layer-tree-group>"
      R"(<mapcanvas name="theMapCanvas" annotationsVisible="1"><units>meters</units>)"
      "<extent>{4}</extent><rotation>0</rotation><destinationsrs>{1}</destinationsrs>"
      "<rendermaptile>0</rendermaptile></mapcanvas>"
      "<projectlayers>{5}</projectlayers>"
      R"(<properties><Paths><Absolute type="bool">false</Absolute></Paths>)"
      R"(<Measurement><DistanceUnits type="QString">meters</DistanceUnits>)"
      R"(<AreaUnits type="QString">m2</AreaUnits></Measurement>)"
      // Without it QGIS ignores <projectCrs>.
      R"(<SpatialRefSys><ProjectionsEnabled type="int">1</ProjectionsEnabled></SpatialRefSys>)"
      "</properties>"
      "<projectMetadata><identifier></identifier><title>{0}</title>"
      "<abstract>Terrier : carte du territoire</abstract><language>fr</language>"
      "<rights>{6}</rights></projectMetadata>"
      R"(<ProjectViewSettings UseProjectScales="0" rotation="0"><Scales/>)"
      R"(<DefaultViewExtent xmin="{7}" ymin="{8}" xmax="{9}" ymax="{10}">{1}</DefaultViewExtent>)"
      "</ProjectViewSettings>"
      "{11}</qgis>\n",
      text::xml_escape(p.title), kLambert93, tree, order, extent, layers,
      text::xml_escape(kSources), e.min_x, e.min_y, e.max_x, e.max_y, layout(p));
}

}  // namespace terrier::api::qgis
