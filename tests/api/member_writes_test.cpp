// The land group's members keep their tracking in Terrier: they write the
// opportunities and needs they may read (never a confidential row, field or
// visibility), import a spreadsheet for their circle, and follow its
// progress; animators write the needs and requests of their circle; the
// requests go out as XLSX and ODS. Against a real server and PostGIS.

#include <fmt/core.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "importers/record_source.hpp"
#include "tests/api/followup_fixture.hpp"

namespace terrier::test {
namespace {

class MemberWrites : public FollowupTest {
 protected:
  std::string token_for(const std::string& role, const std::string& territory,
                        const std::string& name) {
    auto t =
        run_terrier("token create --role " + role +
                        (territory.empty() ? "" : " --territory " + territory) + " --name " + name,
                    "TERRIER_DATABASE_URL=" + db_.url())
            .output;
    while (!t.empty() && t.back() == '\n') t.pop_back();
    return t.substr(t.rfind('\n') + 1);
  }
  long long id_from(const HttpResponse& r) { return json::parse(r.body)["id"].get<long long>(); }
  std::string opportunity_field(const std::string& ref, const std::string& column) {
    return value("SELECT coalesce(" + column +
                 "::text, 'NULL') FROM opportunities o LEFT JOIN opportunity_private p ON "
                 "p.opportunity_id = o.id WHERE o.external_id = '" +
                 ref + "'");
  }
};

const std::string kLilleOpportunity = R"({"type": "Feature",
  "geometry": {"type": "Point", "coordinates": [3.0606, 50.6359]},
  "properties": {"title": "Atelier du groupe foncier", "kind": "atelier", "built_surface_m2": 120,
                 "visibility": "réseau"}})";

TEST_F(MemberWrites, AMemberCreatesEditsAndDeletesAnOpportunityItMayRead) {
  auto created = send("POST", "/api/opportunities", kLilleOpportunity, member_);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = std::to_string(id_from(created));
  EXPECT_FALSE(created.header("ETag").empty());
  auto patched = send("PATCH", "/api/opportunities/" + id, R"({"rent_eur_month": 700})", member_,
                      "If-Match: " + created.header("ETag"));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(value("SELECT rent_eur_month::int FROM opportunities WHERE id = " + id), "700");
  // A stale version is refused (412) and changes nothing.
  auto stale = send("PATCH", "/api/opportunities/" + id, R"({"rent_eur_month": 1})", member_,
                    "If-Match: " + created.header("ETag"));
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(value("SELECT rent_eur_month::int FROM opportunities WHERE id = " + id), "700");
  EXPECT_EQ(send("DELETE", "/api/opportunities/" + id, "", member_).status, 204);
  EXPECT_EQ(value("SELECT string_agg(action || ':' || actor, ',' ORDER BY id) FROM audit_log "
                  "WHERE entity = 'opportunity' AND entity_id = " +
                  id),
            "create:test-member,update:test-member,delete:test-member");
  // Foundations read everything but do not write opportunities or needs.
  EXPECT_EQ(send("POST", "/api/opportunities", kLilleOpportunity, foundation_).status, 403);
  EXPECT_EQ(
      send("PATCH", "/api/opportunities/" + id_of("T-1"), R"({"rent_eur_month": 1})", foundation_)
          .status,
      403);
}

TEST_F(MemberWrites, AMemberNeverWritesAConfidentialFieldRowOrVisibility) {
  const std::string before = snapshot();
  const auto audit = count("SELECT count(*) FROM audit_log");
  // Fields it may not read: 403 naming the field.
  for (const char* field : {"owner_name", "owner_contact", "notes"}) {
    SCOPED_TRACE(field);
    std::string body = R"({"title": "x", "kind": "bureau", "lat": 50.63, "lon": 3.06, ")" +
                       std::string(field) + R"(": "secret"})";
    auto r = send("POST", "/api/opportunities", body, member_);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(json::parse(r.body)["field"], field);
    auto p = send("PATCH", "/api/opportunities/" + id_of("T-2"),
                  R"({")" + std::string(field) + R"(": "secret"})", member_);
    EXPECT_EQ(p.status, 403);
    EXPECT_EQ(json::parse(p.body)["field"], field);
  }
  // It never makes a row confidential, at creation or by a change.
  auto made = send(
      "POST", "/api/opportunities",
      R"({"title": "x", "kind": "bureau", "lat": 50.63, "lon": 3.06, "visibility": "confidentiel"})",
      member_);
  EXPECT_EQ(made.status, 403) << made.body;
  EXPECT_EQ(json::parse(made.body)["field"], "visibility");
  EXPECT_NE(json::parse(made.body)["detail"].get<std::string>().find("Visibilité"),
            std::string::npos);
  auto hidden = send("PATCH", "/api/opportunities/" + id_of("T-2"),
                     R"({"visibility": "Confidentiel"})", member_);
  EXPECT_EQ(hidden.status, 403) << hidden.body;
  EXPECT_EQ(json::parse(hidden.body)["field"], "visibility");
  // A confidential row is not there for it, as for reading: 404.
  const std::string t3 = id_of("T-3");
  EXPECT_EQ(send("PATCH", "/api/opportunities/" + t3, R"({"title": "x"})", member_).status, 404);
  EXPECT_EQ(send("PATCH", "/api/opportunities/" + t3, R"({"title": "x"})", member_,
                 "If-Match: \"opportunity-" + t3 + "-1\"")
                .status,
            404);
  EXPECT_EQ(send("DELETE", "/api/opportunities/" + t3, "", member_).status, 404);
  EXPECT_EQ(get("/api/opportunities/" + t3 + "/history", member_).status, 404);
  // An admin's reference stays the admin's: no upsert by external_id.
  EXPECT_EQ(
      send("POST", "/api/opportunities",
           R"({"external_id": "T-3", "title": "x", "kind": "bureau", "lat": 50.63, "lon": 3.06})",
           member_)
          .status,
      400);
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), audit);
}

TEST_F(MemberWrites, AMembersChangeKeepsTheOwnerItCannotSee) {
  const std::string t2 = id_of("T-2");
  auto r = send("PATCH", "/api/opportunities/" + t2, R"({"rent_eur_month": 660})", member_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("Tilleuls"), std::string::npos) << r.body;
  EXPECT_EQ(opportunity_field("T-2", "p.owner_name"), "SCI Les Tilleuls");
  EXPECT_EQ(opportunity_field("T-2", "p.owner_contact"), "contact@example.fr");
  EXPECT_EQ(opportunity_field("T-2", "o.rent_eur_month::int"), "660");
  // Its history never shows the owner to it either.
  auto history = get("/api/opportunities/" + t2 + "/history", member_);
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(history.body.find("Tilleuls"), std::string::npos) << history.body;
}

TEST_F(MemberWrites, AMemberWritesNeedsButNotTheirContacts) {
  const std::string need = R"({"collective_name": "Collectif du Vieux-Lille", "surface_min_m2": 80,
    "lat": 50.64, "lon": 3.06, "radius_km": 3})";
  auto created = send("POST", "/api/needs", need, member_);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = std::to_string(id_from(created));
  auto contact = send("PATCH", "/api/needs/" + id, R"({"contact": "06 00 00 00 00"})", member_);
  EXPECT_EQ(contact.status, 403);
  EXPECT_EQ(json::parse(contact.body)["field"], "contact");
  EXPECT_EQ(send("PATCH", "/api/needs/" + id, R"({"surface_max_m2": 300})", member_).status, 200);
  // The contact an admin gave the need survives the member's change.
  ASSERT_EQ(
      send("PATCH", "/api/needs/" + need_, R"({"description": "cherche vite"})", member_).status,
      200);
  EXPECT_EQ(value("SELECT contact FROM need_private WHERE need_id = " + need_), "06 00 00 00 00");
  EXPECT_EQ(send("DELETE", "/api/needs/" + id, "", member_).status, 204);
}

TEST_F(MemberWrites, AnAnimatorWritesRequestsOfItsCircleOnly) {
  // animator_'s circle is lille-59350.
  auto lille = send("POST", "/api/requests",
                    R"({"received_on": "2026-03-12", "requester": "Mme Martin", "subject": "Local",
                        "commune": "Lille"})",
                    animator_);
  ASSERT_EQ(lille.status, 201) << lille.body;
  std::string id = std::to_string(id_from(lille));
  const auto requests = count("SELECT count(*) FROM requests");
  auto roubaix = send("POST", "/api/requests",
                      R"({"received_on": "2026-03-12", "requester": "M. Durand", "subject": "Local",
                          "commune": "Roubaix"})",
                      animator_);
  EXPECT_EQ(roubaix.status, 403) << roubaix.body;
  EXPECT_NE(roubaix.body.find("cercle"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM requests"), requests);  // rolled back
  // Linked to a need of its circle, a request of another commune is its own.
  auto linked = send("POST", "/api/requests",
                     R"({"received_on": "2026-03-13", "requester": "M. Durand", "subject": "Local",
                         "commune": "Roubaix", "need_id": )" +
                         need_ + "}",
                     animator_);
  EXPECT_EQ(linked.status, 201) << linked.body;
  // Moving its own request out of its circle is refused and changes nothing.
  auto moved = send("PATCH", "/api/requests/" + id, R"({"commune": "Roubaix"})", animator_);
  EXPECT_EQ(moved.status, 403);
  EXPECT_EQ(value("SELECT commune_code FROM requests WHERE id = " + id), "59350");
  // A member's request in Roubaix: the animator may read it, not change it.
  auto other = send("POST", "/api/requests",
                    R"({"received_on": "2026-03-14", "requester": "Mme Leroy", "subject": "Atelier",
                        "commune": "Roubaix"})",
                    member_);
  ASSERT_EQ(other.status, 201);
  std::string other_id = std::to_string(id_from(other));
  EXPECT_EQ(get("/api/requests/" + other_id, animator_).status, 200);
  EXPECT_EQ(send("PATCH", "/api/requests/" + other_id, R"({"status": "close"})", animator_).status,
            403);
  EXPECT_EQ(send("DELETE", "/api/requests/" + other_id, "", animator_).status, 403);
  EXPECT_EQ(value("SELECT status FROM requests WHERE id = " + other_id), "ouverte");
  EXPECT_EQ(send("PATCH", "/api/requests/" + id, R"({"status": "close"})", animator_).status, 200);
}

TEST_F(MemberWrites, TheSessionSaysWhatEachRoleMayDo) {
  const std::string member_mel = token_for("member", "lille-59350", "membre-lille");
  struct Expect {
    std::string name, token, opportunity, need, request, import, exports;
    std::vector<std::string> visibilities;
  };
  const std::vector<Expect> expected = {
      {"public", "", "none", "none", "none", "none", "none", {"public"}},
      {"member", member_, "readable", "readable", "readable", "none", "none", {"public", "réseau"}},
      {"member",
       member_mel,
       "readable",
       "readable",
       "readable",
       "circle",
       "none",
       {"public", "réseau"}},
      {"animator", animator_, "none", "circle", "circle", "none", "circle", {"public", "réseau"}},
      {"foundation",
       foundation_,
       "none",
       "none",
       "readable",
       "none",
       "all",
       {"public", "réseau", "confidentiel"}},
      {"admin",
       admin_,
       "readable",
       "readable",
       "readable",
       "everywhere",
       "all",
       {"public", "réseau", "confidentiel"}},
  };
  for (const auto& e : expected) {
    SCOPED_TRACE(e.name);
    auto s = json::parse(get("/api/session", e.token).body);
    EXPECT_EQ(s["role"], e.name);
    EXPECT_EQ(s["may"]["writes"]["opportunity"], e.opportunity);
    EXPECT_EQ(s["may"]["writes"]["need"], e.need);
    EXPECT_EQ(s["may"]["writes"]["request"], e.request);
    EXPECT_EQ(s["may"]["import"], e.import);
    EXPECT_EQ(s["may"]["export_territories"], e.exports);
    EXPECT_EQ(s["may"]["settable_visibilities"], json(e.visibilities));
  }
  auto member_kinds = json::parse(get("/api/session", member_mel).body)["may"]["import_kinds"];
  EXPECT_EQ(member_kinds, json({"opportunities", "needs"}));
  // The role's label, and the roles an administrator gives (only to it):
  // the page holds no role of its own.
  EXPECT_EQ(json::parse(get("/api/session", animator_).body)["role_label"], "Animateur de cercle");
  EXPECT_EQ(json::parse(get("/api/session").body)["role_label"], "Visiteur");
  auto roles = json::parse(get("/api/session", admin_).body)["account_roles"];
  ASSERT_EQ(roles.size(), 4u) << roles;
  EXPECT_EQ(roles[0], json({{"role", "member"}, {"label", "Membre du groupe foncier"}}));
  EXPECT_FALSE(json::parse(get("/api/session", member_).body).contains("account_roles"));
}

// Each opportunity and need says whether the caller may change it
// ("editable", "editable_fields"), and the answer is the write's own: for
// each role, a PATCH of the row succeeds exactly when the item said so (an
// animator's need inside its circle, not outside; a foundation never).
TEST_F(MemberWrites, AnItemSaysWhetherTheCallerMayChangeItAsTheWriteDecides) {
  const std::string in_lille = R"({"collective_name": "Collectif de Wazemmes", "surface_min_m2": 80,
    "lat": 50.628, "lon": 3.05, "radius_km": 1})";
  const std::string in_arras = R"({"collective_name": "Collectif d'Arras", "surface_min_m2": 80,
    "lat": 50.291, "lon": 2.777, "radius_km": 1})";
  auto a = send("POST", "/api/needs", in_lille, admin_);
  auto b = send("POST", "/api/needs", in_arras, admin_);
  ASSERT_EQ(a.status, 201) << a.body;
  ASSERT_EQ(b.status, 201) << b.body;
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"opportunities", id_of("T-1")},
      {"needs", std::to_string(id_from(a))},
      {"needs", std::to_string(id_from(b))}};
  struct Who {
    std::string name, token;
  };
  const std::vector<Who> people = {
      {"member", member_}, {"foundation", foundation_}, {"animator", animator_}, {"admin", admin_}};
  int editable_seen = 0, refused_seen = 0;
  for (const auto& who : people) {
    for (const auto& [collection, id] : rows) {
      SCOPED_TRACE(who.name + " " + collection + "/" + id);
      auto item = get("/ogcapi/collections/" + collection + "/items/" + id, who.token);
      ASSERT_EQ(item.status, 200) << item.body;
      auto p = json::parse(item.body)["properties"];
      ASSERT_TRUE(p.contains("editable")) << p;
      const bool editable = p["editable"].get<bool>();
      const std::string body =
          collection == "needs" ? R"({"surface_min_m2": 81})" : R"({"rent_eur_month": 640})";
      auto patched = send("PATCH", "/api/" + collection + "/" + id, body, who.token,
                          "If-Match: " + item.header("ETag"));
      EXPECT_EQ(patched.status == 200, editable) << patched.status << " " << patched.body;
      if (editable) {
        ++editable_seen;
        auto fields = p["editable_fields"];
        EXPECT_FALSE(fields.empty());
        // A field the role may not read is not one it may write.
        const bool confidential = who.name == "foundation" || who.name == "admin";
        const bool lists_notes =
            std::find(fields.begin(), fields.end(), json("notes")) != fields.end();
        EXPECT_EQ(lists_notes, confidential) << fields;
      } else {
        ++refused_seen;
        EXPECT_TRUE(p["editable_fields"].empty());
      }
    }
  }
  EXPECT_GT(editable_seen, 0);
  EXPECT_GT(refused_seen, 0);
  // The public reads no such thing.
  auto anonymous = json::parse(get("/ogcapi/collections/opportunities/items/" + id_of("T-1")).body);
  EXPECT_FALSE(anonymous["properties"].contains("editable"));
}

TEST_F(MemberWrites, AMemberImportsRowsOfItsCircleOnly) {
  const std::string member_mel = token_for("member", "lille-59350", "membre-lille");
  // T-1 (Lille, with an owner) and T-3 (confidential) are the fixture's rows
  // of source cp1252_french: naming them would overwrite what the member
  // cannot see.
  const std::string file =
      "Réf.;Intitulé;Type de bien;Latitude;Longitude;Visibilité\n"
      "M-1;Local rue Solférino;bureau;50,6300;3,0550;réseau\n"
      "M-2;Entrepôt à Roubaix;entrepot;50,6900;3,1800;public\n"
      "M-3;Maison secrète;logement;50,6310;3,0560;confidentiel\n"
      "T-1;Ancienne école;bâtiment mixte;50,63297;3,05858;public\n";
  const std::string before = snapshot();
  // A member without a circle is told why, in French.
  auto no_circle =
      send("POST", "/api/imports?kind=opportunities&source=cp1252_french", file, member_);
  EXPECT_EQ(no_circle.status, 403);
  EXPECT_NE(json::parse(no_circle.body)["detail"].get<std::string>().find("demande un cercle"),
            std::string::npos)
      << no_circle.body;
  EXPECT_EQ(send("POST", "/api/imports?kind=places", file, member_mel).status, 403);
  EXPECT_EQ(send("POST", "/api/imports?kind=opportunities", file, animator_).status, 403);
  EXPECT_EQ(send("POST", "/api/imports?kind=opportunities", file, foundation_).status, 403);
  // A column of a field it may not read refuses the file before any row.
  auto owners = send("POST", "/api/imports?kind=opportunities&dry_run=true",
                     "Réf.;Intitulé;Type de bien;Latitude;Longitude;Propriétaire\n"
                     "M-9;Local;bureau;50,63;3,055;SCI Secrète\n",
                     member_mel);
  EXPECT_EQ(owners.status, 403) << owners.body;
  EXPECT_EQ(json::parse(owners.body)["field"], "owner_name");
  EXPECT_EQ(json::parse(owners.body)["column"], "Propriétaire");
  EXPECT_EQ(snapshot(), before);

  auto r = send("POST", "/api/imports?kind=opportunities&source=cp1252_french", file, member_mel);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["summary"], "read 4, inserted 1, updated 0, unchanged 0, rejected 3") << r.body;
  std::map<int, std::pair<std::string, std::string>> rejected;  // line -> column, reason
  std::map<int, json> code;                                     // line -> code, params
  for (const auto& i : j["issues"]) {
    if (i["type"] != "rejected") continue;
    rejected[i["line"]] = {i["column"], i["reason"]};
    code[i["line"]] = {i["code"], i["params"]};
  }
  ASSERT_EQ(rejected.size(), 3u) << r.body;
  EXPECT_EQ(rejected[3].first, "Latitude");
  EXPECT_EQ(rejected[3].second,
            "hors de votre cercle (lille-59350) : un membre importe les lignes de son cercle");
  EXPECT_EQ(code[3], json::array({"outside_circle", json::array({"lille-59350"})}));
  EXPECT_EQ(code[4], json::array({"visibility_not_allowed", json::array({"confidentiel"})}));
  EXPECT_EQ(code[5][0], "stored_row_out_of_reach");
  EXPECT_EQ(rejected[4].first, "Visibilité");
  EXPECT_NE(rejected[4].second.find("confidentiel"), std::string::npos);
  EXPECT_EQ(rejected[5].first, "Réf.");
  EXPECT_NE(rejected[5].second.find("seul un administrateur"), std::string::npos);
  // Nothing the member may not read came back.
  for (const char* secret : {"Commune de Lille", "Vanneste", "Entrepôt du Sartel", "amiante"}) {
    EXPECT_EQ(r.body.find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(opportunity_field("M-1", "o.title"), "Local rue Solférino");
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id IN ('M-2', 'M-3')"), 0);
  EXPECT_EQ(opportunity_field("T-1", "o.title"), "Ancienne école Jules Ferry");
  EXPECT_EQ(opportunity_field("T-1", "p.owner_name"), "Commune de Lille");
  EXPECT_EQ(
      value("SELECT user_name || ' ' || rows_inserted || ' ' || rows_rejected FROM import_runs "
            "ORDER BY id DESC LIMIT 1"),
      "membre-lille 1 3");
  EXPECT_EQ(value("SELECT actor || ' ' || entity FROM audit_log WHERE action = 'import' ORDER BY "
                  "id DESC LIMIT 1"),
            "membre-lille opportunities");
}

TEST_F(MemberWrites, TheProgressOfAnImportIsReadFromTheDatabaseWhileItRuns) {
  std::string file = "Réf.;Intitulé;Type de bien;Latitude;Longitude\n";
  const int rows = 20000;
  // On a grid of 56 m steps: no two rows are probable duplicates.
  for (int i = 0; i < rows; ++i) {
    file += fmt::format("P-{};Local {};bureau;{:.4f};{:.4f}\n", i, i, 50.60 + (i / 300) * 0.0005,
                        3.00 + (i % 300) * 0.0008);
  }
  const std::string key = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(get("/api/imports/progress/nothex", admin_).status, 400);
  EXPECT_EQ(get("/api/imports/progress/" + key, "").status, 401);
  // A second server on the same database answers the progress while the
  // first one imports: the state is in PostgreSQL, not in a process.
  const pid_t first_pid = pid_;
  const int first_port = port_, first_stdout = stdout_;
  start_server();
  std::atomic<bool> done{false};
  HttpResponse answer;
  std::thread import([&] {
    answer = http_request(first_port, "POST",
                          "/api/imports?kind=opportunities&dry_run=true&progress=" + key,
                          "Authorization: Bearer " + admin_ +
                              "\r\nContent-Length: " + std::to_string(file.size()) + "\r\n",
                          file);
    done = true;
  });
  long long seen_midway = 0;
  bool seen_merging = false;
  while (!done) {
    auto p = get("/api/imports/progress/" + key, admin_);
    EXPECT_EQ(p.status, 200);
    if (p.status != 200) break;
    auto j = json::parse(p.body);
    if (j["state"] == "reading" && j["rows_read"] > 0 && j["rows_read"] < rows) {
      seen_midway = j["rows_read"];
      EXPECT_GT(j["fraction"].get<double>(), 0.0);
      EXPECT_LT(j["fraction"].get<double>(), 1.0);
    }
    if (j["state"] == "merging") {
      // The whole file is read; its rows are compared with the database.
      seen_merging = true;
      EXPECT_EQ(j["rows_read"], rows);
    }
    // Another person never sees it.
    EXPECT_EQ(get("/api/imports/progress/" + key, member_).body.find("reading"), std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  import.join();
  // The second server goes; the first answers the rest.
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  close(stdout_);
  pid_ = first_pid;
  port_ = first_port;
  stdout_ = first_stdout;
  ASSERT_EQ(answer.status, 200) << answer.body.substr(0, 300);
  EXPECT_GT(seen_midway, 0) << "no progress was seen while the file was read";
  EXPECT_TRUE(seen_merging) << "the merge with the database was never shown";
  auto finished = json::parse(get("/api/imports/progress/" + key, admin_).body);
  EXPECT_EQ(finished["state"], "done");
  EXPECT_EQ(finished["rows_read"], rows);
  EXPECT_EQ(finished["summary"], json::parse(answer.body)["summary"]);
  EXPECT_EQ(json::parse(get("/api/imports/progress/" + key, member_).body)["state"], "pending");
  // A key names one import.
  auto again =
      send("POST", "/api/imports?kind=opportunities&dry_run=true&progress=" + key,
           "Réf.;Intitulé;Type de bien;Latitude;Longitude\nQ-1;x;bureau;50,63;3,05\n", admin_);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(json::parse(again.body)["field"], "progress");
}

TEST_F(MemberWrites, RequestsGoOutAsXlsxAndOdsAndComeBackUnchanged) {
  ASSERT_EQ(send("POST", "/api/requests",
                 R"({"received_on": "2026-03-12", "requester": "Mme Martin", "subject": "Local",
                     "commune": "Roubaix", "channel": "téléphone", "notes": "Rappeler en mai"})",
                 admin_)
                .status,
            201);
  ASSERT_EQ(send("POST", "/api/requests",
                 R"({"received_on": "2026-03-14", "requester": "M. Durand", "subject": "Atelier"})",
                 member_)
                .status,
            201);
  EXPECT_EQ(get("/api/requests/export?format=xlsx").status, 401);
  EXPECT_EQ(get("/api/requests/export?format=gpkg", admin_).status, 400);
  const std::string before = value("SELECT string_agg(r::text, '|' ORDER BY id) FROM requests r");
  for (const std::string format : {"xlsx", "ods"}) {
    SCOPED_TRACE(format);
    auto r = get("/api/requests/export?format=" + format, admin_);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body.rfind("PK", 0), 0u);  // a zipped spreadsheet
    EXPECT_NE(r.header("Content-Disposition").find("sollicitations-"), std::string::npos);
    // The importer reads it back: the same requests, unchanged.
    auto back = send("POST", "/api/imports?kind=requests&format=" + format, r.body, admin_);
    ASSERT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(json::parse(back.body)["summary"],
              "read 2, inserted 0, updated 0, unchanged 2, rejected 0");
    EXPECT_EQ(value("SELECT string_agg(r::text, '|' ORDER BY id) FROM requests r"), before);
    // A member's sheet has no contact and no notes.
    auto member_sheet = get("/api/requests/export?format=" + format, member_);
    ASSERT_EQ(member_sheet.status, 200);
    std::string path = "/tmp/terrier-requests-" + db_.name() + "." + format;
    std::ofstream(path, std::ios::binary) << member_sheet.body;
    auto source = importers::open_source(path);
    const auto& header = source->header();
    EXPECT_EQ(std::find(header.begin(), header.end(), "Remarques"), header.end());
    EXPECT_EQ(std::find(header.begin(), header.end(), "Contact"), header.end());
    EXPECT_NE(std::find(header.begin(), header.end(), "Demandeur"), header.end());
    importers::SourceRecord record;
    int n = 0;
    while (source->next(record)) ++n;
    EXPECT_EQ(n, 2);
    std::remove(path.c_str());
  }
  // Members do not import requests.
  EXPECT_EQ(send("POST", "/api/imports?kind=requests", "Date;Demandeur;Objet\n", member_).status,
            403);
}

}  // namespace
}  // namespace terrier::test
