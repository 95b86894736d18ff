// Bad bodies on the write endpoints: refused with a clear status, and the
// database left as it was.

#include "tests/reliability/reliability_fixture.hpp"

namespace terrier::test {
namespace {

TEST_F(Reliability, BadBodiesOnWriteEndpointsAreRefusedAndChangeNothing) {
  auto feature = [](const std::string& props,
                    const std::string& geometry =
                        R"({"type":"Point","coordinates":[3.06,50.63]})") {
    return R"({"type":"Feature","geometry":)" + geometry + R"(,"properties":)" + props + "}";
  };
  std::string deep = "{\"title\":";
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  deep += "1" + std::string(100000, '}') + "}";
  std::string deep_geometry = feature(R"({"title":"Profond","kind":"atelier"})",
                                      std::string(10000, '[') + std::string(10000, ']'));
  std::string big(25 << 20, ' ');
  // A closed ring of n vertices around Lille, as a need's search area.
  auto ring = [](int n) {
    std::string out =
        R"({"type":"Feature","properties":{"collective_name":"Géant","surface_min_m2":100},)"
        R"("geometry":{"type":"Polygon","coordinates":[[)";
    for (int i = 0; i <= n; ++i) {
      double a = 2 * M_PI * (i % n) / n;
      out += fmt::format("{}[{:.7f},{:.7f}]", i ? "," : "", 3.06 + 0.05 * std::cos(a),
                         50.63 + 0.03 * std::sin(a));
    }
    return out + "]]}}";
  };
  std::string million = ring(1'000'000);
  std::string many = ring(150'000);

  struct Case {
    std::string name, method, target, body;
    int status;
    std::string detail;  // a part of the problem's detail
  };
  const std::vector<Case> cases = {
      {"nested 100,000 deep", "POST", "/api/opportunities", deep, 400,
       "imbriqué sur plus de 64 niveaux"},
      {"geometry nested 10,000 deep", "POST", "/api/opportunities", deep_geometry, 400,
       "imbriqué sur plus de"},
      {"surface 1e308", "POST", "/api/opportunities",
       feature(R"({"title":"Immense","kind":"atelier","built_surface_m2":1e308})"), 400,
       "built_surface_m2"},
      {"negative surface", "POST", "/api/opportunities",
       feature(R"({"title":"Négatif","kind":"atelier","built_surface_m2":-120})"), 400,
       "built_surface_m2"},
      {"zero surface", "POST", "/api/opportunities",
       feature(R"({"title":"Nul","kind":"atelier","built_surface_m2":0})"), 400,
       "built_surface_m2"},
      {"NaN", "POST", "/api/opportunities", R"({"title":"x","built_surface_m2":NaN})", 400,
       "pas du JSON"},
      {"infinite coordinates", "POST", "/api/opportunities",
       feature(R"({"title":"Infini","kind":"atelier"})",
               R"({"type":"Point","coordinates":[1e999,50.6]})"),
       400, ""},
      {"binary garbage", "POST", "/api/needs", std::string("\x00\xff\xfe{\x01", 5), 400, ""},
      {"invalid UTF-8", "POST", "/api/opportunities",
       feature("{\"title\":\"caf\xe9\",\"kind\":\"atelier\"}"), 400, "pas du JSON"},
      {"25 MB body", "POST", "/api/opportunities", big, 413, ""},
      {"a polygon of a million vertices", "POST", "/api/needs", million, 413, ""},
      {"a polygon of 150,000 vertices", "POST", "/api/needs", many, 400,
       "le polygone a 150001 sommets, au plus 100000"},
      {"patch nested deep", "PATCH", "/api/opportunities/" + id_of("T-1"), deep, 400,
       "imbriqué sur plus de"},
      {"match status nested deep", "PATCH", "/api/matches/1", deep, 400, "JSON"},
  };
  const std::string before = model();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = send(c.method, c.target, c.body, admin_);
    EXPECT_EQ(r.status, c.status) << r.body.substr(0, 300);
    if (c.status != 413) {
      EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
      auto problem = json::parse(r.body, nullptr, false);
      ASSERT_FALSE(problem.is_discarded()) << r.body.substr(0, 300);
      EXPECT_NE(problem["detail"].get<std::string>().find(c.detail), std::string::npos)
          << problem.dump();
    }
    expect_serving();
  }
  EXPECT_EQ(model(), before);
}

}  // namespace
}  // namespace terrier::test
