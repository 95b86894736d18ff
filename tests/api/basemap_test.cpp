// The page's base layers chosen from TERRIER_BASEMAP: IGN's Géoplateforme by
// default, what /api/map-config says about them, and the origins the CSP
// must allow.
#include "api/basemap.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace terrier::api {
namespace {

TEST(Basemap, DefaultsToIgnPlanAerialAndParcels) {
  BasemapConfig b = make_basemap("", "", "");
  EXPECT_EQ(b.provider, "ign");
  ASSERT_EQ(b.layers.size(), 3u);
  EXPECT_EQ(b.layers[0].id, "plan");
  EXPECT_EQ(b.layers[0].label, "Plan IGN");
  EXPECT_EQ(b.layers[0].url,
            "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&FORMAT=image/png"
            "&TILEMATRIXSET=PM&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}");
  EXPECT_EQ(b.layers[1].label, "Photographies aériennes");
  EXPECT_NE(b.layers[1].url.find("LAYER=ORTHOIMAGERY.ORTHOPHOTOS&"), std::string::npos);
  EXPECT_NE(b.layers[1].url.find("FORMAT=image/jpeg"), std::string::npos);
  EXPECT_EQ(b.layers[2].label, "Parcelles cadastrales");
  EXPECT_TRUE(b.layers[2].overlay);
  EXPECT_EQ(b.layers[2].shown_from_zoom, 15);
  EXPECT_NE(b.layers[2].feature_info_url.find("REQUEST=GetFeatureInfo"), std::string::npos);
  EXPECT_NE(b.layers[2].feature_info_url.find("&I={i}&J={j}"), std::string::npos);
  for (const auto& l : b.layers) {
    EXPECT_EQ(l.attribution, "© IGN – Géoplateforme") << l.id;
    EXPECT_EQ(l.max_zoom, 19) << l.id;
  }
  EXPECT_EQ(b.origins(), std::vector<std::string>{"https://data.geopf.fr"});
  EXPECT_FALSE(b.needs_referrer);
}

TEST(Basemap, MapConfigListsLayersOrNullForNone) {
  nlohmann::json j = basemap_json(make_basemap("ign", "", ""));
  EXPECT_EQ(j["provider"], "ign");
  ASSERT_EQ(j["layers"].size(), 3u);
  EXPECT_EQ(j["layers"][0]["kind"], "base");
  EXPECT_EQ(j["layers"][2]["kind"], "overlay");
  EXPECT_EQ(j["layers"][2]["shown_from_zoom"], 15);
  EXPECT_TRUE(j["layers"][0]["feature_info_url"].is_null());
  EXPECT_TRUE(basemap_json(make_basemap("none", "", "")).is_null());
}

TEST(Basemap, OsmCreditsItsContributorsAndAsksForAReferrer) {
  BasemapConfig b = make_basemap("osm", "", "");
  ASSERT_EQ(b.layers.size(), 1u);
  EXPECT_EQ(b.layers[0].url, "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
  EXPECT_NE(b.layers[0].attribution.find("OpenStreetMap"), std::string::npos);
  EXPECT_EQ(b.layers[0].max_zoom, 19);
  EXPECT_TRUE(b.needs_referrer);
  EXPECT_EQ(b.origins(), std::vector<std::string>{"https://tile.openstreetmap.org"});
}

TEST(Basemap, AUrlAloneMeansACustomTemplate) {
  BasemapConfig b = make_basemap("", "https://tiles.example.org:8443/{z}/{x}/{y}.png", "© Exemple");
  EXPECT_EQ(b.provider, "custom");
  ASSERT_EQ(b.layers.size(), 1u);
  EXPECT_EQ(b.layers[0].attribution, "© Exemple");
  EXPECT_EQ(b.origins(), std::vector<std::string>{"https://tiles.example.org:8443"});
  EXPECT_EQ(origin_of("https://wmts.example.org?LAYER=a&TILEMATRIX={z}"),
            "https://wmts.example.org");
}

TEST(Basemap, RefusesWhatItCannotDrawNamingTheVariable) {
  auto message = [](std::string_view provider, const std::string& url) {
    try {
      make_basemap(provider, url, "");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("google", "").find("TERRIER_BASEMAP='google'"), std::string::npos);
  EXPECT_NE(message("custom", "").find("TERRIER_BASEMAP_URL"), std::string::npos);
  EXPECT_NE(message("custom", "ftp://x/{z}").find("not an http(s) URL"), std::string::npos);
  EXPECT_NE(message("ign", "https://x/{z}/{x}/{y}").find("TERRIER_BASEMAP=custom"),
            std::string::npos);
  EXPECT_TRUE(make_basemap("none", "", "").layers.empty());
}

}  // namespace
}  // namespace terrier::api
