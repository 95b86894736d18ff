// OGC API – Features Part 2 (coordinate reference systems) against a real
// server: the conformance class, each collection's CRS list and storageCrs,
// Content-Crs, Lambert-93 coordinates of points and polygons checked against
// PROJ, paging links that keep crs and bbox-crs, and the OpenAPI document.

#include <algorithm>
#include <set>

#include "geo/proj.hpp"
#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

const std::string kL93 = "http://www.opengis.net/def/crs/EPSG/0/2154";
const std::string kL93Encoded = "http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F2154";
const std::string kCrs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

// The target of an absolute link (http://host/path?query -> /path?query).
std::string target_of(const std::string& href) {
  auto scheme = href.find("://");
  return href.substr(href.find('/', scheme + 3));
}

const json* link_of(const json& doc, const std::string& rel) {
  for (const auto& l : doc["links"]) {
    if (l["rel"] == rel) return &l;
  }
  return nullptr;
}

using OgcCrs = ApiTest;

TEST_F(OgcCrs, ConformanceAndCollectionsDeclareTheServedCrs) {
  auto conformance = json::parse(get("/ogcapi/conformance").body)["conformsTo"];
  EXPECT_NE(std::find(conformance.begin(), conformance.end(),
                      "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"),
            conformance.end())
      << conformance;
  auto collections = json::parse(get("/ogcapi/collections").body)["collections"];
  ASSERT_EQ(collections.size(), 4u);
  for (const auto& c : collections) {
    EXPECT_EQ(c["crs"], json::array({kCrs84, kL93})) << c["id"];
    EXPECT_EQ(c["storageCrs"], kCrs84) << c["id"];
  }
}

TEST_F(OgcCrs, PointsAreServedInLambert93AsProjComputesThem) {
  geo::ProjTransform to_l93("EPSG:4326", "EPSG:2154");
  for (const char* ref : {"T-1", "T-2", "T-3"}) {
    std::string target = "/ogcapi/collections/opportunities/items/" + id_of(ref);
    auto wgs = get(target, foundation_);
    auto l93 = get(target + "?crs=" + kL93Encoded, foundation_);
    ASSERT_EQ(l93.status, 200) << l93.body;
    EXPECT_EQ(wgs.header("Content-Crs"), "<" + kCrs84 + ">");
    EXPECT_EQ(l93.header("Content-Crs"), "<" + kL93 + ">");
    auto lonlat = json::parse(wgs.body)["geometry"]["coordinates"];
    auto xy = json::parse(l93.body)["geometry"]["coordinates"];
    auto expected = to_l93.transform({lonlat[0].get<double>(), lonlat[1].get<double>()});
    // CRS84 is written to 6 decimals (about 10 cm).
    EXPECT_NEAR(xy[0].get<double>(), expected.x, 0.15) << ref;
    EXPECT_NEAR(xy[1].get<double>(), expected.y, 0.15) << ref;
  }
}

TEST_F(OgcCrs, PolygonsAreServedInLambert93VertexByVertex) {
  geo::ProjTransform to_l93("EPSG:4326", "EPSG:2154");
  std::string items = "/ogcapi/collections/territories/items?level=commune&limit=3";
  auto wgs = json::parse(get(items).body)["features"];
  auto l93r = get(items + "&crs=" + kL93Encoded);
  ASSERT_EQ(l93r.status, 200) << l93r.body;
  EXPECT_EQ(l93r.header("Content-Crs"), "<" + kL93 + ">");
  auto l93 = json::parse(l93r.body)["features"];
  ASSERT_EQ(wgs.size(), 3u);
  ASSERT_EQ(l93.size(), wgs.size());
  std::size_t vertices = 0;
  for (std::size_t f = 0; f < wgs.size(); ++f) {
    EXPECT_EQ(l93[f]["id"], wgs[f]["id"]);
    ASSERT_EQ(l93[f]["geometry"]["type"], wgs[f]["geometry"]["type"]);
    const auto& a = wgs[f]["geometry"]["coordinates"];
    const auto& b = l93[f]["geometry"]["coordinates"];
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t p = 0; p < a.size(); ++p) {
      for (std::size_t r = 0; r < a[p].size(); ++r) {
        ASSERT_EQ(a[p][r].size(), b[p][r].size()) << "feature " << f;
        for (std::size_t v = 0; v < a[p][r].size(); ++v) {
          auto expected =
              to_l93.transform({a[p][r][v][0].get<double>(), a[p][r][v][1].get<double>()});
          ASSERT_NEAR(b[p][r][v][0].get<double>(), expected.x, 0.15);
          ASSERT_NEAR(b[p][r][v][1].get<double>(), expected.y, 0.15);
          ++vertices;
        }
      }
    }
  }
  EXPECT_GT(vertices, 30u);
}

TEST_F(OgcCrs, NextAndPrevLinksKeepCrsAndBboxCrs) {
  // Around Lille and Roubaix, in Lambert-93 metres.
  std::string first =
      "/ogcapi/collections/territories/items?level=commune&limit=1&offset=1&bbox=680000,"
      "7040000,730000,7090000&bbox-crs=" +
      kL93Encoded + "&crs=" + kL93Encoded;
  auto page = get(first);
  ASSERT_EQ(page.status, 200) << page.body;
  auto doc = json::parse(page.body);
  ASSERT_GE(doc["numberMatched"].get<int>(), 3) << "the fixture needs three communes in the box";
  for (const char* rel : {"next", "prev", "self"}) {
    const json* l = link_of(doc, rel);
    ASSERT_NE(l, nullptr) << rel;
    std::string href = (*l)["href"];
    EXPECT_NE(href.find("crs=" + kL93Encoded), std::string::npos) << href;
    EXPECT_NE(href.find("bbox-crs=" + kL93Encoded), std::string::npos) << href;
    // Followed, the link gives a page of the same query in the same CRS.
    auto followed = get(target_of(href));
    ASSERT_EQ(followed.status, 200) << href << ": " << followed.body;
    EXPECT_EQ(followed.header("Content-Crs"), "<" + kL93 + ">") << href;
    auto fdoc = json::parse(followed.body);
    EXPECT_EQ(fdoc["numberMatched"], doc["numberMatched"]) << href;
    double x = fdoc["features"][0]["geometry"]["coordinates"][0][0][0][0].get<double>();
    EXPECT_GT(x, 600000) << href << ": not Lambert-93";
  }
}

TEST_F(OgcCrs, TheOpenApiDocumentListsCrsAndBboxCrs) {
  auto api = json::parse(get("/ogcapi/api").body);
  for (const char* id : {"places", "opportunities", "needs", "territories"}) {
    std::set<std::string> names;
    for (const auto& p :
         api["paths"][std::string("/collections/") + id + "/items"]["get"]["parameters"]) {
      names.insert(p["name"].get<std::string>());
      if (p["name"] == "crs" || p["name"] == "bbox-crs") {
        EXPECT_EQ(p["schema"]["enum"], json::array({kCrs84, kL93})) << id;
      }
    }
    EXPECT_TRUE(names.count("crs")) << id;
    EXPECT_TRUE(names.count("bbox-crs")) << id;
    bool item_crs = false;
    for (const auto& p : api["paths"][std::string("/collections/") + id + "/items/{featureId}"]
                            ["get"]["parameters"]) {
      item_crs |= p["name"] == "crs";
    }
    EXPECT_TRUE(item_crs) << id;
  }
}

}  // namespace
}  // namespace terrier::test
