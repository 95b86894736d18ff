// OGC API – Features Part 4 against a real server and PostGIS: POST, PUT,
// PATCH and DELETE of /ogcapi/collections/{opportunities,needs}/items go
// through the /api writes' checks: the same roles (401, 403), the same
// French refusals, the same ETags and If-Match (412), the same audit log,
// and a member neither writes nor reads back a confidential field.

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

const std::string kItems = "/ogcapi/collections/opportunities/items";

const std::string kWorkshop = R"({"type": "Feature",
  "geometry": {"type": "Point", "coordinates": [3.0606, 50.6359]},
  "properties": {"title": "Atelier partagé", "kind": "atelier", "built_surface_m2": 120,
                 "rent_eur_month": 500, "visibility": "réseau"}})";

class OgcTransactions : public ApiTest {
 protected:
  // A write with its own media type (send's is application/json).
  HttpResponse send_as(const std::string& type, const std::string& method,
                       const std::string& target, const std::string& body,
                       const std::string& bearer, const std::string& extra_header = "") {
    std::string headers = "Content-Type: " + type +
                          "\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\nAuthorization: Bearer " + bearer + "\r\n" +
                          (extra_header.empty() ? "" : extra_header + "\r\n");
    return http_request(port_, method, target, headers, body);
  }
  // The item's path from a 201's absolute Location.
  std::string path_of(const HttpResponse& created) {
    std::string location = created.header("Location");
    auto at = location.find(kItems);
    return at == std::string::npos ? "" : location.substr(at);
  }
  std::string audit_of(const std::string& id) {
    return value(
        "SELECT coalesce(string_agg(action || ':' || actor, ',' ORDER BY id), '') FROM audit_log "
        "WHERE entity = 'opportunity' AND entity_id = " +
        id);
  }
};

TEST_F(OgcTransactions, AFeatureIsCreatedReadChangedReplacedAndDeletedWithItsVersion) {
  auto created = send_as("application/geo+json", "POST", kItems, kWorkshop, member_);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = path_of(created);
  ASSERT_FALSE(path.empty()) << created.header("Location");
  EXPECT_EQ(created.header("Location").rfind("http://", 0), 0u) << "an absolute Location";
  const std::string id = path.substr(path.rfind('/') + 1);
  auto feature = json::parse(created.body);
  EXPECT_EQ(feature["type"], "Feature");
  EXPECT_EQ(feature["properties"]["title"], "Atelier partagé");

  // GET gives the version POST gave.
  auto read = get(path, member_);
  ASSERT_EQ(read.status, 200);
  ASSERT_FALSE(read.header("ETag").empty());
  EXPECT_EQ(read.header("ETag"), created.header("ETag"));

  // PATCH (merge-patch) with that version: only the named field changes.
  auto patched = send_as("application/merge-patch+json", "PATCH", path,
                         R"({"properties": {"rent_eur_month": 650}})", member_,
                         "If-Match: " + read.header("ETag"));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_NE(patched.header("ETag"), read.header("ETag"));
  auto after = get(path, member_);
  EXPECT_EQ(json::parse(after.body)["properties"]["rent_eur_month"], 650);
  EXPECT_EQ(json::parse(after.body)["properties"]["built_surface_m2"], 120);
  EXPECT_EQ(after.header("ETag"), patched.header("ETag"));

  // PUT with the stale version: 412 with the item as it is now, nothing changed.
  auto stale = send("PUT", path, kWorkshop, member_, "If-Match: " + read.header("ETag"));
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(json::parse(stale.body)["current"]["properties"]["rent_eur_month"], 650);
  EXPECT_EQ(value("SELECT rent_eur_month::int FROM opportunities WHERE id = " + id), "650");

  // PUT with the current version replaces: a field left out is cleared.
  auto replaced = send("PUT", path, R"({"type": "Feature",
      "geometry": {"type": "Point", "coordinates": [3.07, 50.64]},
      "properties": {"title": "Atelier remplacé", "kind": "bureau", "visibility": "réseau"}})",
                       member_, "If-Match: " + patched.header("ETag"));
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(value("SELECT concat_ws('|', title, kind, coalesce(rent_eur_month::text, 'NULL'), "
                  "coalesce(built_surface_m2::text, 'NULL'), round(ST_X(geom)::numeric, 2)) FROM "
                  "opportunities WHERE id = " +
                  id),
            "Atelier remplacé|bureau|NULL|NULL|3.07");

  // A merge patch of the geometry alone moves the point.
  auto moved = send_as("application/merge-patch+json", "PATCH", path,
                       R"({"geometry": {"type": "Point", "coordinates": [3.08, 50.65]}})", member_,
                       "If-Match: " + replaced.header("ETag"));
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(value("SELECT concat_ws('|', title, round(ST_X(geom)::numeric, 2)) FROM opportunities "
                  "WHERE id = " +
                  id),
            "Atelier remplacé|3.08");

  EXPECT_EQ(send("DELETE", path, "", member_, "If-Match: " + moved.header("ETag")).status, 204);
  EXPECT_EQ(get(path, member_).status, 404);
  EXPECT_EQ(audit_of(id),
            "create:test-member,update:test-member,update:test-member,update:test-member,"
            "delete:test-member");
}

TEST_F(OgcTransactions, RolesAreTheApisOnes) {
  const std::string before = snapshot();
  const std::string t1 = kItems + "/" + id_of("T-1");
  // A visitor: 401 on every method.
  EXPECT_EQ(send("POST", kItems, kWorkshop, "").status, 401);
  EXPECT_EQ(send("PATCH", t1, R"({"properties": {"title": "x"}})", "").status, 401);
  EXPECT_EQ(send("PUT", t1, kWorkshop, "").status, 401);
  EXPECT_EQ(send("DELETE", t1, "", "").status, 401);
  // Foundations read everything but write no opportunity: 403, as /api.
  EXPECT_EQ(send("POST", kItems, kWorkshop, foundation_).status, 403);
  EXPECT_EQ(send("PATCH", t1, R"({"properties": {"title": "x"}})", foundation_).status, 403);
  // A confidential row is not there for a member, as for reading: 404.
  EXPECT_EQ(send("DELETE", kItems + "/" + id_of("T-3"), "", member_).status, 404);
  // Places and territories are not written through OGC, as through /api.
  EXPECT_EQ(send("POST", "/ogcapi/collections/places/items", kWorkshop, member_).status, 405);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(OgcTransactions, AMemberNeitherWritesNorReadsBackAConfidentialField) {
  const std::string before = snapshot();
  const std::string t2 = kItems + "/" + id_of("T-2");
  for (const char* field : {"owner_name", "owner_contact", "notes"}) {
    SCOPED_TRACE(field);
    auto body = json::parse(kWorkshop);
    body["properties"][field] = "secret";
    auto created = send("POST", kItems, body.dump(), member_);
    EXPECT_EQ(created.status, 403) << created.body;
    EXPECT_EQ(json::parse(created.body)["field"], field);
    auto patched = send("PATCH", t2, json{{"properties", {{field, nullptr}}}}.dump(), member_);
    EXPECT_EQ(patched.status, 403) << patched.body;
    EXPECT_EQ(json::parse(patched.body)["field"], field);
  }
  EXPECT_EQ(snapshot(), before);

  // Its change keeps the owner it cannot see, and the answer does not show it;
  // a replacement keeps it too.
  auto patched = send("PATCH", t2, R"({"properties": {"rent_eur_month": 640}})", member_);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.body.find("Tilleuls"), std::string::npos) << patched.body;
  EXPECT_FALSE(json::parse(patched.body)["properties"].contains("owner_name"));
  auto replaced = send("PUT", t2, R"({"type": "Feature", "geometry": null,
      "properties": {"title": "Bureaux remplacés", "kind": "bureau", "visibility": "réseau"}})",
                       member_);
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.body.find("Tilleuls"), std::string::npos) << replaced.body;
  EXPECT_EQ(value("SELECT p.owner_name FROM opportunity_private p JOIN opportunities o ON o.id = "
                  "p.opportunity_id WHERE o.external_id = 'T-2'"),
            "SCI Les Tilleuls");
  // An admin reads the owner back in its answer.
  auto by_admin = send("PATCH", t2, R"({"properties": {"rent_eur_month": 641}})", token("admin"));
  ASSERT_EQ(by_admin.status, 200) << by_admin.body;
  EXPECT_EQ(json::parse(by_admin.body)["properties"]["owner_name"], "SCI Les Tilleuls");
}

TEST_F(OgcTransactions, ABadFieldIsRefusedWithTheApisFrenchWords) {
  const std::string before = snapshot();
  auto body = json::parse(kWorkshop);
  body["properties"]["built_surface_m2"] = "beaucoup";
  body["properties"]["kind"] = "château";
  auto ogc = send("POST", kItems, body.dump(), member_);
  auto api = send("POST", "/api/opportunities", body.dump(), member_);
  ASSERT_EQ(ogc.status, 400) << ogc.body;
  EXPECT_EQ(api.status, ogc.status);
  EXPECT_EQ(ogc.header("Content-Type"), "application/problem+json");
  auto o = json::parse(ogc.body), a = json::parse(api.body);
  EXPECT_EQ(o["detail"], a["detail"]);
  EXPECT_EQ(o["errors"], a["errors"]);
  EXPECT_NE(o["detail"].get<std::string>().find("Surface bâtie"), std::string::npos) << o["detail"];
  // A PATCH too.
  auto patched = send("PATCH", kItems + "/" + id_of("T-1"),
                      R"({"properties": {"built_surface_m2": "beaucoup"}})", member_);
  auto api_patched = send("PATCH", "/api/opportunities/" + id_of("T-1"),
                          R"({"built_surface_m2": "beaucoup"})", member_);
  ASSERT_EQ(patched.status, 400) << patched.body;
  EXPECT_EQ(json::parse(patched.body)["detail"], json::parse(api_patched.body)["detail"]);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(OgcTransactions, OptionsSaysWhichMethodsACollectionAndAnItemTake) {
  // QGIS's OAPIF provider (3.32 and later) asks before it offers to edit.
  auto items = http_request(port_, "OPTIONS", kItems, "", "");
  EXPECT_EQ(items.status, 204);
  EXPECT_EQ(items.header("Allow"), "GET, POST, OPTIONS");
  auto item = http_request(port_, "OPTIONS", kItems + "/" + id_of("T-1"), "", "");
  EXPECT_EQ(item.status, 204);
  EXPECT_EQ(item.header("Allow"), "GET, PUT, PATCH, DELETE, OPTIONS");
  EXPECT_EQ(
      http_request(port_, "OPTIONS", "/ogcapi/collections/places/items", "", "").header("Allow"),
      "GET, OPTIONS");
}

TEST_F(OgcTransactions, TheConformanceDeclaresPart4) {
  auto conformance = json::parse(get("/ogcapi/conformance").body)["conformsTo"];
  for (const char* c : {"create-replace-delete", "update", "features"}) {
    SCOPED_TRACE(c);
    EXPECT_NE(std::find(conformance.begin(), conformance.end(),
                        std::string("http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/") + c),
              conformance.end());
  }
}

}  // namespace
}  // namespace terrier::test
