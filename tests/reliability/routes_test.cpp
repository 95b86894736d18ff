// Every route for every role: the statuses the rules say, no confidential
// value where it may not go, security headers, and CORS as configured.

#include "tests/reliability/reliability_fixture.hpp"

namespace terrier::test {
namespace {

TEST_F(Reliability, ThePageAndTheApiCarrySecurityHeadersAndNoCorsByDefault) {
  auto page = get("/");
  ASSERT_EQ(page.status, 200);
  std::string csp = page.header("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(page.header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(page.header("X-Content-Type-Options"), "nosniff");
  auto api = get("/ogcapi/collections");
  EXPECT_EQ(api.header("Access-Control-Allow-Origin"), "");
  auto cross = http_get(port_, "/ogcapi/collections", "Origin: https://evil.example\r\n");
  EXPECT_EQ(cross.header("Access-Control-Allow-Origin"), "");
  auto preflight =
      http_request(port_, "OPTIONS", "/api/opportunities",
                   "Origin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n", "");
  EXPECT_NE(preflight.status, 204);
  EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), "");
}

// Every route, for every role: the status the rules say, and never a
// confidential value (owners, contacts, notes) in any body, error bodies and
// tiles included, for a role that may not read it.
TEST_F(Reliability, EveryRouteForEveryRole) {
  const std::string animator = token("animator", "lille-59350", "anim");
  const std::string need =
      R"({"type":"Feature","geometry":{"type":"Point","coordinates":[3.06,50.63]},)"
      R"("properties":{"collective_name":"Collectif Test","surface_min_m2":100,"radius_km":5,)"
      R"("contact":"besoin-secret@example.org","notes":"note-secrete-besoin"}})";
  auto created = send("POST", "/api/needs", need, admin_);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string need_id = std::to_string(json::parse(created.body)["id"].get<long long>());
  match_all();
  const std::string t1 = id_of("T-1"), t3 = id_of("T-3");
  const std::vector<std::string> secrets = {
      "Commune de Lille", "Vanneste",     "SCI Les Tilleuls", "contact@example.fr",
      "amiante",          "Visite faite", "besoin-secret",    "note-secrete-besoin"};
  struct Route {
    std::string method, target, body;
    std::array<int, 5> status;  // public, member, animator (Lille), foundation, admin
  };
  const std::string bad_opportunity = R"({"kind": "château"})";
  const std::string bad_need = R"({"surface_min_m2": -5})";
  const std::vector<Route> routes = {
      {"GET", "/", "", {200, 200, 200, 200, 200}},
      {"GET", "/healthz", "", {200, 200, 200, 200, 200}},
      {"GET", "/metrics", "", {401, 403, 403, 403, 200}},
      {"GET", "/api/session", "", {200, 200, 200, 200, 200}},
      {"GET", "/api/map-config", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/conformance", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/api", "", {200, 200, 200, 200, 200}},
      {"GET", "/api/openapi.json", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/opportunities", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/opportunities/items?limit=50", "", {200, 200, 200, 200, 200}},
      {"GET",
       "/ogcapi/collections/opportunities/"
       "items?crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F2154",
       "",
       {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/needs/items", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/places/items", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/territories/items?limit=3", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/opportunities/items/" + t1, "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/opportunities/items/" + t3, "", {404, 404, 404, 200, 200}},
      {"GET", "/ogcapi/collections/needs/items/" + need_id, "", {200, 200, 200, 200, 200}},
      {"GET",
       "/ogcapi/collections/opportunities/items?q=Tilleuls&colour=x",
       "",
       {400, 400, 400, 400, 400}},
      {"GET", "/ogcapi/collections/opportunities/queryables", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/needs/schema", "", {200, 200, 200, 200, 200}},
      // A filter, an order or a property on a confidential field: refused
      // to the roles that may not read it, as an unknown property is.
      {"GET",
       "/ogcapi/collections/opportunities/items?filter=owner_name%20LIKE%20%27Commune%25%27",
       "",
       {400, 400, 400, 200, 200}},
      {"GET",
       "/ogcapi/collections/needs/items?filter=contact%20LIKE%20%27besoin%25%27&sortby=-notes",
       "",
       {400, 400, 400, 200, 200}},
      {"GET",
       "/ogcapi/collections/opportunities/items?properties=title,owner_contact",
       "",
       {400, 400, 400, 200, 200}},
      {"GET", "/tiles/opportunities/9/260/172.mvt", "", {200, 200, 200, 200, 200}},
      {"GET", "/tiles/needs/9/260/172.mvt", "", {200, 200, 200, 200, 200}},
      {"GET", "/tiles/places/9/260/172.mvt", "", {200, 200, 200, 200, 200}},
      {"GET", "/tiles/territories/9/260/172.mvt", "", {200, 200, 200, 200, 200}},
      {"GET", "/api/needs/" + need_id + "/matches", "", {200, 200, 200, 200, 200}},
      {"GET", "/api/opportunities/" + t1 + "/matches", "", {200, 200, 200, 200, 200}},
      {"GET", "/api/opportunities/" + t3 + "/matches", "", {404, 404, 404, 200, 200}},
      {"PATCH", "/api/matches/999999", R"({"status":"contacté"})", {401, 404, 403, 404, 404}},
      {"GET", "/api/assignment?territory=lille-59350", "", {401, 200, 200, 200, 200}},
      {"GET", "/api/territories/lille-59350/export?format=geojson", "", {401, 403, 200, 200, 200}},
      {"GET", "/api/territories/roubaix-59512/export?format=csv", "", {401, 403, 403, 200, 200}},
      {"POST", "/api/imports?kind=opportunities", "", {401, 403, 403, 403, 400}},
      {"POST", "/api/opportunities", bad_opportunity, {401, 400, 403, 403, 400}},
      {"POST", "/api/needs", bad_need, {401, 400, 400, 403, 400}},
      {"PATCH", "/api/opportunities/" + t1, bad_opportunity, {401, 400, 403, 403, 400}},
      {"PATCH", "/api/needs/" + need_id, bad_need, {401, 400, 400, 403, 400}},
      {"DELETE", "/api/opportunities/999999", "", {401, 404, 403, 403, 404}},
      {"DELETE", "/api/needs/999999", "", {401, 404, 404, 403, 404}},
      {"PATCH", "/api/opportunities/" + t3, bad_opportunity, {401, 404, 403, 403, 400}},
      {"GET", "/api/imports/progress/0123456789abcdef", "", {401, 200, 200, 200, 200}},
      {"GET", "/api/requests/export?format=csv", "", {401, 200, 200, 200, 200}},
      {"GET", "/api/nothing", "", {404, 404, 404, 404, 404}},
      {"PUT", "/ogcapi/collections", "", {405, 405, 405, 405, 405}},
  };
  const std::array<std::string, 5> names = {"public", "member", "animator", "foundation", "admin"};
  const std::array<std::string, 5> tokens = {"", member_, animator, foundation_, admin_};
  const std::string before = model();
  for (const auto& route : routes) {
    for (std::size_t role = 0; role < 5; ++role) {
      SCOPED_TRACE(names[role] + " " + route.method + " " + route.target);
      std::string headers =
          tokens[role].empty() ? "" : "Authorization: Bearer " + tokens[role] + "\r\n";
      headers += "Content-Length: " + std::to_string(route.body.size()) + "\r\n";
      auto r = http_request(port_, route.method, route.target, headers, route.body);
      EXPECT_EQ(r.status, route.status[role]) << r.body.substr(0, 300);
      if (route.target == "/api/session") {
        EXPECT_EQ(json::parse(r.body)["role"], names[role]);
      }
      if (names[role] == "foundation" || names[role] == "admin") continue;
      std::string everything = r.headers + r.body;
      if (route.target.find("/export") != std::string::npos && r.status == 200) {
        // The body is a file sent from disk; read as text all the same.
        everything = r.body;
      }
      for (const auto& secret : secrets) {
        EXPECT_EQ(everything.find(secret), std::string::npos)
            << secret << " reached " << names[role];
      }
    }
  }
  EXPECT_EQ(model(), before) << "a refused or invalid write changed nothing";
  // Foundations do read them.
  EXPECT_NE(
      get("/ogcapi/collections/needs/items/" + need_id, foundation_).body.find("besoin-secret"),
      std::string::npos);
  EXPECT_NE(get("/ogcapi/collections/opportunities/items/" + t1, foundation_).body.find("Vanneste"),
            std::string::npos);
}

// With TERRIER_CORS_ORIGINS, the named origin (and only it) may call the API
// from its pages.
TEST_F(Reliability, CorsAllowsOnlyTheConfiguredOrigins) {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  setenv("TERRIER_CORS_ORIGINS", "https://carte.tiers-lieux.example", 1);
  start_server();
  unsetenv("TERRIER_CORS_ORIGINS");
  auto allowed =
      http_get(port_, "/ogcapi/collections", "Origin: https://carte.tiers-lieux.example\r\n");
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), "https://carte.tiers-lieux.example");
  EXPECT_EQ(allowed.header("Vary"), "Origin");
  auto preflight = http_request(
      port_, "OPTIONS", "/api/opportunities",
      "Origin: https://carte.tiers-lieux.example\r\nAccess-Control-Request-Method: POST\r\n", "");
  EXPECT_EQ(preflight.status, 204);
  EXPECT_NE(preflight.header("Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
  auto other = http_get(port_, "/ogcapi/collections", "Origin: https://evil.example\r\n");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.header("Access-Control-Allow-Origin"), "");
}

}  // namespace
}  // namespace terrier::test
