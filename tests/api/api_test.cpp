// `terrier serve` on a free loopback port against real PostGIS, checked with
// a plain HTTP client and with GDAL's OAPIF driver.

#include "tests/api/api_fixture.hpp"
#include "tests/api/mvt_reader.hpp"

namespace terrier::test {
namespace {

using json = nlohmann::json;

TEST_F(ApiTest, LandingConformanceAndCollectionsFollowOgcApiFeatures) {
  auto landing = get("/ogcapi");
  ASSERT_EQ(landing.status, 200);
  auto j = json::parse(landing.body);
  std::set<std::string> rels;
  for (const auto& l : j["links"]) rels.insert(l["rel"]);
  EXPECT_EQ(rels, (std::set<std::string>{"self", "service-desc", "conformance", "data"}));
  auto conf = json::parse(get("/ogcapi/conformance").body);
  EXPECT_EQ(conf["conformsTo"][0], "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core");
  auto collections = json::parse(get("/ogcapi/collections").body);
  ASSERT_EQ(collections["collections"].size(), 4u);
  EXPECT_EQ(collections["collections"][1]["id"], "opportunities");
  EXPECT_EQ(json::parse(get("/ogcapi/api").body)["openapi"], "3.0.3");
}

// The whole API's document, and the OGC part that the landing page's
// service-desc names, served with OpenAPI's media type for this server.
TEST_F(ApiTest, TheOpenApiDocumentsAreServedForThisServer) {
  const std::string type = "application/vnd.oai.openapi+json;version=3.0";
  auto whole = get("/api/openapi.json");
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.header("Content-Type"), type);
  auto doc = json::parse(whole.body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::string server = doc["servers"][0]["url"];
  EXPECT_EQ(server, "http://127.0.0.1:" + std::to_string(port_));
  EXPECT_TRUE(doc["paths"].contains("/api/opportunities/{opportunity_id}"));
  std::string desc;
  auto landing = json::parse(get("/ogcapi").body);
  for (const auto& l : landing["links"]) {
    if (l["rel"] == "service-desc") desc = l["href"];
  }
  EXPECT_EQ(desc, server + "/ogcapi/api");
  auto ogc = get("/ogcapi/api");
  EXPECT_EQ(ogc.header("Content-Type"), type);
  auto ogc_doc = json::parse(ogc.body);
  EXPECT_EQ(ogc_doc["servers"][0]["url"], server + "/ogcapi");
  EXPECT_EQ(ogc_doc["externalDocs"]["url"], server + "/api/openapi.json");
}

TEST_F(ApiTest, ItemsAreGeoJsonWithCountsLinksAndCacheHeaders) {
  auto r = get("/ogcapi/collections/territories/items?limit=10&level=commune");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/geo+json");
  EXPECT_EQ(r.header("Cache-Control"), "no-cache");
  auto j = json::parse(r.body);
  EXPECT_EQ(j["numberMatched"], 95);
  EXPECT_EQ(j["numberReturned"], 10);
  bool has_next = false;
  for (const auto& l : j["links"]) has_next |= l["rel"] == "next";
  EXPECT_TRUE(has_next);
  // RFC 7946: lon, lat order, at most 6 decimals.
  auto coord = j["features"][0]["geometry"]["coordinates"][0][0][0];
  EXPECT_GT(coord[0].get<double>(), 2.7);
  EXPECT_LT(coord[0].get<double>(), 3.3);
  EXPECT_GT(coord[1].get<double>(), 50.4);
  std::string etag = r.header("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = http_get(port_, "/ogcapi/collections/territories/items?limit=10&level=commune",
                        "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again.status, 304);
}

TEST_F(ApiTest, TerritoryAndTextFiltersIgnoreAccentsAndCase) {
  auto r = json::parse(
      get("/ogcapi/collections/opportunities/items?territory=ROUBAIX", foundation_).body);
  EXPECT_EQ(r["numberMatched"], 2);  // T-2 and T-3
  auto q = json::parse(get("/ogcapi/collections/opportunities/items?q=ECOLE", foundation_).body);
  ASSERT_EQ(q["numberMatched"], 1);
  EXPECT_EQ(q["features"][0]["properties"]["title"], "Ancienne école Jules Ferry");
}

TEST_F(ApiTest, EachRoleSeesItsRowsAndFields) {
  auto pub = json::parse(get("/ogcapi/collections/opportunities/items").body);
  auto mem = json::parse(get("/ogcapi/collections/opportunities/items", member_).body);
  auto fnd = json::parse(get("/ogcapi/collections/opportunities/items", foundation_).body);
  EXPECT_EQ(pub["numberMatched"], 1);
  EXPECT_EQ(mem["numberMatched"], 2);
  EXPECT_EQ(fnd["numberMatched"], 3);
  for (const auto& doc : {pub, mem}) {
    for (const auto& f : doc["features"]) {
      EXPECT_FALSE(f["properties"].contains("owner_name")) << f.dump();
      EXPECT_FALSE(f["properties"].contains("notes"));
    }
  }
  std::string t1 = id_of("T-1");
  auto pub_item = get("/ogcapi/collections/opportunities/items/" + t1);
  ASSERT_EQ(pub_item.status, 200);
  EXPECT_EQ(pub_item.body.find("Commune de Lille"), std::string::npos);
  auto fnd_item =
      json::parse(get("/ogcapi/collections/opportunities/items/" + t1, foundation_).body);
  EXPECT_EQ(fnd_item["properties"]["owner_name"], "Commune de Lille");
  // A confidential row does not exist for the public, even by id.
  EXPECT_EQ(get("/ogcapi/collections/opportunities/items/" + id_of("T-3")).status, 404);
  EXPECT_EQ(get("/ogcapi/collections/opportunities/items/" + id_of("T-3"), member_).status, 404);
}

TEST_F(ApiTest, BadRequestsGetProblemDetails) {
  struct Case {
    std::string target;
    int status;
    std::string detail;
  };
  for (const auto& c : std::vector<Case>{
           {"/ogcapi/collections/opportunities/items?bbox=1,2,3", 400, "bbox"},
           {"/ogcapi/collections/opportunities/items?bbox=3,50,2,51", 400, "bbox"},
           {"/ogcapi/collections/opportunities/items?limit=10001", 400, "limit"},
           {"/ogcapi/collections/opportunities/items?limit=abc", 400, "limit"},
           {"/ogcapi/collections/opportunities/items?colour=red", 400,
            "unknown parameter 'colour'"},
           {"/ogcapi/collections/opportunities/items?kind=chateau", 400, "kind"},
           {"/ogcapi/collections/opportunities/items?territory=atlantide", 400, "territory"},
           {"/ogcapi/collections/castles/items", 404, "no collection"},
           {"/ogcapi/collections/opportunities/items/999999", 404, "no feature"},
           {"/ogcapi/nothing", 404, "no resource"},
       }) {
    auto r = get(c.target);
    EXPECT_EQ(r.status, c.status) << c.target;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json") << c.target;
    auto j = json::parse(r.body);
    EXPECT_EQ(j["status"], c.status);
    EXPECT_NE(j["detail"].get<std::string>().find(c.detail), std::string::npos) << r.body;
  }
  auto bad_token = get("/ogcapi/collections/opportunities/items", "trr_not_a_token");
  EXPECT_EQ(bad_token.status, 401);
}

TEST_F(ApiTest, Lambert93IsServedForFrenchGisUsers) {
  const std::string l93 = "http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F2154";
  auto r = get("/ogcapi/collections/opportunities/items/" + id_of("T-1") + "?crs=" + l93);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Crs"), "<http://www.opengis.net/def/crs/EPSG/0/2154>");
  auto c = json::parse(r.body)["geometry"]["coordinates"];
  // 3.05858 E, 50.63297 N in Lambert-93, as PROJ's cs2cs gives it, to the centimetre.
  EXPECT_NEAR(c[0].get<double>(), 704151.55, 0.01);
  EXPECT_NEAR(c[1].get<double>(), 7059556.74, 0.01);
  auto box = json::parse(get("/ogcapi/collections/opportunities/items?bbox=700000,7055000,710000,"
                             "7065000&bbox-crs=" +
                                 l93,
                             foundation_)
                             .body);
  EXPECT_EQ(box["numberMatched"], 1);
  EXPECT_EQ(get("/ogcapi/collections/opportunities/items?crs=EPSG:3857").status, 400);
  auto col = json::parse(get("/ogcapi/collections/opportunities").body);
  EXPECT_EQ(col["crs"][1], "http://www.opengis.net/def/crs/EPSG/0/2154");
  EXPECT_EQ(get("/ogcapi/collections/opportunities/items").header("Content-Crs"),
            "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
}

TEST_F(ApiTest, LargeCountsAreEstimatedAndSaySo) {
  // 95 communes: above a server's limit of 50; the estimate comes from the
  // planner's statistics (autovacuum gathers them in real life).
  {
    pqxx::nontransaction n(*conn_);
    n.exec0("ANALYZE territories");
  }
  stop_server();
  start_server({"--threads", "2", "--exact-count-limit", "50"});
  auto big = json::parse(get("/ogcapi/collections/territories/items?level=commune&limit=90").body);
  EXPECT_TRUE(big["numberMatchedIsEstimate"].get<bool>());
  EXPECT_GT(big["numberMatched"].get<long long>(), 0);
  // With q too (its ranking adds a parameter the estimate must not see).
  auto searched = get("/ogcapi/collections/territories/items?level=commune&q=e&limit=5");
  ASSERT_EQ(searched.status, 200) << searched.body;
  EXPECT_TRUE(json::parse(searched.body)["numberMatchedIsEstimate"].get<bool>());
  auto small = json::parse(get("/ogcapi/collections/territories/items?level=departement").body);
  EXPECT_FALSE(small["numberMatchedIsEstimate"].get<bool>());
  EXPECT_EQ(small["numberMatched"], 5);
  // Not counted (above the limit), but a last page says exactly how many.
  auto whole =
      json::parse(get("/ogcapi/collections/territories/items?level=commune&limit=1000").body);
  EXPECT_FALSE(whole["numberMatchedIsEstimate"].get<bool>());
  EXPECT_GT(whole["features"].size(), 50u);
  EXPECT_EQ(whole["numberMatched"], whole["features"].size());
}

TEST_F(ApiTest, StaticFilesNeverLeaveTheWebRoot) {
  for (const char* target : {"/%2Fetc%2Fpasswd", "/..%2F..%2F..%2Fetc%2Fpasswd",
                             "/../../etc/passwd", "/%2Fproc%2Fself%2Fenviron", "/.git%2Fconfig"}) {
    auto r = get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("TERRIER"), std::string::npos) << target;
  }
}

TEST_F(ApiTest, HealthzSaysTheDatabaseIsReachable) {
  auto r = get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["database"], "reachable");
}

TEST_F(ApiTest, GdalOapifClientReadsEveryCollectionAndPagesThroughOne) {
  std::string url = "OAPIF:http://127.0.0.1:" + std::to_string(port_) + "/ogcapi";
  auto info = run_command("ogrinfo -ro -so " + url);
  for (const char* c : {"1: places", "2: opportunities", "3: needs", "4: territories"}) {
    EXPECT_NE(info.find(c), std::string::npos) << info;
  }
  std::string out = "/tmp/terrier-oapif-" + db_.name() + ".geojson";
  // A page size of 7 makes the client follow the next links 14 times.
  auto copy = run_command("ogr2ogr -f GeoJSON " + out + " " + url +
                          " territories -oo PAGE_SIZE=7 -where \"level = 'commune'\"");
  auto copied = run_command("ogrinfo -ro -so " + out + " territories");
  std::remove(out.c_str());
  EXPECT_NE(copied.find("Feature Count: 95"), std::string::npos) << copy << copied;
}

TEST_F(ApiTest, VectorTilesHoldWhatEachRoleMaySee) {
  // Tile 9/260/172 covers Lille and Roubaix: T-1 (public), T-2 (réseau), T-3 (confidentiel).
  // At zoom 9 it holds clusters: their counts add up to the opportunities.
  auto count_in_tile = [&](const std::string& query, const std::string& bearer) {
    auto r = get("/tiles/opportunities/9/260/172.mvt" + query, bearer);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "application/vnd.mapbox-vector-tile");
    long long n = 0;
    for (const auto& f : read_mvt_layer(r.body, "opportunities")) {
      EXPECT_TRUE(f.has("count"));
      n += static_cast<long long>(f.number("count"));
    }
    return n;
  };
  EXPECT_EQ(count_in_tile("", ""), 1);
  EXPECT_EQ(count_in_tile("", member_), 2);
  EXPECT_EQ(count_in_tile("", foundation_), 3);
  EXPECT_EQ(count_in_tile("?kind=commerce", foundation_), 1);
  auto r = get("/tiles/opportunities/9/260/172.mvt", foundation_);
  EXPECT_EQ(r.body.find("Commune de Lille"), std::string::npos) << "owner name in a tile";
  EXPECT_EQ(get("/tiles/opportunities/9/999/172.mvt").status, 400);
  EXPECT_EQ(get("/tiles/opportunities/9/260/172.mvt?limit=5").status, 400);
}

class ApiMatches : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    need_ = add_matched_need();
  }
  std::string need_;
};

TEST_F(ApiMatches, ANeedsMatchesShowOnlyTheOpportunitiesTheRoleMaySee) {
  auto pub = get("/api/needs/" + need_ + "/matches");
  ASSERT_EQ(pub.status, 200) << pub.body;
  auto pj = json::parse(pub.body);
  ASSERT_EQ(pj["features"].size(), 1u) << pub.body;
  EXPECT_EQ(pj["features"][0]["properties"]["opportunity_id"].get<long long>(),
            std::stoll(id_of("T-1")));
  EXPECT_FALSE(pj["features"][0]["properties"]["reasons"].empty());
  auto fj = json::parse(get("/api/needs/" + need_ + "/matches", foundation_).body);
  EXPECT_EQ(fj["features"].size(), 2u);  // T-3 is "en discussion": not matched
  EXPECT_EQ(pub.body.find("06 00 00 00 00"), std::string::npos);
  // The public cannot ask about a building of the network.
  EXPECT_EQ(get("/api/opportunities/" + id_of("T-2") + "/matches").status, 404);
  auto om = json::parse(get("/api/opportunities/" + id_of("T-2") + "/matches", member_).body);
  ASSERT_EQ(om["features"].size(), 1u);
  EXPECT_EQ(om["features"][0]["properties"]["collective_name"], "Collectif du Nord");
  EXPECT_EQ(get("/api/needs/999999/matches").status, 404);
}

TEST_F(ApiMatches, TheLandGroupSetsAMatchStatus) {
  std::string match = value(
      "SELECT m.id FROM matches m JOIN opportunities o ON o.id = "
      "m.opportunity_id WHERE o.external_id = 'T-1'");
  auto patch = [&](const std::string& id, const std::string& body, const std::string& bearer) {
    std::string headers =
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n" + (bearer.empty() ? "" : "Authorization: Bearer " + bearer + "\r\n");
    return http_request(port_, "PATCH", "/api/matches/" + id, headers, body);
  };
  EXPECT_EQ(patch(match, R"({"status":"visite"})", "").status, 401);
  EXPECT_EQ(patch(match, R"({"status":"vendu"})", member_).status, 400);
  EXPECT_EQ(patch("999999", R"({"status":"visite"})", member_).status, 404);
  auto ok = patch(match, R"({"status":"visite"})", member_);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(value("SELECT status || ' ' || status_changed_by FROM matches WHERE id = " + match),
            "visite test-member");
  // A member cannot touch a match on a building it may not see.
  {
    pqxx::work w(*conn_);
    w.exec0("UPDATE opportunities SET visibility = 'confidentiel' WHERE external_id = 'T-1'");
    w.commit();
  }
  EXPECT_EQ(patch(match, R"({"status":"accord"})", member_).status, 404);
  EXPECT_EQ(patch(match, R"({"status":"accord"})", foundation_).status, 200);
}

TEST_F(ApiMatches, AssignmentOverATerritory) {
  auto r = get("/api/assignment?territory=lille-59350", foundation_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  ASSERT_EQ(j["assignment"].size(), 1u);
  EXPECT_EQ(j["assignment"][0]["opportunity_id"].get<long long>(), std::stoll(id_of("T-1")));
  EXPECT_EQ(get("/api/assignment?territory=atlantide", foundation_).status, 400);
  EXPECT_EQ(get("/api/assignment?territory=lille-59350").status, 401);
}

TEST_F(ApiTest, MetricsCountRequestsInPrometheusFormat) {
  get("/ogcapi/collections");
  get("/ogcapi/nothing");
  // Routes, traffic and the pool are for admins only.
  auto anonymous = get("/metrics");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(anonymous.body.find("terrier_http"), std::string::npos);
  EXPECT_EQ(get("/metrics", foundation_).status, 403);
  EXPECT_EQ(get("/metrics", member_).status, 403);
  auto r = get("/metrics", token("admin"));
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(
      r.body.find("terrier_http_requests_total{route=\"/ogcapi/collections\",status=\"200\"} 1"),
      std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("status=\"404\"} 1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("terrier_http_request_duration_seconds_count"), std::string::npos);
  EXPECT_NE(r.body.find("terrier_db_pool_connections{state=\"max\"} 8"), std::string::npos);
}

TEST_F(ApiTest, ExportsATerritoryForTheRolesThatMay) {
  std::string target = "/api/territories/lille-59350/export?format=geojson";
  EXPECT_EQ(get(target).status, 401);
  EXPECT_EQ(get(target, member_).status, 403);
  EXPECT_EQ(get(target, token("animator", "roubaix-59512", "a")).status, 403);

  auto r = get(target, foundation_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/geo+json");
  EXPECT_NE(r.header("Content-Disposition").find("attachment; filename=\"terrier-lille-59350-"),
            std::string::npos);
  auto j = json::parse(r.body);
  std::map<std::string, int> layers;
  for (const auto& f : j["features"]) ++layers[f["properties"]["couche"].get<std::string>()];
  EXPECT_EQ(layers["territoire"], 1);
  EXPECT_EQ(layers["opportunites"], 1);  // T-1 is in Lille; T-2 and T-3 in Roubaix
  EXPECT_NE(r.body.find("Commune de Lille"), std::string::npos);  // foundations see owners

  auto roubaix =
      get("/api/territories/roubaix-59512/export?format=gpkg&kind=commerce", foundation_);
  ASSERT_EQ(roubaix.status, 200);
  std::string file = "/tmp/terrier-export-" + db_.name() + ".gpkg";
  std::ofstream(file, std::ios::binary) << roubaix.body;
  auto info = run_command("ogrinfo -ro -so " + file + " opportunites");
  std::remove(file.c_str());
  EXPECT_NE(info.find("Feature Count: 1"), std::string::npos) << info;  // T-2 only: a commerce

  EXPECT_EQ(get("/api/territories/lille-59350/export?format=shp", foundation_).status, 400);
  EXPECT_EQ(get("/api/territories/atlantide/export", foundation_).status, 404);
}

TEST_F(ApiTest, CliExportToAnUnwritablePlaceFailsWithoutAPartialFile) {
  auto bad = run_terrier("export --territory lille-59350 --format gpkg -o /proc/terrier.gpkg",
                         "TERRIER_DATABASE_URL=" + db_.url());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("export failed, nothing written"), std::string::npos) << bad.output;
  std::string file = "/tmp/terrier-cli-" + db_.name() + ".kml";
  auto ok = run_terrier("export --territory lille-59350 --format kml -o " + file,
                        "TERRIER_DATABASE_URL=" + db_.url());
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  auto info = run_command("ogrinfo -ro -so " + file);
  std::remove(file.c_str());
  EXPECT_NE(info.find("territoire"), std::string::npos) << info;
}

TEST_F(ApiTest, CliExportWithoutTerritoryHoldsEveryOpportunityAndNoOutline) {
  std::string file = "/tmp/terrier-cli-all-" + db_.name() + ".geojson";
  auto ok = run_terrier("export --format geojson --layers opportunities -o " + file,
                        "TERRIER_DATABASE_URL=" + db_.url());
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  auto info = run_command("ogrinfo -ro -so -al " + file);
  std::remove(file.c_str());
  pqxx::read_transaction r(*conn_);
  long long all = r.exec1("SELECT count(*) FROM opportunities")[0].as<long long>();
  ASSERT_GT(all, 1);
  EXPECT_NE(info.find("Feature Count: " + std::to_string(all)), std::string::npos) << info;
}

class ApiWrites : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = token("admin");
  }
  std::string admin_;
};

TEST_F(ApiWrites, AnAdminCreatesUpdatesAndDeletesAnOpportunityWithAnAuditTrail) {
  const std::string feature = R"({"type": "Feature",
    "geometry": {"type": "Point", "coordinates": [3.0606, 50.6359]},
    "properties": {"title": "Atelier rue de Paris", "kind": "atelier", "built_surface_m2": 180,
                   "tenures": ["bcus", "location"], "rent_eur_month": 900,
                   "visibility": "public", "owner_name": "SCI Rue de Paris"}})";
  EXPECT_EQ(send("POST", "/api/opportunities", feature, "").status, 401);
  EXPECT_EQ(send("POST", "/api/opportunities", feature, foundation_).status, 403);
  auto created = send("POST", "/api/opportunities", feature, admin_);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = std::to_string(json::parse(created.body)["id"].get<long long>());
  EXPECT_EQ(value("SELECT title || ' ' || commune_insee || ' ' || tenures::text FROM opportunities "
                  "WHERE id = " +
                  id),
            "Atelier rue de Paris 59350 {bcus,location}");
  // The public sees it at once, without the owner.
  auto pub = get("/ogcapi/collections/opportunities/items/" + id);
  ASSERT_EQ(pub.status, 200);
  EXPECT_EQ(pub.body.find("SCI Rue de Paris"), std::string::npos);

  auto patched = send("PATCH", "/api/opportunities/" + id, R"({"rent_eur_month": 950})", admin_);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(
      value("SELECT rent_eur_month || ' ' || built_surface_m2 FROM opportunities WHERE id = " + id),
      "950 180");
  EXPECT_EQ(send("DELETE", "/api/opportunities/" + id, "", admin_).status, 204);
  EXPECT_EQ(get("/ogcapi/collections/opportunities/items/" + id).status, 404);
  EXPECT_EQ(value("SELECT string_agg(action || ':' || actor, ',' ORDER BY id) FROM audit_log "
                  "WHERE entity = 'opportunity' AND entity_id = " +
                  id),
            "create:test-admin,update:test-admin,delete:test-admin");
  EXPECT_EQ(value("SELECT before->>'rent_eur_month' || ' ' || (after->>'rent_eur_month') FROM "
                  "audit_log WHERE action = 'update' AND entity_id = " +
                  id),
            "900 950");
}

TEST_F(ApiWrites, InvalidBodiesAreRefusedByTheImportersRulesAndChangeNothing) {
  std::string before = snapshot();
  auto r = send(
      "POST", "/api/opportunities",
      R"({"title": "Château", "kind": "château", "built_surface_m2": -5, "lat": 48.85, "lon": 2.35})",
      admin_);
  EXPECT_EQ(r.status, 400);
  // The first refused field is named for the page, every one is in "errors",
  // and the detail is in French.
  auto problem = json::parse(r.body);
  EXPECT_EQ(problem["field"], "kind");
  ASSERT_EQ(problem["errors"].size(), 3u) << r.body;
  EXPECT_EQ(problem["errors"][1]["field"], "built_surface_m2");
  EXPECT_EQ(problem["errors"][1]["detail"],
            "Surface bâtie (m²) (built_surface_m2) : doit être supérieur à 0 (« -5 »)");
  // Each refusal's code and parameters, for a client that words it itself.
  EXPECT_EQ(problem["errors"][1]["code"], "greater_than");
  EXPECT_EQ(problem["errors"][1]["params"], json::array({"0"}));
  EXPECT_EQ(problem["errors"][0]["code"], "unknown_term");
  EXPECT_EQ(problem["errors"][2]["code"], "outside_region");
  EXPECT_EQ(problem["errors"][2]["field"], "lat");  // Paris
  EXPECT_NE(problem["errors"][2]["detail"].get<std::string>().find("hors des Hauts-de-France"),
            std::string::npos);
  auto detail = problem["detail"].get<std::string>();
  EXPECT_NE(detail.find("Type de bien (kind) : « château » : valeur inconnue pour « type de bien » "
                        "(valeurs : bureau, "),
            std::string::npos)
      << detail;
  EXPECT_EQ(send("POST", "/api/opportunities", "{not json", admin_).status, 400);
  EXPECT_EQ(send("POST", "/api/opportunities",
                 R"({"title": "x", "kind": "bureau", "colour": "red", "lat": 50.63, "lon": 3.06})",
                 admin_)
                .status,
            400);
  EXPECT_EQ(send("PATCH", "/api/opportunities/999999", R"({"title": "x"})", admin_).status, 404);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(ApiWrites, AnAnimatorWritesNeedsInsideItsCircleOnly) {
  const std::string animator = token("animator", "lille-59350", "anim-lille");
  const std::string inside = R"({"collective_name": "Recyclerie de Fives", "surface_min_m2": 200,
    "surface_max_m2": 600, "lat": 50.628, "lon": 3.087, "radius_km": 5})";
  // What the animator may not read it may not write: the collective's contact.
  auto with_contact =
      send("POST", "/api/needs",
           inside.substr(0, inside.size() - 1) + R"(, "contact": "06 11 22 33 44"})", animator);
  EXPECT_EQ(with_contact.status, 403);
  EXPECT_EQ(json::parse(with_contact.body)["field"], "contact");
  const std::string outside =
      R"({"collective_name": "Café de Roubaix", "lat": 50.69, "lon": 3.18, "radius_km": 3})";
  auto ok = send("POST", "/api/needs", inside, animator);
  EXPECT_EQ(ok.status, 201) << ok.body;
  std::string before = snapshot();
  EXPECT_EQ(send("POST", "/api/needs", outside, animator).status, 403);
  EXPECT_EQ(snapshot(), before);  // the refused insert was rolled back
  EXPECT_EQ(send("POST", "/api/opportunities",
                 R"({"title": "x", "kind": "bureau", "lat": 50.63, "lon": 3.06})", animator)
                .status,
            403);
  // An animator cannot take over another row by naming its reference.
  EXPECT_EQ(
      send(
          "POST", "/api/needs",
          R"({"external_id": "N-1", "collective_name": "x", "lat": 50.628, "lon": 3.087, "radius_km": 5})",
          animator)
          .status,
      400);
  // Its PATCH answers without the collective's contact.
  std::string id = std::to_string(json::parse(ok.body)["id"].get<long long>());
  ASSERT_EQ(send("PATCH", "/api/needs/" + id, R"({"contact": "06 11 22 33 44"})", admin_).status,
            200);
  EXPECT_EQ(send("PATCH", "/api/needs/" + id, R"({"notes": "x"})", animator).status, 403);
  auto patched = send("PATCH", "/api/needs/" + id, R"({"surface_max_m2": 700})", animator);
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.body.find("06 11 22 33 44"), std::string::npos);
  EXPECT_EQ(send("PATCH", "/api/needs/" + id, "{\"a\": \"\xff\"}", animator).status, 400);
  // Nobody but foundations and admins reads the collective's contact.
  EXPECT_EQ(get("/ogcapi/collections/needs/items").body.find("06 11 22 33 44"), std::string::npos);
  EXPECT_NE(get("/ogcapi/collections/needs/items", foundation_).body.find("06 11 22 33 44"),
            std::string::npos);
}

TEST_F(ApiWrites, AnAdminUploadsASpreadsheetAndGetsTheImportReport) {
  std::ifstream in(fixture("conventions/mixed_rows.csv"), std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(send("POST", "/api/imports?kind=opportunities", file, foundation_).status, 403);
  auto strict = send("POST", "/api/imports?kind=opportunities&strict=true", file, admin_);
  EXPECT_EQ(strict.status, 422);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id LIKE 'G-%'"), 0);
  auto r = send("POST", "/api/imports?kind=opportunities&source=groupe-foncier", file, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["summary"], "read 8, inserted 2, updated 0, unchanged 0, rejected 6");
  EXPECT_EQ(j["issues"][0]["line"], 3);
  EXPECT_EQ(j["issues"][0]["column"], "Surface bâtie (m²)");
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'import'"), 1);

  std::ifstream tin(fixture("conventions/truncated.csv"), std::ios::binary);
  std::string truncated((std::istreambuf_iterator<char>(tin)), {});
  auto bad = send("POST", "/api/imports?kind=opportunities", truncated, admin_);
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(json::parse(bad.body)["detail"].get<std::string>().rfind("ligne 4 : ", 0), 0u)
      << bad.body;
  EXPECT_EQ(bad.body.find("/tmp/"), std::string::npos) << "a server path leaked: " << bad.body;
}

TEST_F(ApiWrites, ADryRunUploadShowsTheHeaderReadingAndTheReportAndWritesNothing) {
  std::ifstream in(fixture("conventions/mixed_rows.csv"), std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), {});
  std::string before = snapshot();
  auto runs = count("SELECT count(*) FROM audit_log WHERE action = 'import'");
  auto r = send("POST", "/api/imports?kind=opportunities&dry_run=true&source=groupe-foncier", file,
                admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["dry_run"], true);
  EXPECT_EQ(j["committed"], false);
  EXPECT_EQ(j["inserted"], 2);
  EXPECT_EQ(j["rejected"], 6);
  ASSERT_EQ(j["header"].size(), 20u) << j["header"].dump();
  EXPECT_EQ(j["header"][0]["column"], "Réf.");
  EXPECT_EQ(j["header"][0]["field"], "external_id");
  EXPECT_EQ(j["header"][9]["column"], "Surface bâtie (m²)");
  EXPECT_EQ(j["header"][9]["field"], "built_surface_m2");
  EXPECT_EQ(j["issues"][0]["line"], 3);
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'import'"), runs);
  EXPECT_EQ(send("POST", "/api/imports?kind=opportunities&dry_run=maybe", file, admin_).status,
            400);
  EXPECT_EQ(send("POST", "/api/imports?kind=opportunities&dry_run=true", file, foundation_).status,
            403);
}

// Every role against every path that returns opportunities: the rows it
// sees and whether an owner's name ever reaches it.
TEST_F(ApiMatches, RoleByEndpointMatrix) {
  const std::string admin = token("admin");
  const std::string animator = token("animator", "lille-59350", "anim");
  struct Expect {
    std::string name, token;
    int items;         // opportunities listed
    bool owner;        // owner names visible
    int t2_item;       // status of GET item T-2 (réseau)
    int need_matches;  // matches listed for the need
    int export_lille;  // status of the Lille export
  };
  const std::vector<Expect> matrix = {
      {"public", "", 1, false, 404, 1, 401},
      {"member", member_, 2, false, 200, 2, 403},
      {"animator", animator, 2, false, 200, 2, 200},
      {"foundation", foundation_, 3, true, 200, 2, 200},
      {"admin", admin, 3, true, 200, 2, 200},
  };
  for (const auto& e : matrix) {
    SCOPED_TRACE(e.name);
    auto items = get("/ogcapi/collections/opportunities/items", e.token);
    EXPECT_EQ(json::parse(items.body)["numberMatched"], e.items);
    EXPECT_EQ(items.body.find("SCI Les Tilleuls") != std::string::npos, e.owner);
    auto t2 = get("/ogcapi/collections/opportunities/items/" + id_of("T-2"), e.token);
    EXPECT_EQ(t2.status, e.t2_item);
    EXPECT_EQ(t2.body.find("SCI Les Tilleuls") != std::string::npos, e.owner && e.t2_item == 200);
    auto tile = get("/tiles/opportunities/9/260/172.mvt", e.token);
    EXPECT_EQ(tile.status, 200);
    EXPECT_EQ(tile.body.find("Tilleuls"), std::string::npos);  // never in tiles
    auto matches = get("/api/needs/" + need_ + "/matches", e.token);
    EXPECT_EQ(json::parse(matches.body)["features"].size(),
              static_cast<std::size_t>(e.need_matches));
    EXPECT_EQ(matches.body.find("Tilleuls"), std::string::npos);
    auto exp = get("/api/territories/lille-59350/export", e.token);
    EXPECT_EQ(exp.status, e.export_lille);
    if (exp.status == 200) {
      EXPECT_EQ(exp.body.find("Commune de Lille") != std::string::npos, e.owner);
    }
    // Error bodies name no confidential value either.
    auto err = get("/ogcapi/collections/opportunities/items?q=Tilleuls&colour=x", e.token);
    EXPECT_EQ(err.status, 400);
    EXPECT_EQ(err.body.find("SCI"), std::string::npos);
  }
}

// The whole demo data set behind the server, as ./scripts/demo serves it.
class ApiDemo : public ApiTest {
 protected:
  ApiDemo() : ApiTest(demo_template(/*with_friches=*/true)) {}

  void SetUp() override {
    conn_ = db_.connect();
    match_all();
    start_server();
    foundation_ = token("foundation");
  }
};

TEST_F(ApiDemo, EveryEndpointAnswersOnTheDemoData) {
  auto mel = json::parse(get("/ogcapi/collections/opportunities/items?territory=mel&limit=5").body);
  EXPECT_EQ(mel["numberMatched"].get<long long>(),
            count("SELECT count(*) FROM opportunities o WHERE visibility = 'public' AND "
                  "ST_Intersects(o.point, (SELECT geom FROM territories WHERE slug = 'mel'))"));
  EXPECT_EQ(mel["numberReturned"], 5);
  auto places = json::parse(get("/ogcapi/collections/places/items?territory=mel").body);
  EXPECT_GT(places["numberMatched"].get<long long>(), 20);  // 21 places share Lille's point
  auto circles = json::parse(get("/ogcapi/collections/territories/items?level=circle").body);
  EXPECT_EQ(circles["numberReturned"], 9);
  auto friches = json::parse(
      get("/ogcapi/collections/opportunities/items?kind=friche&q=filature&limit=1").body);
  EXPECT_GT(friches["numberMatched"].get<long long>(), 0);
  auto tile = get("/tiles/opportunities/8/130/86.mvt");  // Lille and the mining basin
  EXPECT_EQ(tile.status, 200);
  EXPECT_GT(tile.body.size(), 1000u);
  std::string need = value("SELECT id FROM needs WHERE external_id = 'BES-2025-03'");
  auto matches = json::parse(get("/api/needs/" + need + "/matches", foundation_).body);
  ASSERT_FALSE(matches["features"].empty());
  EXPECT_EQ(matches["features"][0]["properties"]["opportunity_id"].get<long long>(),
            std::stoll(value("SELECT id FROM opportunities WHERE external_id = 'OPP-2024-159'")));
  auto assignment = get("/api/assignment?territory=bassin-minier", foundation_);
  EXPECT_EQ(assignment.status, 200);
  auto exp = get("/api/territories/mel/export?format=geojson&layers=places", foundation_);
  ASSERT_EQ(exp.status, 200);
  EXPECT_EQ(static_cast<long long>(json::parse(exp.body)["features"].size()),
            1 + count("SELECT count(*) FROM places p JOIN territories t ON t.slug = 'mel' "
                      "WHERE ST_Intersects(p.geom, t.geom)"));  // the outline and the places
  std::string url = "OAPIF:http://127.0.0.1:" + std::to_string(port_) + "/ogcapi";
  EXPECT_NE(run_command("ogrinfo -ro -so " + url + " opportunities").find("Feature Count"),
            std::string::npos);
}

// A database of its own, stopped and started again under the server.
TEST(ApiRecovery, ServesErrorsWhileTheDatabaseIsDownThenRecoversWithoutARestart) {
  char tmpl[] = "/tmp/terrier-recovery-XXXXXX";
  std::string home = mkdtemp(tmpl);
  chmod(home.c_str(), 0755);
  int port = 0;
  {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    close(fd);
  }
  std::string env =
      "-u TERRIER_DATABASE_URL TERRIER_HOME=" + home + " TERRIER_DB_PORT=" + std::to_string(port);
  ASSERT_EQ(run_terrier("db start", env).exit_code, 0);
  ASSERT_EQ(run_terrier("migrate", env).exit_code, 0);
  std::string url = run_terrier("db url", env).output;
  url.pop_back();

  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("TERRIER_DATABASE_URL", url.c_str(), 1);
    allow_broken_connection_leak();
    dup2(out[1], STDOUT_FILENO);
    execl(TERRIER_BINARY, "terrier", "serve", "--listen", "127.0.0.1:0", nullptr);
    _exit(127);
  }
  close(out[1]);
  // Whatever fails below, the server is stopped and the cluster with it:
  // a server left running would hold ctest's output pipe open for ever.
  struct StopAll {
    pid_t pid;
    std::string env;
    ~StopAll() {
      if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
      run_terrier("db stop", env);
    }
  } stop_all{pid, env};
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(line, m, std::regex(R"(127\.0\.0\.1:(\d+)/)"))) << line;
  int http = std::stoi(m[1].str());

  EXPECT_EQ(http_get(http, "/healthz").status, 200);
  ASSERT_EQ(run_terrier("db stop", env).exit_code, 0);
  auto down = http_get(http, "/ogcapi/collections/opportunities/items");
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(http_get(http, "/healthz").status, 503);
  ASSERT_EQ(run_terrier("db start", env).exit_code, 0);
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    status = http_get(http, "/ogcapi/collections/opportunities/items").status;
    if (status != 200) usleep(100000);
  }
  EXPECT_EQ(status, 200) << "the server did not recover";

  kill(pid, SIGTERM);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  stop_all.pid = 0;
  close(out[0]);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  run_terrier("db stop", env);
  run_command("rm -rf " + home);
}

}  // namespace
}  // namespace terrier::test
