// Requests ("sollicitations"): the API, the confidential fields, filters,
// If-Match, history, and `terrier import requests`.

#include <map>

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
                R"({"received_on": "31/02/2026", "requester": "M. Xavier", "subject": "Local"})",
                member_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["field"], "received_on");
  r = send("POST", "/api/requests",
           R"({"received_on": "2026-03-01", "requester": "M. Xavier", "subject": "Local",
    "channel": "pigeon voyageur"})",
           member_);
  EXPECT_EQ(json::parse(r.body)["field"], "channel");
  EXPECT_NE(json::parse(r.body)["detail"].get<std::string>().find("téléphone, e-mail"),
            std::string::npos);
  r = send("POST", "/api/requests",
           R"({"received_on": "2026-03-01", "subject": "Local", "commune": "Atlantide"})", member_);
  EXPECT_EQ(json::parse(r.body)["field"], "requester");
  EXPECT_NE(json::parse(r.body)["detail"].get<std::string>().find("commune"), std::string::npos);
  EXPECT_EQ(send("POST", "/api/requests",
                 R"({"received_on": "2026-03-01", "requester": "M. Xavier", "subject": "Local",
    "need_id": 999999})",
                 member_)
                .status,
            400);
  EXPECT_EQ(send("POST", "/api/requests", "[1,2]", member_).status, 400);
  EXPECT_EQ(requests(), 0);
}

// The page builds the request form from these specs (requests.js): labels,
// controls, lists, what is required, limits, and which fields are
// confidential (shown only to a session that reads them).
TEST_F(RequestTest, MapConfigSendsTheRequestFormsFieldSpecs) {
  auto r = get("/api/map-config");
  ASSERT_EQ(r.status, 200);
  const json config = json::parse(r.body);
  std::map<std::string, json> spec;
  for (const auto& f : config["fields"]["request"]) spec[f["name"].get<std::string>()] = f;
  ASSERT_EQ(spec.size(), config["fields"]["request"].size());
  EXPECT_EQ(spec["received_on"]["label"], "Reçue le");
  EXPECT_EQ(spec["received_on"]["control"], "date");
  EXPECT_EQ(spec["received_on"]["required"], true);
  EXPECT_EQ(spec["requester"]["maxlength"], 200);
  EXPECT_EQ(spec["requester"]["required"], true);
  EXPECT_EQ(spec["commune"]["maxlength"], 120);
  EXPECT_EQ(spec["commune"]["placeholder"], "nom ou code INSEE");
  EXPECT_EQ(spec["subject"]["maxlength"], 1000);
  EXPECT_EQ(spec["organisation"]["required"], false);
  EXPECT_EQ(spec["channel"]["control"], "choice");
  EXPECT_EQ(spec["channel"]["vocabulary"], "request_channels");
  EXPECT_EQ(spec["status"]["vocabulary"], "request_statuses");
  EXPECT_EQ(spec["need_id"]["control"], "reference");
  EXPECT_EQ(spec["need_id"]["labelled"], "Besoin lié (n°)");
  EXPECT_EQ(spec["place_id"]["control"], "reference");
  for (const char* name : {"contact", "notes"}) EXPECT_EQ(spec[name]["confidential"], true) << name;
  for (const char* name : {"requester", "subject", "organisation", "commune"})
    EXPECT_EQ(spec[name]["confidential"], false) << name;
}

// The catalogue's limit (the form's maxlength) is the server's, in
// characters: 200 accented letters pass, 201 do not, and the refusal says the
// limit in French.
TEST_F(RequestTest, TextsBeyondTheCataloguesLimitAreRefusedCountedInCharacters) {
  std::string name;
  for (int i = 0; i < 200; ++i) name += "é";
  auto body = [](const std::string& requester) {
    return json{{"received_on", "2026-03-01"}, {"requester", requester}, {"subject", "Local"}}
        .dump();
  };
  EXPECT_EQ(send("POST", "/api/requests", body(name), member_).status, 201);
  auto r = send("POST", "/api/requests", body(name + "é"), member_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["field"], "requester");
  EXPECT_NE(json::parse(r.body)["detail"].get<std::string>().find("au plus 200 caractères"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(requests(), 1);
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
  EXPECT_NE(r.output.find(":line 3: rejected: column 'Commune': 'Atlantide'"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(":line 3: rejected: column 'Canal': 'pigeon'"), std::string::npos)
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
  EXPECT_EQ(
      text.rfind("\xEF\xBB\xBFRéférence;Reçue le;Demandeur;Organisation;Commune;Objet;Canal;", 0),
      0u)
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

// A table of requests as another team writes it: its own headers (case,
// accents, words), ',' between cells, dates as people write them, channels
// in their words; then the same table saved by LibreOffice as XLSX.
TEST_F(RequestTest, ARequestsTableWrittenByOthersIsReadWithTheImportsConventions) {
  std::string file = "/tmp/terrier-requests-others-" + db_.name() + ".csv";
  std::ofstream(file) << "N°,DATE DE LA DEMANDE,Demandeuse,STRUCTURE ,canal,Objet de la demande,"
                         "Ville,État\n"
                         "A-1,12/03/2026,Mme Martin,Café des Possibles,TÉLÉPHONE,\"Local, 200 m²\","
                         "Roubaix,En cours\n"
                         "A-2,12 mars 2026,M. Durand,,Courriel,Atelier,59350,clos\n";
  const std::string env = "TERRIER_DATABASE_URL=" + db_.url();
  auto r = run_terrier("import requests --source autres " + file, env);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("read 2, inserted 2, updated 0, unchanged 0, rejected 0"),
            std::string::npos)
      << r.output;
  const std::string rows =
      "SELECT string_agg(external_id || '/' || received_on || '/' || requester || '/' || "
      "coalesce(organisation, '-') || '/' || channel || '/' || subject || '/' || commune_code || "
      "'/' || status, ' ' ORDER BY external_id) FROM requests";
  EXPECT_EQ(value(rows),
            "A-1/2026-03-12/Mme Martin/Café des Possibles/téléphone/Local, 200 m²/59512/ouverte "
            "A-2/2026-03-12/M. Durand/-/e-mail/Atelier/59350/close");

  // The same table as LibreOffice saves it (read as French, 1036: dates are
  // day first): the same requests, unchanged.
  std::string dir = "/tmp/terrier-requests-lo-" + db_.name();
  std::filesystem::create_directories(dir);
  auto out = run_command("HOME=" + dir + " soffice --headless --norestore --convert-to xlsx " +
                         "--infilter=CSV:44,34,76,1,,1036 --outdir " + dir + " " + file);
  std::string xlsx = dir + "/" + std::filesystem::path(file).stem().string() + ".xlsx";
  ASSERT_TRUE(std::filesystem::exists(xlsx)) << out;
  auto again = run_terrier("import requests --source autres " + xlsx, env);
  EXPECT_NE(again.output.find("read 2, inserted 0, updated 0, unchanged 2, rejected 0"),
            std::string::npos)
      << again.output;
  std::filesystem::remove_all(dir);
  std::remove(file.c_str());
}

// A channel no one knows and a date that is none: the row is refused with
// the file, its line, the column as written and the reason in French, in
// the report on stderr, the --reject-report file and the API's answer; with
// --strict nothing is written.
TEST_F(RequestTest, ABadChannelOrDateIsRefusedWithFileLineColumnAndFrench) {
  std::string file = "/tmp/terrier-requests-bad-" + db_.name() + ".csv";
  const std::string table =
      "Date de la demande;Demandeur;Objet;Canal\n"
      "12/03/2026;Mme Martin;Local;pigeon voyageur\n"
      "31/02/2026;M. Durand;Atelier;mail\n"
      "14/03/2026;Mme Leroy;Bureau;tel\n";
  std::ofstream(file) << table;
  std::string report = file + ".rejets.csv";
  const std::string env = "TERRIER_DATABASE_URL=" + db_.url();
  auto r = run_terrier("import requests --strict --reject-report " + report + " " + file, env);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(file + ":line 2: rejected: column 'Canal': 'pigeon voyageur'"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("téléphone, e-mail, courrier"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(file + ":line 3: rejected: column 'Date de la demande': '31/02/2026'"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(requests(), 0);  // --strict: nothing written
  std::ifstream in(report);
  std::string rejects((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(rejects.find("\"Canal\";\"pigeon voyageur\""), std::string::npos) << rejects;
  EXPECT_NE(rejects.find(";2;"), std::string::npos) << rejects;
  EXPECT_NE(rejects.find(";3;\"Date de la demande\""), std::string::npos) << rejects;

  auto api = send("POST", "/api/imports?kind=requests&strict=true", table, admin_);
  EXPECT_EQ(api.status, 422) << api.body;
  auto body = json::parse(api.body);
  ASSERT_TRUE(body.contains("issues")) << api.body;
  bool channel = false, date = false;
  for (const auto& i : body["issues"]) {
    if (i["column"] == "Canal" && i["line"] == 2) {
      channel = true;
      EXPECT_EQ(i["code"], "unknown_term") << i;
      EXPECT_NE(i["reason"].get<std::string>().find("pigeon voyageur"), std::string::npos) << i;
    }
    if (i["column"] == "Date de la demande" && i["line"] == 3) date = true;
  }
  EXPECT_TRUE(channel && date) << api.body;
  EXPECT_EQ(requests(), 0);
  std::remove(file.c_str());
  std::remove(report.c_str());
}

// The list's export: the filters of the page (status, channel, q) select
// the rows; a member's file has neither contact nor notes, a foundation's
// has them; the member's file imported back changes nothing.
TEST_F(RequestTest, TheListsExportHonoursItsFiltersAndKeepsContactsFromMembers) {
  create(R"({"received_on": "2026-03-12", "requester": "Mme Martin", "subject": "Local",
    "channel": "e-mail", "status": "close", "contact": "06 11 22 33 44", "notes": "Rappeler"})",
         foundation_);
  create(R"({"received_on": "2026-03-13", "requester": "M. Durand", "subject": "Atelier vélo",
    "channel": "e-mail", "status": "close", "contact": "durand@example.org"})",
         foundation_);
  create(R"({"received_on": "2026-03-14", "requester": "Mme Leroy", "subject": "Étude de sol",
    "channel": "téléphone", "status": "close"})",
         foundation_);
  create(R"({"received_on": "2026-03-15", "requester": "M. Petit", "subject": "Atelier",
    "channel": "e-mail"})",
         foundation_);
  auto member = get("/api/requests/export?format=csv&status=close&channel=e-mail", member_);
  ASSERT_EQ(member.status, 200) << member.body;
  EXPECT_NE(member.body.find("Mme Martin"), std::string::npos) << member.body;
  EXPECT_NE(member.body.find("M. Durand"), std::string::npos) << member.body;
  EXPECT_EQ(member.body.find("Mme Leroy"), std::string::npos) << member.body;  // téléphone
  EXPECT_EQ(member.body.find("M. Petit"), std::string::npos) << member.body;   // ouverte
  for (const char* secret : {"Contact", "Remarques", "06 11", "durand@", "Rappeler"})
    EXPECT_EQ(member.body.find(secret), std::string::npos) << secret << "\n" << member.body;
  // q as the page searches: case and accents ignored.
  auto q = get("/api/requests/export?format=csv&q=etude", member_);
  ASSERT_EQ(q.status, 200);
  EXPECT_NE(q.body.find("Mme Leroy"), std::string::npos) << q.body;
  EXPECT_EQ(q.body.find("M. Durand"), std::string::npos) << q.body;
  auto foundation = get("/api/requests/export?format=csv&status=close&channel=e-mail", foundation_);
  EXPECT_NE(foundation.body.find(";Contact;Remarques"), std::string::npos) << foundation.body;
  EXPECT_NE(foundation.body.find("\"06 11 22 33 44\""), std::string::npos) << foundation.body;
  // The filters are the list's: a bad one is refused by name.
  auto bad = get("/api/requests/export?format=csv&channel=pigeon", member_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["field"], "channel");
  EXPECT_EQ(get("/api/requests/export?limit=3", member_).status, 400);
  EXPECT_EQ(get("/api/requests?channel=e-mail&status=close", member_).body,
            get("/api/requests?status=close&channel=e-mail", member_).body);
  EXPECT_EQ(json::parse(get("/api/requests?channel=e-mail", member_).body)["numberMatched"], 3);

  // The member's file, imported back: nothing changes, the notes it did not
  // carry included.
  const std::string before = value(
      "SELECT string_agg(r::text || p::text, '|' ORDER BY r.id) FROM requests r LEFT JOIN "
      "request_private p ON p.request_id = r.id");
  std::string file = "/tmp/terrier-requests-member-" + db_.name() + ".csv";
  std::ofstream(file, std::ios::binary) << member.body;
  auto back = run_terrier("import requests " + file, "TERRIER_DATABASE_URL=" + db_.url());
  std::remove(file.c_str());
  EXPECT_NE(back.output.find("read 2, inserted 0, updated 0, unchanged 2, rejected 0"),
            std::string::npos)
      << back.output;
  EXPECT_EQ(value("SELECT string_agg(r::text || p::text, '|' ORDER BY r.id) FROM requests r LEFT "
                  "JOIN request_private p ON p.request_id = r.id"),
            before);
}

}  // namespace
}  // namespace terrier::test
