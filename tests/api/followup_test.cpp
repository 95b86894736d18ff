// The follow-up of matches, histories, ETags and If-Match, "à revérifier",
// against a real `terrier serve` and PostGIS.

#include "tests/api/followup_fixture.hpp"

namespace terrier::test {
namespace {

TEST_F(FollowupTest, AMatchMovesAlongWithANoteAndItsHistorySaysWhoAndWhen) {
  std::string match = match_of("T-1");
  EXPECT_EQ(send("PATCH", "/api/matches/" + match, R"({"status":"visite"})", "").status, 401);
  auto bad = send("PATCH", "/api/matches/" + match, R"({"status":"vendu"})", member_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["field"], "status") << bad.body;
  EXPECT_EQ(send("PATCH", "/api/matches/" + match, R"({"status":"contacté"})", animator_).status,
            403);

  auto ok = send("PATCH", "/api/matches/" + match,
                 R"({"status":"contacté","note":"Appel au propriétaire"})", member_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_FALSE(ok.header("ETag").empty());
  auto j = json::parse(ok.body);
  EXPECT_EQ(j["status"], "contacté");
  EXPECT_EQ(j["note"], "Appel au propriétaire");
  EXPECT_EQ(j["status_changed_by"], "test-member");
  EXPECT_EQ(j["opportunity"]["title"], "Ancienne école Jules Ferry");
  EXPECT_EQ(j["need"]["title"], "Collectif du Nord");
  ASSERT_EQ(send("PATCH", "/api/matches/" + match, R"({"status":"abandonné"})", foundation_).status,
            200);

  auto history = get("/api/matches/" + match + "/history", member_);
  ASSERT_EQ(history.status, 200) << history.body;
  auto h = json::parse(history.body);
  ASSERT_EQ(h.size(), 2u) << history.body;
  // Newest first.
  EXPECT_EQ(h[0]["who"], "test-foundation");
  EXPECT_EQ(h[0]["changes"][0]["from"], "contacté");
  EXPECT_EQ(h[0]["changes"][0]["to"], "abandonné");
  EXPECT_TRUE(h[0]["note"].is_null());
  EXPECT_EQ(h[1]["who"], "test-member");
  EXPECT_EQ(h[1]["changes"],
            json::parse(R"([{"field":"status","from":"proposé","to":"contacté"}])"));
  EXPECT_EQ(h[1]["note"], "Appel au propriétaire");
  EXPECT_EQ(h[1]["at"].get<std::string>().substr(0, 4),
            value("SELECT extract(year FROM now())::int"));
  // The public follows nothing; nobody sees a match on a building hidden from it.
  EXPECT_EQ(get("/api/matches/" + match + "/history").status, 401);
  {
    pqxx::work w(*conn_);
    w.exec0("UPDATE opportunities SET visibility = 'confidentiel' WHERE external_id = 'T-1'");
    w.commit();
  }
  EXPECT_EQ(get("/api/matches/" + match + "/history", member_).status, 404);
  EXPECT_EQ(get("/api/matches/" + match, member_).status, 404);
  EXPECT_EQ(send("PATCH", "/api/matches/" + match, R"({"status":"accord"})", member_).status, 404);
  EXPECT_EQ(get("/api/matches/" + match + "/history", foundation_).status, 200);
}

TEST_F(FollowupTest, AStaleIfMatchGets412WithTheCurrentMatchAndChangesNothing) {
  std::string match = match_of("T-1");
  auto read = get("/api/matches/" + match, member_);
  ASSERT_EQ(read.status, 200);
  std::string etag = read.header("ETag");
  ASSERT_FALSE(etag.empty());
  auto first = send("PATCH", "/api/matches/" + match, R"({"status":"contacté"})", member_,
                    "If-Match: " + etag);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_NE(first.header("ETag"), etag);
  // Someone else, still holding the old ETag.
  auto stale = send("PATCH", "/api/matches/" + match, R"({"status":"refusé"})", foundation_,
                    "If-Match: " + etag);
  ASSERT_EQ(stale.status, 412) << stale.body;
  auto p = json::parse(stale.body);
  EXPECT_EQ(p["current"]["status"], "contacté");
  EXPECT_EQ(value("SELECT status FROM matches WHERE id = " + match), "contacté");
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity = 'match'"), 1);
  // With the ETag the 412 gave, the change goes through.
  auto retry = send("PATCH", "/api/matches/" + match, R"({"status":"refusé"})", foundation_,
                    "If-Match: " + stale.header("ETag"));
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(send("PATCH", "/api/matches/" + match, R"({"status":"visite"})", member_,
                 "If-Match: \"garbage\"")
                .status,
            412);
}

TEST_F(FollowupTest, TheBoardGroupsTheMatchesByStatusAndFiltersByCircleAndStatus) {
  {
    pqxx::work w(*conn_);
    w.exec0(
        "INSERT INTO territories (level, code, slug, name, source, geom) SELECT 'circle', 'lille', "
        "'cercle-lille', 'Cercle de Lille', 'test', geom FROM territories WHERE level = 'commune' "
        "AND code = '59350'");
    w.commit();
  }
  ASSERT_EQ(
      send("PATCH", "/api/matches/" + match_of("T-1"), R"({"status":"visite"})", member_).status,
      200);
  auto all = get("/api/followup", member_);
  ASSERT_EQ(all.status, 200) << all.body;
  auto j = json::parse(all.body);
  EXPECT_EQ(j["counts"]["visite"], 1);
  EXPECT_EQ(j["counts"]["proposé"], 1);  // T-2, réseau: members see it
  EXPECT_EQ(j["counts"]["abandonné"], 0);
  ASSERT_EQ(j["matches"].size(), 2u);
  EXPECT_EQ(j["matches"][0]["status"], "visite");  // the most recently followed first
  EXPECT_EQ(j["matches"][0]["circle"], "cercle-lille");
  EXPECT_EQ(j["matches"][0]["status_changed_by"], "test-member");

  auto lille = json::parse(get("/api/followup?circle=cercle-lille", member_).body);
  EXPECT_EQ(lille["matches"].size(), 1u);  // T-2 is in Roubaix
  EXPECT_EQ(lille["counts"]["proposé"], 0);
  auto visits = json::parse(get("/api/followup?status=visite,accord", member_).body);
  ASSERT_EQ(visits["matches"].size(), 1u);
  EXPECT_EQ(visits["counts"]["proposé"], 1);  // counts ignore the status filter
  EXPECT_EQ(get("/api/followup?status=vendu", member_).status, 400);
  EXPECT_EQ(json::parse(get("/api/followup?circle=atlantide", member_).body)["field"], "circle");
  EXPECT_EQ(get("/api/followup").status, 401);
}

TEST_F(FollowupTest, OpportunityHistoryHidesConfidentialValuesFromRolesThatMayNotReadThem) {
  std::string id = id_of("T-1");
  auto patched = send("PATCH", "/api/opportunities/" + id,
                      R"({"rent_eur_month": 1300, "owner_name": "Ville de Lille DPI"})", admin_);
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto member = get("/api/opportunities/" + id + "/history", member_);
  ASSERT_EQ(member.status, 200) << member.body;
  EXPECT_EQ(member.body.find("Commune de Lille"), std::string::npos)
      << member.body;  // the old owner
  EXPECT_EQ(member.body.find("DPI"), std::string::npos) << member.body;
  auto h = json::parse(member.body);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["who"], "test-admin");
  EXPECT_EQ(h[0]["action"], "update");
  EXPECT_EQ(h[0]["changes"], json::parse(R"([{"field":"rent_eur_month","from":1200,"to":1300}])"))
      << member.body;
  auto foundation = get("/api/opportunities/" + id + "/history", foundation_);
  EXPECT_NE(foundation.body.find("Commune de Lille"), std::string::npos) << foundation.body;
  EXPECT_NE(foundation.body.find("Ville de Lille DPI"), std::string::npos);
  // T-3 is confidential: no history for members.
  EXPECT_EQ(get("/api/opportunities/" + id_of("T-3") + "/history", member_).status, 404);
  EXPECT_EQ(get("/api/opportunities/" + id_of("T-3") + "/history", foundation_).status, 200);
  EXPECT_EQ(get("/api/needs/" + need_ + "/history", member_).body, "[]");
  EXPECT_EQ(get("/api/needs/999999/history", member_).status, 404);
}

TEST_F(FollowupTest, ItemsCarryTheirVersionAndAStalePatchOrDeleteGets412) {
  std::string id = id_of("T-1");
  auto item = get("/ogcapi/collections/opportunities/items/" + id, admin_);
  std::string etag = item.header("ETag");
  ASSERT_NE(etag.find("opportunity-" + id + "-"), std::string::npos) << etag;
  // An unchanged item revalidates with its version.
  EXPECT_EQ(http_get(port_, "/ogcapi/collections/opportunities/items/" + id,
                     "Authorization: Bearer " + admin_ + "\r\nIf-None-Match: " + etag + "\r\n")
                .status,
            304);
  auto ok = send("PATCH", "/api/opportunities/" + id, R"({"rent_eur_month": 1250})", admin_,
                 "If-Match: " + etag);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.header("ETag"),
            get("/ogcapi/collections/opportunities/items/" + id, admin_).header("ETag"));
  std::string before = snapshot();
  auto stale = send("PATCH", "/api/opportunities/" + id, R"({"rent_eur_month": 1})", admin_,
                    "If-Match: " + etag);
  ASSERT_EQ(stale.status, 412) << stale.body;
  auto current = json::parse(stale.body)["current"];
  EXPECT_EQ(current["properties"]["rent_eur_month"], 1250);
  EXPECT_EQ(current["properties"]["owner_name"], "Commune de Lille");  // an admin reads the owner
  EXPECT_EQ(send("DELETE", "/api/opportunities/" + id, "", admin_, "If-Match: " + etag).status,
            412);
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(send("DELETE", "/api/opportunities/" + id, "", admin_, "If-Match: " + ok.header("ETag"))
                .status,
            204);
}

TEST_F(FollowupTest, OpportunitiesNotVerifiedForSixMonthsAreToReverify) {
  std::string id = id_of("T-1");
  {
    pqxx::work w(*conn_);
    w.exec0(
        "UPDATE opportunities SET last_verified = current_date - 200 WHERE external_id = 'T-1'");
    w.exec0("UPDATE opportunities SET last_verified = current_date - 20 WHERE external_id = 'T-2'");
    w.commit();
  }
  auto item = json::parse(get("/ogcapi/collections/opportunities/items/" + id).body);
  EXPECT_EQ(item["properties"]["to_reverify"], true);
  auto page = json::parse(
      get("/ogcapi/collections/opportunities/items?to_reverify=true", foundation_).body);
  ASSERT_EQ(page["features"].size(), 1u) << page.dump();  // T-3 was created today
  EXPECT_EQ(std::to_string(page["features"][0]["id"].get<long long>()), id);
  EXPECT_EQ(get("/ogcapi/collections/opportunities/items?to_reverify=maybe").status, 400);
  // Point tiles carry the flag and take the filter; cluster tiles take the
  // filter (T-1 alone: a cell of one, with its id).
  auto tile = get("/tiles/opportunities/12/2082/1377.mvt?to_reverify=true", foundation_);
  ASSERT_EQ(tile.status, 200);
  EXPECT_NE(tile.body.find("to_reverify"), std::string::npos);
  EXPECT_NE(tile.body.find("Ancienne"), std::string::npos);
  // T-2 (verified 20 days ago) is in its tile, but not with the filter.
  EXPECT_NE(get("/tiles/opportunities/12/2084/1376.mvt", foundation_).body.find("Lannoy"),
            std::string::npos);
  EXPECT_EQ(get("/tiles/opportunities/12/2084/1376.mvt?to_reverify=true", foundation_)
                .body.find("Lannoy"),
            std::string::npos);
  auto clusters = get("/tiles/opportunities/9/260/172.mvt?to_reverify=true", foundation_);
  ASSERT_EQ(clusters.status, 200);
  EXPECT_NE(clusters.body.find("count"), std::string::npos);
  auto all = get("/tiles/opportunities/9/260/172.mvt", foundation_);
  EXPECT_LT(clusters.body.size(), all.body.size());
  // "Vérifiée aujourd'hui".
  auto ok = send("PATCH", "/api/opportunities/" + id, R"({"last_verified": "today"})", admin_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(value("SELECT last_verified = current_date FROM opportunities WHERE id = " + id), "t");
  EXPECT_EQ(
      json::parse(
          get("/ogcapi/collections/opportunities/items/" + id).body)["properties"]["to_reverify"],
      false);
}

}  // namespace
}  // namespace terrier::test
