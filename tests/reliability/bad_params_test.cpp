// Bad query parameters on every route: a 400 naming the parameter, never a
// 500.

#include "tests/reliability/reliability_fixture.hpp"

namespace terrier::test {
namespace {

TEST_F(Reliability, BadQueryParametersGetA400NeverA500) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bbox=nan,1,2,3", "bbox"},
      {"bbox=1e308,0,1e308,1", "bbox"},
      {"bbox=-1e9,-1e9,1e9,1e9&bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F2154",
       "Lambert-93"},
      {"bbox=1,2,3", "bbox"},
      {"limit=-1", "limit"},
      {"limit=1000000000", "limit"},
      {"limit=99999999999999999999999", "limit"},
      {"offset=-5", "offset"},
      {"kind=%27%3BDROP%20TABLE%20opportunities%3B--", "kind"},
      {"territory=%27%20OR%201%3D1%20--", "territory"},
      {"q=" + std::string(300, 'a'), "q"},
      {"q=%00", "NUL"},
      {"q=%FF%FE", "UTF-8"},
      {"surface_min=1e999", "surface_min"},
      {"available_before=0000-00-00", "available_before"},
      {"crs=EPSG%3A666", "crs"},
      {"f=xml", "f"},
      {"colour=red", "colour"},
      {"filter=price_eur%20%3D%20%27x%27", "price_eur"},
      {"filter=kind%20%3D", "filtre CQL2"},
      {"filter=price_eur%20%3E%201e999", "1e999"},
      {"filter=available_from%20%3E%20DATE(%272024-13-01%27)", "2024-13-01"},
      {"filter=S_INTERSECTS(geometry%2CPOLYGON((0%200%2C1%200%2C1%201)))", "POLYGON"},
      {"filter=" + std::string(200, '(') + "kind%3D%27x%27" + std::string(200, ')'), "imbriqué"},
      {"filter-lang=cql2-json&filter=%5B%5B%5B", "JSON"},
      {"filter-lang=cql2-json&filter=%7B%22op%22%3A%22%3D%22%2C%22args%22%3A%5B%7B%22property%22%"
       "3A%22kind%22%7D%2C%22a%5Cu0000b%22%5D%7D",
       "octet nul"},
      {"filter=kind%3D%27x%27&filter-lang=sql", "filter-lang"},
      {"sortby=tenures", "tenures"},
      {"sortby=title%3Bdrop", "sortby"},
      {"properties=nope", "properties"},
      {"skipGeometry=maybe", "skipGeometry"},
      {"maxAllowableOffset=-1", "maxAllowableOffset"},
      {"maxAllowableOffset=1e400", "maxAllowableOffset"},
  };
  const std::string before = model();
  for (const auto& [query, name] : cases) {
    SCOPED_TRACE(query);
    auto r = get("/ogcapi/collections/opportunities/items?" + query, admin_);
    EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
    EXPECT_NE(r.body.find(name), std::string::npos) << r.body.substr(0, 300);
  }
  for (const auto& target :
       {"/tiles/opportunities/99/0/0.mvt", "/tiles/opportunities/5/99999/0.mvt",
        "/tiles/opportunities/-1/0/0.mvt", "/tiles/opportunities/8/1/1.mvt?kind=rien"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(get(target).status, 400);
  }
  for (const auto& target : {"/ogcapi/collections/opportunities/items/abc",
                             "/ogcapi/collections/opportunities/items/99999999999999999999",
                             "/ogcapi/collections/nothing/items", "/api/needs/1e5/matches"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(get(target).status, 404);
  }
  // A quote, a semicolon and a comment in a CQL2 string are a value.
  auto quoted =
      get("/ogcapi/collections/opportunities/items?filter=title%20%3D%20%27x%27%27%3B%"
          "20DROP%20TABLE%20opportunities%3B--%27",
          admin_);
  EXPECT_EQ(quoted.status, 200) << quoted.body.substr(0, 300);
  // Valid filters at the edges of what PostgreSQL and GEOS take: a bow-tie
  // polygon (self-intersecting), far offsets, huge numbers, a line.
  const std::vector<std::pair<std::string, std::string>> edges = {
      {"needs", "S_INTERSECTS(geometry%2CPOLYGON((2%2050%2C4%2051%2C4%2050%2C2%2051%2C2%2050)))"},
      {"opportunities",
       "last_verified%20%3C%20TIMESTAMP(%272024-01-01T00%3A00%3A00%2B14%3A00%27)%20OR%20"
       "available_from%20%3E%20TIMESTAMP(%270001-01-01T00%3A00%3A00-12%3A00%27)"},
      {"opportunities", "price_eur%20%3E%201e308%20OR%20price_eur%20%3C%20-1.5e-300"},
      {"places", "S_INTERSECTS(LINESTRING(1e300%2050%2C3%2050.6)%2Cgeometry)"}};
  for (const auto& [collection, filter] : edges) {
    SCOPED_TRACE(filter);
    auto r = get("/ogcapi/collections/" + collection + "/items?filter=" + filter, admin_);
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
  }
  EXPECT_EQ(model(), before);
  expect_serving();
}

}  // namespace
}  // namespace terrier::test
