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
  EXPECT_EQ(model(), before);
  expect_serving();
}

}  // namespace
}  // namespace terrier::test
