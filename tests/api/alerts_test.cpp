// Alerts (issue 23): saved searches, their private Atom feeds read by a real
// feed parser (Debian's python3-feedparser), a need's feed, and the e-mail
// digests received by a real SMTP server (Debian's python3-aiosmtpd), against
// a real `terrier serve` and PostGIS. Each item reaches only a person whose
// role reads it, with only the fields that role reads.

#include <fcntl.h>
#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/api/account_fixture.hpp"
#include "tests/support/python_server.hpp"

namespace terrier::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A public opportunity in Lille that the searches below fit, with an owner
// only foundations and admins read.
const std::string kFitting = R"({"type": "Feature",
  "geometry": {"type": "Point", "coordinates": [3.0606, 50.6359]},
  "properties": {"title": "Atelier rue Solférino", "kind": "atelier", "built_surface_m2": 300,
                 "tenures": ["location"], "rent_eur_month": 900, "visibility": "public",
                 "owner_name": "SCI Solférino Secrète"}})";

// The page's query string: filters, and the page's own parameters.
const std::string kQuery =
    "kind=atelier,bureau&surface_min=100&layers=opportunities,needs&color=tenure";

// The SMTP receiver (tests/support/smtp_receiver.py, aiosmtpd) in its own
// process, writing each message it gets as JSON in `folder`.
class SmtpReceiver : public PythonServer {
 public:
  explicit SmtpReceiver(std::string folder)
      : PythonServer("smtp_receiver.py", folder), folder_(std::move(folder)) {}

  // The messages received so far, in order.
  std::vector<json> messages() const {
    std::vector<fs::path> files;
    if (fs::exists(folder_)) {
      for (const auto& e : fs::directory_iterator(folder_)) {
        if (e.path().extension() == ".json") files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
    std::vector<json> out;
    for (const auto& f : files) out.push_back(json::parse(std::ifstream(f)));
    return out;
  }

 private:
  std::string folder_;
};

class AlertsTest : public AccountTest {
 protected:
  void SetUp() override {
    AccountTest::SetUp();
    admin_ = token("admin");
  }

  // An account of `role` with its password, signed in: its session cookie.
  std::string person(const std::string& email, const std::string& role) {
    create_account(email, "--role " + role);
    return signed_in_cookie(email);
  }

  // The saved search's answer.
  json save(const std::string& cookie, const std::string& name, const std::string& query,
            bool email = false) {
    auto r = with_cookie("POST", "/api/searches", cookie,
                         json{{"name", name}, {"query", query}, {"email", email}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? json::parse(r.body) : json::object();
  }

  // The path of a feed's address.
  static std::string path_of(const std::string& url) {
    std::smatch m;
    EXPECT_TRUE(std::regex_match(
        url, m, std::regex(R"(^http://127\.0\.0\.1:\d+(/feeds/[0-9a-f]{64}\.atom)$)")))
        << url;
    return m.size() > 1 ? m[1].str() : "";
  }

  // The feed as a feed reader reads it: feedparser's entries, or its status.
  json read_feed(const std::string& url) {
    auto r = get(path_of(url));
    if (r.status != 200) return json{{"status", r.status}};
    EXPECT_EQ(r.header("Content-Type"), "application/atom+xml; charset=utf-8");
    std::string file = "/tmp/terrier-feed-" + db_.name() + ".atom";
    std::ofstream(file) << r.body;
    const char* script =
        "import feedparser, json, sys\n"
        "d = feedparser.parse(sys.argv[1])\n"
        "print(json.dumps({'status': 200, 'bozo': d.bozo, 'version': d.version,\n"
        "  'title': d.feed.get('title'), 'raw': open(sys.argv[1]).read(),\n"
        "  'entries': [{'title': e.title, 'link': e.link, 'id': e.id, 'updated': e.updated,\n"
        "               'summary': e.summary} for e in d.entries]}))\n";
    std::string py = "/tmp/terrier-feed-" + db_.name() + ".py";
    std::ofstream(py) << script;
    auto out = run_command("/usr/bin/python3 " + py + " " + file);
    std::remove(file.c_str());
    std::remove(py.c_str());
    try {
      return json::parse(out);
    } catch (const std::exception&) {
      ADD_FAILURE() << "feedparser: " << out;
      return json::object();
    }
  }

  HttpResponse write(const std::string& method, const std::string& target, const std::string& body,
                     const std::string& extra = "") {
    std::string h = "Authorization: Bearer " + admin_ + "\r\nContent-Type: application/json\r\n" +
                    "Content-Length: " + std::to_string(body.size()) + "\r\n" + extra;
    return http_request(port_, method, target, h, body);
  }

  // A new opportunity through the API, as the page writes it: its id.
  std::string create(const std::string& feature) {
    auto r = write("POST", "/api/opportunities", feature);
    EXPECT_EQ(r.status, 201) << r.body;
    return std::to_string(json::parse(r.body)["id"].get<long long>());
  }

  json searches(const std::string& cookie) {
    auto r = with_cookie("GET", "/api/searches", cookie, "", "");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }

  CommandResult send_digests(int smtp_port) {
    return run_terrier("alerts send",
                       "TERRIER_DATABASE_URL=" + db_.url() +
                           " TERRIER_SMTP_URL=smtp://127.0.0.1:" + std::to_string(smtp_port) +
                           " TERRIER_MAIL_FROM=terrier@example.org"
                           " TERRIER_PUBLIC_URL=https://terrier.example.org");
  }

  std::string admin_;
};

TEST_F(AlertsTest, ASavedSearchsFeedListsWhatNewlyFitsAtOnceWithOnlyWhatTheRoleReads) {
  std::string member = person("marie@example.org", "member");
  std::string foundation = person("fanny@example.org", "foundation");
  json mine = save(member, "Ateliers de 100 m² et plus", kQuery);
  json theirs = save(foundation, "Ateliers de 100 m² et plus", kQuery);
  EXPECT_EQ(mine["query"], kQuery);
  EXPECT_EQ(mine["new_count"], 0);
  EXPECT_FALSE(mine["email"].get<bool>());

  // Nothing fits yet among the fixture's rows (a mixed building, a shop,
  // a warehouse): an empty, valid feed.
  json empty = read_feed(mine["feed_url"]);
  EXPECT_EQ(empty["bozo"], false) << empty.dump();
  EXPECT_EQ(empty["version"], "atom10");
  EXPECT_EQ(empty["title"], "Terrier — Ateliers de 100 m² et plus");
  EXPECT_TRUE(empty["entries"].empty()) << empty.dump();

  std::string fitting = create(kFitting);
  create(R"({"type": "Feature", "geometry": {"type": "Point", "coordinates": [3.07, 50.63]},
    "properties": {"title": "Boutique trop petite", "kind": "commerce", "built_surface_m2": 300,
                   "visibility": "public"}})");
  std::string hidden = create(R"({"type": "Feature",
    "geometry": {"type": "Point", "coordinates": [3.08, 50.64]},
    "properties": {"title": "Atelier confidentiel", "kind": "atelier", "built_surface_m2": 500,
                   "visibility": "confidentiel", "owner_name": "Famille Discrète"}})");

  json feed = read_feed(mine["feed_url"]);
  ASSERT_EQ(feed["bozo"], false) << feed.dump();
  ASSERT_EQ(feed["entries"].size(), 1u) << feed.dump();
  const json& entry = feed["entries"][0];
  EXPECT_EQ(entry["title"], "Atelier rue Solférino");
  EXPECT_EQ(entry["link"], fmt::format("http://127.0.0.1:{}/?opportunity={}", port_, fitting));
  EXPECT_NE(entry["summary"].get<std::string>().find("Nouvelle opportunité — Atelier · Lille · "
                                                     "300\u00a0m² · location · 900\u00a0€/mois · "
                                                     "disponible"),
            std::string::npos)
      << entry["summary"];
  // Nothing a member may not read, anywhere in the feed.
  const std::string raw = feed["raw"];
  EXPECT_EQ(raw.find("SCI Solférino Secrète"), std::string::npos);
  EXPECT_EQ(raw.find("confidentiel"), std::string::npos);
  EXPECT_EQ(raw.find("Famille Discrète"), std::string::npos);

  // A foundation reads the confidential row and the owners.
  json seen_by_foundation = read_feed(theirs["feed_url"]);
  ASSERT_EQ(seen_by_foundation["entries"].size(), 2u) << seen_by_foundation.dump();
  EXPECT_EQ(seen_by_foundation["entries"][0]["link"],
            fmt::format("http://127.0.0.1:{}/?opportunity={}", port_, hidden));
  EXPECT_NE(
      seen_by_foundation["raw"].get<std::string>().find("Propriétaire : SCI Solférino Secrète"),
      std::string::npos);

  // The page's counter: one new since the search was saved, none once opened.
  json listed = searches(member);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["new_count"], 1);
  EXPECT_EQ(
      with_cookie("POST", fmt::format("/api/searches/{}/seen", mine["id"].get<long long>()), member)
          .status,
      204);
  EXPECT_EQ(searches(member)[0]["new_count"], 0);

  // A change of status brings it back to the top, saying what changed; a
  // change of a field no search reads does not.
  auto before = get("/ogcapi/collections/opportunities/items/" + fitting, admin_);
  auto changed = write("PATCH", "/api/opportunities/" + fitting, R"({"status": "en discussion"})",
                       "If-Match: " + before.header("ETag") + "\r\n");
  ASSERT_EQ(changed.status, 200) << changed.body;
  feed = read_feed(mine["feed_url"]);
  ASSERT_EQ(feed["entries"].size(), 1u);
  EXPECT_NE(feed["entries"][0]["summary"].get<std::string>().find("Modifiée : statut"),
            std::string::npos)
      << feed["entries"][0]["summary"];
  EXPECT_EQ(searches(member)[0]["new_count"], 1);
  EXPECT_EQ(
      with_cookie("POST", fmt::format("/api/searches/{}/seen", mine["id"].get<long long>()), member)
          .status,
      204);
  before = get("/ogcapi/collections/opportunities/items/" + fitting, admin_);
  ASSERT_EQ(write("PATCH", "/api/opportunities/" + fitting, R"({"address": "3 rue Solférino"})",
                  "If-Match: " + before.header("ETag") + "\r\n")
                .status,
            200);
  EXPECT_EQ(searches(member)[0]["new_count"], 0);
}

TEST_F(AlertsTest, SearchesAreOnesOwnAndRefuseWhatTheyCannotRead) {
  std::string member = person("marie@example.org", "member");
  std::string other = person("olga@example.org", "member");
  json mine = save(member, "Lens", "territory=lens&surface_min=300");
  const std::string path = fmt::format("/api/searches/{}", mine["id"].get<long long>());

  // Refusals name their field.
  auto bad = with_cookie("POST", "/api/searches", member,
                         json{{"name", "Château"}, {"query", "kind=château"}}.dump());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["field"], "query") << bad.body;
  auto unnamed =
      with_cookie("POST", "/api/searches", member, json{{"query", "kind=bureau"}}.dump());
  EXPECT_EQ(unnamed.status, 400);
  EXPECT_EQ(json::parse(unnamed.body)["field"], "name");
  EXPECT_EQ(send("GET", "/api/searches", "", "").status, 401);
  EXPECT_EQ(send("GET", "/api/searches", "", "Authorization: Bearer " + member_ + "\r\n").status,
            403);  // a shared token belongs to nobody

  // Another person sees none of it and changes nothing.
  EXPECT_TRUE(searches(other).empty());
  EXPECT_EQ(with_cookie("PATCH", path, other, R"({"name": "À moi"})").status, 404);
  EXPECT_EQ(with_cookie("DELETE", path, other).status, 404);
  EXPECT_EQ(with_cookie("POST", path + "/feed", other).status, 404);

  auto renamed = with_cookie("PATCH", path, member, R"({"name": "Lens et alentours"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(json::parse(renamed.body)["name"], "Lens et alentours");
  EXPECT_EQ(audit_count("create") + audit_count("update") >= 2, true);
  EXPECT_EQ(value("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE entity = "
                  "'saved_search'"),
            "create,update");

  EXPECT_EQ(with_cookie("DELETE", path, member).status, 204);
  EXPECT_EQ(read_feed(mine["feed_url"])["status"], 404);
  EXPECT_TRUE(searches(member).empty());
}

TEST_F(AlertsTest, AFeedStopsWhenRenewedWhenTheAccountIsResetOrDisabled) {
  std::string member = person("marie@example.org", "member");
  std::string foundation = person("fanny@example.org", "foundation");
  json mine = save(member, "Ateliers", kQuery);
  json theirs = save(foundation, "Ateliers", kQuery);
  ASSERT_EQ(read_feed(mine["feed_url"])["status"], 200);

  // A new address: the old one answers 404 at once.
  auto renewed = with_cookie(
      "POST", fmt::format("/api/searches/{}/feed", mine["id"].get<long long>()), member);
  ASSERT_EQ(renewed.status, 201) << renewed.body;
  std::string fresh = json::parse(renewed.body)["feed_url"];
  EXPECT_NE(fresh, mine["feed_url"]);
  EXPECT_EQ(read_feed(mine["feed_url"])["status"], 404);
  EXPECT_EQ(read_feed(fresh)["status"], 200);
  // The secret never reaches the list, nor the audit log.
  std::string secret = path_of(fresh).substr(7, 64);
  EXPECT_EQ(searches(member).dump().find(secret), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE after::text LIKE '%" + secret + "%'"), 0);

  // A reset (a stolen account): the feed stops, and stays stopped once the
  // person has chosen a new password.
  auto reset = terrier("user reset marie@example.org");
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_EQ(read_feed(fresh)["status"], 404);
  ASSERT_EQ(accept(token_of_last_line(reset.output), kPassword, kPassword).status, 201);
  EXPECT_EQ(read_feed(fresh)["status"], 404);

  ASSERT_EQ(read_feed(theirs["feed_url"])["status"], 200);
  ASSERT_EQ(terrier("user disable fanny@example.org").exit_code, 0);
  EXPECT_EQ(read_feed(theirs["feed_url"])["status"], 404);
  // Whatever the address, the same answer.
  EXPECT_EQ(get("/feeds/not-a-secret.atom").status, 404);
  EXPECT_EQ(get("/feeds/" + std::string(64, 'a') + ".atom").status, 404);
}

TEST_F(AlertsTest, ANeedsFeedListsItsMatchesAboveTheScore) {
  std::string member = person("marie@example.org", "member");
  std::string need = add_matched_need();
  long long matches = count(
      "SELECT count(*) FROM matches m JOIN opportunities o ON o.id = "
      "m.opportunity_id WHERE m.need_id = " +
      need + " AND m.still_valid AND o.visibility = 'public'");
  ASSERT_GT(matches, 0);
  auto made = with_cookie("POST", "/api/needs/" + need + "/feed", member, R"({"min_score": 0})");
  ASSERT_EQ(made.status, 201) << made.body;
  json feed = read_feed(json::parse(made.body)["feed_url"]);
  ASSERT_EQ(feed["bozo"], false) << feed.dump();
  EXPECT_EQ(feed["title"], "Terrier — propositions pour « Collectif du Nord »");
  // A member reads the public and network rows' matches.
  long long readable = count(
      "SELECT count(*) FROM matches m JOIN opportunities o ON o.id = m.opportunity_id WHERE "
      "m.need_id = " +
      need + " AND m.still_valid AND o.visibility IN ('public', 'réseau')");
  ASSERT_EQ(static_cast<long long>(feed["entries"].size()), readable) << feed.dump();
  for (const auto& e : feed["entries"]) {
    EXPECT_TRUE(std::regex_search(e["link"].get<std::string>(), std::regex(R"(/\?match=\d+$)")));
    EXPECT_NE(e["summary"].get<std::string>().find("Nouvelle proposition"), std::string::npos);
  }
  // Above every score: an empty feed; refusals.
  auto high = with_cookie("POST", "/api/needs/" + need + "/feed", member, R"({"min_score": 100})");
  ASSERT_EQ(high.status, 201);
  EXPECT_TRUE(read_feed(json::parse(high.body)["feed_url"])["entries"].empty());
  EXPECT_EQ(
      with_cookie("POST", "/api/needs/" + need + "/feed", member, R"({"min_score": 101})").status,
      400);
  EXPECT_EQ(with_cookie("POST", "/api/needs/999999/feed", member, "{}").status, 404);
}

TEST_F(AlertsTest, ADigestMailsWhatIsNewOnceAndRetriesAFailedSend) {
  std::string member = person("marie@example.org", "member");
  std::string quiet = person("quentin@example.org", "member");
  save(member, "Ateliers de 100 m² et plus", kQuery, true);
  save(quiet, "Ateliers sans e-mail", kQuery, false);
  const std::string folder = "/tmp/terrier-smtp-" + db_.name();
  fs::remove_all(folder);
  auto receiver = std::make_unique<SmtpReceiver>(folder);
  ASSERT_GT(receiver->port(), 0);

  // Nothing new: nothing sent.
  auto none = send_digests(receiver->port());
  ASSERT_EQ(none.exit_code, 0) << none.output;
  EXPECT_TRUE(receiver->messages().empty());

  std::string fitting = create(kFitting);
  auto run = send_digests(receiver->port());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("1 message(s) sent, 1 item(s); 0 failed"), std::string::npos)
      << run.output;
  auto mails = receiver->messages();
  ASSERT_EQ(mails.size(), 1u);
  const json& mail = mails[0];
  EXPECT_EQ(mail["rcpt_tos"], json::array({"marie@example.org"}));
  EXPECT_EQ(mail["mail_from"], "terrier@example.org");
  EXPECT_EQ(mail["subject"], "Terrier : 1 opportunité nouvelle ou modifiée");
  // A text and an HTML version of the same message.
  EXPECT_EQ(mail["content_types"],
            json::array({"multipart/mixed", "multipart/alternative", "text/plain", "text/html"}));
  const std::string link = "https://terrier.example.org/?opportunity=" + fitting;
  for (const char* part : {"text", "html"}) {
    SCOPED_TRACE(part);
    ASSERT_TRUE(mail[part].is_string());
    std::string body = mail[part];
    EXPECT_NE(body.find("Atelier rue Solférino"), std::string::npos) << body;
    EXPECT_NE(body.find(link), std::string::npos) << body;
    EXPECT_NE(body.find("Ateliers de 100 m² et plus"), std::string::npos) << body;
    EXPECT_EQ(body.find("SCI Solférino Secrète"), std::string::npos) << "a member's digest";
  }
  EXPECT_EQ(audit_count("alert_digest"), 1);

  // A second run: nothing new, nothing sent.
  ASSERT_EQ(send_digests(receiver->port()).exit_code, 0);
  EXPECT_EQ(receiver->messages().size(), 1u);

  // The server is down: the run says so and keeps the item for the next one.
  const int old_port = receiver->port();
  receiver->stop();
  std::string second = create(R"({"type": "Feature",
    "geometry": {"type": "Point", "coordinates": [3.05, 50.62]},
    "properties": {"title": "Bureaux de l'ancienne filature", "kind": "bureau",
                   "built_surface_m2": 450, "visibility": "réseau"}})");
  auto failed = send_digests(old_port);
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find("sending to marie@example.org through smtp://127.0.0.1:"),
            std::string::npos)
      << failed.output;
  EXPECT_EQ(audit_count("alert_digest"), 1);

  receiver = std::make_unique<SmtpReceiver>(folder);
  auto retried = send_digests(receiver->port());
  ASSERT_EQ(retried.exit_code, 0) << retried.output;
  mails = receiver->messages();
  ASSERT_EQ(mails.size(), 2u);
  std::string text = mails[1]["text"];
  EXPECT_NE(text.find("Bureaux de l'ancienne filature"), std::string::npos) << text;
  EXPECT_EQ(text.find("Atelier rue Solférino"), std::string::npos) << "sent once only";
  EXPECT_EQ(audit_count("alert_digest"), 2);

  // A disabled account gets nothing more.
  ASSERT_EQ(terrier("user disable marie@example.org").exit_code, 0);
  create(R"({"type": "Feature", "geometry": {"type": "Point", "coordinates": [3.06, 50.61]},
    "properties": {"title": "Atelier du canal", "kind": "atelier", "built_surface_m2": 200,
                   "visibility": "public"}})");
  ASSERT_EQ(send_digests(receiver->port()).exit_code, 0);
  EXPECT_EQ(receiver->messages().size(), 2u);
  fs::remove_all(folder);
}

}  // namespace
}  // namespace terrier::test
