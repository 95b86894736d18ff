// Requests ("sollicitations"): the API, the confidential fields, filters,
// If-Match, history, and `terrier import requests`.

#include "tests/api/followup_fixture.hpp"

namespace terrier::test {
namespace {

class RequestTest : public FollowupTest {
 protected:
  void SetUp() override {
    FollowupTest::SetUp();
    pqxx::work w(*conn_);
    w.exec0(
        "INSERT INTO territories (level, code, slug, name, source, geom) SELECT 'circle', "
        "'roubaix', "
        "'cercle-roubaix', 'Cercle de Roubaix', 'test', geom FROM territories WHERE level = "
        "'commune' "
        "AND code = '59512'");
    w.commit();
  }
  std::string create(const std::string& body, const std::string& bearer) {
    auto r = send("POST", "/api/requests", body, bearer);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::to_string(json::parse(r.body)["id"].get<long long>()) : "";
  }
  long long requests() { return count("SELECT count(*) FROM requests"); }
};

TEST_F(RequestTest, TheLandGroupLogsRequestsAndOnlyFoundationsAndAdminsReadContactsAndNotes) {
  const std::string cafe = R"({"received_on": "12/03/2026", "requester": "Mme Martin",
    "organisation": "Café des Possibles", "commune": "Roubaix", "subject": "Cherche un local de 200 m²",
    "channel": "téléphone"})";
  // A member may not write what it may not read.
  auto refused = send("POST", "/api/requests",
                      R"({"received_on": "2026-03-12", "requester": "x", "subject": "y",
    "contact": "06 12 34 56 78"})",
                      member_);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json::parse(refused.body)["field"], "contact");
  EXPECT_EQ(requests(), 0);
  EXPECT_EQ(send("POST", "/api/requests", cafe, "").status, 401);

  std::string id = create(cafe, member_);
  auto got = get("/api/requests/" + id, member_);
  ASSERT_EQ(got.status, 200);
  auto j = json::parse(got.body);
  EXPECT_EQ(j["commune"], "59512");
  EXPECT_EQ(j["commune_name"], "Roubaix");
  EXPECT_EQ(j["circle"], "cercle-roubaix");
  EXPECT_EQ(j["status"], "ouverte");
  EXPECT_EQ(j["received_on"], "2026-03-12");
  EXPECT_NE(got.header("ETag").find("request-" + id + "-"), std::string::npos);

  std::string secret = create(
      R"({"received_on": "2026-04-02", "requester": "M. Durand", "subject": "Terrain pour maraîchage", "commune": "59350", "channel": "e-mail", "status": "orientée", "orientation": "Terre de Liens",
    "contact": "durand@example.fr", "notes": "Rappeler en mai", "need_id": )" +
          need_ + "}",
      foundation_);
  for (const auto& who : {member_, animator_}) {
    auto r = get("/api/requests/" + secret, who);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body.find("durand@example.fr"), std::string::npos);
    EXPECT_EQ(r.body.find("Rappeler"), std::string::npos);
    EXPECT_EQ(get("/api/requests", who).body.find("durand@example.fr"), std::string::npos);
  }
  auto full = json::parse(get("/api/requests/" + secret, foundation_).body);
  EXPECT_EQ(full["contact"], "durand@example.fr");
  EXPECT_EQ(full["need_id"].get<long long>(), std::stoll(need_));
  EXPECT_EQ(get("/api/requests").status, 401);

  // Filters: status, circle, dates, text (accents and case ignored).
  auto ids = [&](const std::string& query) {
    std::vector<long long> out;
    auto r = get("/api/requests" + query, member_);
    EXPECT_EQ(r.status, 200) << query << r.body;
    auto list = json::parse(r.body);
    for (const auto& x : list["requests"]) out.push_back(x["id"].get<long long>());
    return out;
  };
  EXPECT_EQ(ids(""), (std::vector<long long>{std::stoll(secret), std::stoll(id)}));  // newest first
  EXPECT_EQ(ids("?status=ouverte"), std::vector<long long>{std::stoll(id)});
  EXPECT_EQ(ids("?circle=cercle-roubaix"), std::vector<long long>{std::stoll(id)});
  EXPECT_EQ(ids("?from=2026-04-01&to=2026-04-30"), std::vector<long long>{std::stoll(secret)});
  EXPECT_EQ(ids("?q=CAFE%20DES%20possibles"), std::vector<long long>{std::stoll(id)});
  EXPECT_EQ(json::parse(get("/api/requests?status=perdue", member_).body)["field"], "status");
  EXPECT_EQ(get("/api/requests?from=hier", member_).status, 400);
}

TEST_F(RequestTest, BadFieldsAreNamedInFrenchAndChangeNothing) {
  auto r = send("POST", "/api/requests",
                R"({"received_on": "31/02/2026", "requester": "x", "subject": "y"})", member_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["field"], "received_on");
  r = send("POST", "/api/requests",
           R"({"received_on": "2026-03-01", "requester": "x", "subject": "y",
    "channel": "pigeon voyageur"})",
           member_);
  EXPECT_EQ(json::parse(r.body)["field"], "channel");
  EXPECT_NE(json::parse(r.body)["detail"].get<std::string>().find("téléphone, e-mail"),
            std::string::npos);
  r = send("POST", "/api/requests",
           R"({"received_on": "2026-03-01", "subject": "y", "commune": "Atlantide"})", member_);
  EXPECT_EQ(json::parse(r.body)["field"], "requester");
  EXPECT_NE(json::parse(r.body)["detail"].get<std::string>().find("commune"), std::string::npos);
  EXPECT_EQ(send("POST", "/api/requests",
                 R"({"received_on": "2026-03-01", "requester": "x", "subject": "y",
    "need_id": 999999})",
                 member_)
                .status,
            400);
  EXPECT_EQ(send("POST", "/api/requests", "[1,2]", member_).status, 400);
  EXPECT_EQ(requests(), 0);
}

TEST_F(RequestTest, ChangesHonourIfMatchAndLeaveAHistory) {
  std::string id =
      create(R"({"received_on": "2026-03-12", "requester": "Mme Martin", "subject": "Local",
    "notes": "Très motivée"})",
             foundation_);
  std::string etag = get("/api/requests/" + id, member_).header("ETag");
  auto ok = send("PATCH", "/api/requests/" + id,
                 R"({"status": "orientée", "orientation": "Foncière Chênelet"})", member_,
                 "If-Match: " + etag);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["status"], "orientée");
  // The member's PATCH kept the notes it cannot read.
  EXPECT_EQ(value("SELECT notes FROM request_private WHERE request_id = " + id), "Très motivée");
  auto stale =
      send("PATCH", "/api/requests/" + id, R"({"status": "close"})", member_, "If-Match: " + etag);
  ASSERT_EQ(stale.status, 412);
  EXPECT_EQ(json::parse(stale.body)["current"]["status"], "orientée");
  EXPECT_EQ(stale.body.find("Très motivée"), std::string::npos);
  ASSERT_EQ(
      send("PATCH", "/api/requests/" + id, R"({"notes": "Rappelée le 14"})", foundation_).status,
      200);

  auto member = get("/api/requests/" + id + "/history", member_);
  ASSERT_EQ(member.status, 200);
  EXPECT_EQ(member.body.find("motivée"), std::string::npos) << member.body;
  auto h = json::parse(member.body);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0]["changes"], json::array());  // the notes' change, hidden
  EXPECT_EQ(h[1]["who"], "test-member");
  EXPECT_EQ(h[2]["action"], "create");
  EXPECT_NE(get("/api/requests/" + id + "/history", foundation_).body.find("Rappelée le 14"),
            std::string::npos);

  EXPECT_EQ(send("DELETE", "/api/requests/" + id, "", member_, "If-Match: " + etag).status, 412);
  EXPECT_EQ(send("DELETE", "/api/requests/" + id, "", member_).status, 204);
  EXPECT_EQ(get("/api/requests/" + id, member_).status, 404);
}

TEST_F(RequestTest, ASpreadsheetOfRequestsIsImportedByItsFrenchHeadersAndReimportedUnchanged) {
  std::string file = "/tmp/terrier-requests-" + db_.name() + ".csv";
  std::ofstream(file)
      << "Date;Demandeur;Structure;Commune;Objet;Canal;Orientation;Statut;Besoin;Lieu;Couleur\n"
         "12/03/2026;Mme Martin;Café des Possibles;Roubaix;Local de 200 "
         "m²;Téléphone;;ouverte;;;bleu\n"
         "13/03/2026;M. Durand;;Atlantide;Terrain;pigeon;;;;;\n"
         "14/03/2026;Mme Leroy;Recyclerie;59350;Atelier;mail;Foncière;Orientée;N-1;;\n";
  const std::string env = "TERRIER_DATABASE_URL=" + db_.url();
  auto r = run_terrier("import requests " + file, env);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("read 3, inserted 2, updated 0, unchanged 0, rejected 1"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(":line 3: rejected: column 'commune': 'Atlantide'"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(":line 3: rejected: column 'channel': 'pigeon'"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("column 'Couleur'"), std::string::npos) << r.output;
  EXPECT_EQ(value("SELECT string_agg(requester || '/' || coalesce(organisation, '-') || '/' || "
                  "commune_code || '/' || "
                  "channel || '/' || status || '/' || coalesce(need_id::text, '-'), ' ' ORDER BY "
                  "received_on) "
                  "FROM requests"),
            "Mme Martin/Café des Possibles/59512/téléphone/ouverte/- Mme "
            "Leroy/Recyclerie/59350/e-mail/orientée/" +
                need_);
  auto again = run_terrier("import requests " + file, env);
  EXPECT_NE(again.output.find("inserted 0, updated 0, unchanged 2, rejected 1"), std::string::npos)
      << again.output;
  auto strict = run_terrier("import requests --strict " + file, env);
  EXPECT_EQ(strict.exit_code, 2);
  std::remove(file.c_str());
  EXPECT_EQ(requests(), 2);
}

TEST_F(RequestTest, AnExportOfRequestsImportsBackUnchangedAndNeutralisesFormulas) {
  create(R"({"received_on": "2026-03-12", "requester": "=1+2", "subject": "Local",
    "commune": "Roubaix", "channel": "rencontre", "notes": "Rappeler; vite"})",
         foundation_);
  create(
      R"({"received_on": "2026-03-14", "requester": "Mme Leroy", "subject": "Atelier", "status": "close"})",
      member_);
  const std::string env = "TERRIER_DATABASE_URL=" + db_.url();
  std::string file = "/tmp/terrier-requests-export-" + db_.name() + ".csv";
  auto r = run_terrier("export --layers requests --format csv -o " + file, env);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.rfind("\xEF\xBB\xBFRéf.;Date;Demandeur;Structure;Commune;Objet;Canal;", 0), 0u)
      << text;
  EXPECT_NE(text.find("\"'=1+2\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"12/03/2026\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"Rappeler; vite\""), std::string::npos) << text;
  std::string before = value("SELECT string_agg(r::text, '|' ORDER BY id) FROM requests r");
  auto back = run_terrier("import requests " + file, env);
  std::remove(file.c_str());
  EXPECT_NE(back.output.find("read 2, inserted 0, updated 0, unchanged 2, rejected 0"),
            std::string::npos)
      << back.output;
  EXPECT_EQ(value("SELECT string_agg(r::text, '|' ORDER BY id) FROM requests r"), before);
  EXPECT_EQ(run_terrier("export --layers requests --format gpkg -o " + file, env).exit_code, 1);
}

}  // namespace
}  // namespace terrier::test
