// Trust at the edges (issue 20's security points), against a real `terrier
// serve` and PostGIS: a reset revokes personal tokens, admins list and revoke
// anyone's, a refused field stays refused when its value is null, the
// invitation's token never travels in a path, personal answers are not kept
// by caches, the last admin survives two concurrent demotions, a write's
// check runs under its row lock, and the public never reads the follow-up.

#include <array>
#include <chrono>
#include <functional>
#include <future>
#include <set>
#include <thread>

#include "tests/api/account_fixture.hpp"

namespace terrier::test {
namespace {

using namespace std::chrono_literals;

class SecurityTest : public AccountTest {
 protected:
  // A personal token made from a session, as the page makes it.
  std::pair<std::string, std::string> personal_token(const std::string& cookie,
                                                     const std::string& name) {
    auto r = with_cookie("POST", "/api/tokens", cookie, json{{"name", name}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    auto j = json::parse(r.body);
    return {j["token"].get<std::string>(), std::to_string(j["id"].get<long long>())};
  }

  HttpResponse with_bearer(const std::string& method, const std::string& target,
                           const std::string& bearer, const std::string& body = "") {
    return send(method, target, body, "Authorization: Bearer " + bearer + "\r\n");
  }

  std::string user_id(const std::string& email) {
    return value("SELECT id FROM users WHERE email = '" + email + "'");
  }

  void TearDown() override {
    if (second_pid_ > 0) {
      kill(second_pid_, SIGTERM);
      waitpid(second_pid_, nullptr, 0);
      close(second_stdout_);
    }
    AccountTest::TearDown();
  }

  // A second `terrier serve` on the same database (sessions live in
  // PostgreSQL: a cookie works on both): two requests sent one to each run
  // at once, whatever each server does with its threads. Its port.
  int second_server() {
    int pid = pid_, port = port_, out = stdout_;
    start_server();
    second_pid_ = pid_;
    second_stdout_ = stdout_;
    int second = port_;
    pid_ = pid;
    port_ = port;
    stdout_ = out;
    return second;
  }

  // Two PATCH requests with a session cookie, one to each server, sent at
  // once; `between` runs while both are in flight. Both statuses.
  std::multiset<int> two_patches_at_once(const std::array<std::string, 2>& targets,
                                         const std::array<std::string, 2>& cookies,
                                         const std::string& body,
                                         const std::function<void()>& between) {
    if (second_port_ == 0) second_port_ = second_server();
    std::array<int, 2> ports = {port_, second_port_};
    std::array<std::future<int>, 2> statuses;
    for (std::size_t i = 0; i < 2; ++i) {
      std::string host = "127.0.0.1:" + std::to_string(ports[i]);
      std::string headers =
          "Cookie: terrier_session=" + cookies[i] + "\r\nOrigin: http://" + host +
          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n";
      statuses[i] =
          std::async(std::launch::async, [port = ports[i], target = targets[i], headers, body] {
            return http_request(port, "PATCH", target, headers, body).status;
          });
    }
    between();
    return {statuses[0].get(), statuses[1].get()};
  }

  pid_t second_pid_ = -1;
  int second_stdout_ = -1;
  int second_port_ = 0;

  // Whether `n` backends of the test database wait on a lock, within 10 s
  // (pg_locks: pg_stat_activity hides other users' wait events).
  bool backends_waiting_on_locks(long long n) {
    for (int i = 0; i < 200; ++i) {
      if (count("SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = "
                "l.pid WHERE NOT l.granted AND a.datname = current_database()") >= n) {
        return true;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
};

TEST_F(SecurityTest, AResetRevokesATokenCreatedJustBeforeIt) {
  create_account("vol@example.org", "--role member");
  std::string cookie = signed_in_cookie("vol@example.org");
  auto [secret, id] = personal_token(cookie, "QGIS volé");
  ASSERT_EQ(get("/api/session", secret).status, 200);
  EXPECT_EQ(json::parse(get("/api/session", secret).body)["role"], "member");

  auto reset = terrier("user reset vol@example.org");
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_NE(reset.output.find("tokens revoked"), std::string::npos) << reset.output;
  EXPECT_EQ(get("/api/session", secret).status, 401);
  EXPECT_EQ(session_with(cookie)["role"], "public");
  EXPECT_EQ(count("SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL AND user_id = " +
                  user_id("vol@example.org")),
            0);
  EXPECT_EQ(value("SELECT after->'revoked_tokens'->>0 FROM audit_log WHERE action = 'reset'"), id);
  // The new password gives a new session, not the old token back.
  ASSERT_EQ(accept(token_of_last_line(reset.output), kPassword, kPassword).status, 201);
  EXPECT_EQ(get("/api/session", secret).status, 401);
}

TEST_F(SecurityTest, APersonalTokenWorksOnlyForAnActiveAccountWithAPassword) {
  create_account("lea@example.org", "--role member");
  auto [secret, id] = personal_token(signed_in_cookie("lea@example.org"), "script");
  ASSERT_EQ(get("/api/session", secret).status, 200);
  {
    // No password any more, the token left as it was (not through a reset).
    pqxx::work w(*conn_);
    w.exec("UPDATE users SET password_hash = NULL WHERE email = 'lea@example.org'");
    w.commit();
  }
  EXPECT_EQ(get("/api/session", secret).status, 401);
  EXPECT_EQ(get("/ogcapi/collections/opportunities/items", secret).status, 401);
}

TEST_F(SecurityTest, AdminsListAndRevokeAnyonesTokensWithoutSeeingTheirSecrets) {
  create_account("chef@example.org", "--role admin");
  create_account("rose@example.org", "--role member");
  std::string admin = signed_in_cookie("chef@example.org");
  std::string rose_cookie = signed_in_cookie("rose@example.org");
  auto [secret, token_id] = personal_token(rose_cookie, "QGIS de Rose");
  std::string rose = user_id("rose@example.org");
  std::string tokens = "/api/users/" + rose + "/tokens";

  EXPECT_EQ(get(tokens).status, 401);
  EXPECT_EQ(with_cookie("GET", tokens, rose_cookie).status, 403);
  EXPECT_EQ(get(tokens, member_).status, 403);
  auto listed = with_cookie("GET", tokens, admin);
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto list = json::parse(listed.body);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"].get<long long>(), std::stoll(token_id));
  EXPECT_EQ(list[0]["name"], "QGIS de Rose");
  EXPECT_TRUE(list[0].contains("created_at"));
  EXPECT_TRUE(list[0].contains("last_used_at"));
  EXPECT_EQ(list[0].size(), 4u) << list[0];
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  EXPECT_EQ(with_cookie("GET", "/api/users/999999/tokens", admin).status, 404);

  // The command line lists them too, never a secret; --user keeps one account.
  terrier("token create --role foundation --name partage-fondation");
  auto all = terrier("token list");
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("QGIS de Rose"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("rose@example.org"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("partage-fondation"), std::string::npos) << all.output;
  EXPECT_EQ(all.output.find(secret), std::string::npos);
  auto hers = terrier("token list --user rose@example.org");
  ASSERT_EQ(hers.exit_code, 0) << hers.output;
  EXPECT_NE(hers.output.find("QGIS de Rose"), std::string::npos) << hers.output;
  EXPECT_EQ(hers.output.find("partage-fondation"), std::string::npos) << hers.output;
  EXPECT_NE(hers.output.find("1 active token"), std::string::npos) << hers.output;
  EXPECT_EQ(terrier("token list --user personne@example.org").exit_code, 1);

  // Revoked by an admin: only the admin, only through the right account.
  std::string one = tokens + "/" + token_id;
  EXPECT_EQ(with_cookie("DELETE", one, rose_cookie).status, 403);
  EXPECT_EQ(with_cookie("DELETE",
                        "/api/users/" + user_id("chef@example.org") + "/tokens/" + token_id, admin)
                .status,
            404);
  ASSERT_EQ(get("/api/session", secret).status, 200);
  EXPECT_EQ(with_cookie("DELETE", one, admin).status, 204);
  EXPECT_EQ(get("/api/session", secret).status, 401);
  EXPECT_EQ(with_cookie("DELETE", one, admin).status, 404);
  EXPECT_EQ(json::parse(with_cookie("GET", tokens, admin).body).size(), 0u);
  EXPECT_EQ(value("SELECT actor FROM audit_log WHERE action = 'token_revoke'"), "chef@example.org");
}

TEST_F(SecurityTest, AMembersNullOnAConfidentialFieldIsRefusedAndChangesNothing) {
  auto created = send("POST", "/api/requests",
                      R"({"received_on": "2026-04-02", "requester": "M. Durand",
    "subject": "Terrain pour maraîchage", "commune": "59350", "channel": "e-mail",
    "contact": "durand@example.fr",
    "notes": "Rappeler en mai"})",
                      "Authorization: Bearer " + foundation_ + "\r\n");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = std::to_string(json::parse(created.body)["id"].get<long long>());
  auto stored = [&] {
    return value("SELECT contact || ' / ' || notes FROM request_private WHERE request_id = " + id);
  };
  ASSERT_EQ(stored(), "durand@example.fr / Rappeler en mai");

  for (const char* body : {R"({"contact": null, "notes": null})", R"({"contact": null})",
                           R"({"notes": null, "subject": "Autre sujet"})"}) {
    SCOPED_TRACE(body);
    auto r = with_bearer("PATCH", "/api/requests/" + id, member_, body);
    EXPECT_EQ(r.status, 403) << r.body;
    auto field = json::parse(r.body)["field"];
    EXPECT_TRUE(field == "contact" || field == "notes") << r.body;
    EXPECT_EQ(stored(), "durand@example.fr / Rappeler en mai");
  }
  EXPECT_EQ(value("SELECT subject FROM requests WHERE id = " + id), "Terrain pour maraîchage");
  // A new request with a null contact: refused too.
  auto create_null = with_bearer("POST", "/api/requests", member_,
                                 R"({"received_on": "2026-04-03", "requester": "x",
    "subject": "y", "contact": null})");
  EXPECT_EQ(create_null.status, 403) << create_null.body;
  EXPECT_EQ(json::parse(create_null.body)["field"], "contact");
  // The same on opportunities: a member's null on the notes of a public row.
  std::string t1 = id_of("T-1");
  auto notes_of_t1 = [&] {
    return value("SELECT coalesce((SELECT notes FROM opportunity_private WHERE opportunity_id = " +
                 t1 + "), '∅')");
  };
  std::string before = notes_of_t1();
  ASSERT_NE(before, "∅");
  auto opportunity =
      with_bearer("PATCH", "/api/opportunities/" + t1, member_, R"({"notes": null})");
  EXPECT_EQ(opportunity.status, 403) << opportunity.body;
  EXPECT_EQ(json::parse(opportunity.body)["field"], "notes");
  EXPECT_EQ(notes_of_t1(), before);
  // Who may read the field may clear it.
  EXPECT_EQ(with_bearer("PATCH", "/api/requests/" + id, foundation_, R"({"notes": null})").status,
            200);
  EXPECT_EQ(value("SELECT coalesce((SELECT notes FROM request_private WHERE request_id = " + id +
                  "), '∅')"),
            "∅");
}

TEST_F(SecurityTest, InvitationsTakeTheTokenInTheBodyNeverInThePath) {
  auto r = terrier("user invite ines@example.org --role member --name Inès");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string token = token_of_last_line(r.output);  // "/invitation.html#token=…"
  ASSERT_FALSE(token.empty());

  // No route takes the token in its path any more.
  EXPECT_EQ(get("/api/invitations/" + token).status, 404);
  EXPECT_EQ(send("POST", "/api/invitations/" + token,
                 json{{"password", kPassword}, {"password_confirmation", kPassword}}.dump(),
                 "Origin: " + origin() + "\r\n")
                .status,
            404);
  EXPECT_EQ(get("/api/invitations/lookup").status, 405);
  EXPECT_EQ(get("/api/invitations/accept").status, 405);

  auto shown = lookup(token);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(json::parse(shown.body)["email"], "ines@example.org");
  EXPECT_EQ(shown.header("Cache-Control"), "private, no-store");
  auto missing = send("POST", "/api/invitations/lookup", "{}", "");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(json::parse(missing.body)["field"], "token");
  EXPECT_EQ(lookup("0123").status, 404);
  // CSRF as before: another site's page cannot use the invitation.
  auto foreign = send(
      "POST", "/api/invitations/accept",
      json{{"token", token}, {"password", kPassword}, {"password_confirmation", kPassword}}.dump(),
      "Origin: https://evil.example\r\n");
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE password_hash IS NOT NULL"), 0);

  auto accepted = accept(token, kPassword, kPassword);
  ASSERT_EQ(accepted.status, 201) << accepted.body;
  EXPECT_EQ(session_with(cookie_of(accepted))["email"], "ines@example.org");
  EXPECT_EQ(lookup(token).status, 404);
  EXPECT_EQ(accept(token, kPassword, kPassword).status, 404);
}

TEST_F(SecurityTest, PersonalAnswersAreNeverStoredPublicOnesKeepTheirEtagAnd304) {
  const std::string items = "/ogcapi/collections/opportunities/items";
  auto pub = get(items);
  ASSERT_EQ(pub.status, 200);
  EXPECT_EQ(pub.header("Cache-Control"), "no-cache");
  EXPECT_EQ(pub.header("Vary"), "");
  std::string etag = pub.header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(http_get(port_, items, "If-None-Match: " + etag + "\r\n").status, 304);

  // The same route with a token, and with a session cookie.
  auto foundation = get(items, foundation_);
  ASSERT_EQ(foundation.status, 200);
  EXPECT_EQ(foundation.header("Cache-Control"), "private, no-store");
  EXPECT_EQ(foundation.header("Vary"), "Cookie, Authorization");
  create_account("zoe@example.org", "--role foundation");
  std::string cookie = signed_in_cookie("zoe@example.org");
  for (const auto& target : {items, std::string("/api/session"), std::string("/api/requests"),
                             std::string("/api/followup"), std::string("/api/tokens")}) {
    SCOPED_TRACE(target);
    auto r = with_cookie("GET", target, cookie, "", "");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("Cache-Control"), "private, no-store");
    EXPECT_EQ(r.header("Vary"), "Cookie, Authorization");
  }
  // A personal route is private whoever asks, refusals included.
  auto anonymous_session = get("/api/session");
  EXPECT_EQ(anonymous_session.header("Cache-Control"), "private, no-store");
  EXPECT_EQ(get("/api/requests").header("Cache-Control"), "private, no-store");
  EXPECT_EQ(get(items, "unknown-token").header("Cache-Control"), "private, no-store");
  // The page's own files stay cacheable with a cookie.
  auto page = with_cookie("GET", "/app.js", cookie, "", "");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("Cache-Control"), "public, max-age=300");
}

TEST_F(SecurityTest, TwoAdminsDemotingEachOtherAtOnceLeaveExactlyOneAdmin) {
  create_account("ada@example.org", "--role admin");
  create_account("bob@example.org", "--role admin");
  std::string ada = signed_in_cookie("ada@example.org");
  std::string bob = signed_in_cookie("bob@example.org");
  std::string ada_id = user_id("ada@example.org"), bob_id = user_id("bob@example.org");

  // Both requests are held at the same point (the admins' rows locked by
  // the test), then let go together.
  auto holder = db_.connect();
  auto race = [&](const std::array<std::string, 2>& targets,
                  const std::array<std::string, 2>& cookies, const std::string& body) {
    pqxx::work hold(*holder);
    hold.exec("SELECT id FROM users WHERE role = 'admin' FOR UPDATE");
    return two_patches_at_once(targets, cookies, body, [&] {
      EXPECT_TRUE(backends_waiting_on_locks(2));
      hold.commit();
    });
  };
  EXPECT_EQ(
      race({"/api/users/" + bob_id, "/api/users/" + ada_id}, {ada, bob}, R"({"role": "member"})"),
      (std::multiset<int>{200, 409}));
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled"), 1);

  // The same with disabling.
  std::string survivor = value(
      "SELECT coalesce(string_agg(email, ','), '') FROM users WHERE role = 'admin' AND NOT "
      "disabled");
  ASSERT_TRUE(survivor == "ada@example.org" || survivor == "bob@example.org") << survivor;
  create_account("cyd@example.org", "--role admin");
  std::string cyd = signed_in_cookie("cyd@example.org");
  std::string survivor_cookie = signed_in_cookie(survivor);
  EXPECT_EQ(race({"/api/users/" + user_id(survivor), "/api/users/" + user_id("cyd@example.org")},
                 {cyd, survivor_cookie}, R"({"disabled": true})"),
            (std::multiset<int>{200, 409}));
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled"), 1);
}

TEST_F(SecurityTest, AWritesVisibilityCheckRunsUnderTheRowLock) {
  // While a member's edit of a "réseau" row waits, an admin makes the row
  // confidential: the member's edit, checked once it holds the row, finds a
  // row it may not read (404), and the row stays confidential.
  std::string t2 = id_of("T-2");
  auto holder = db_.connect();
  pqxx::work hold(*holder);
  hold.exec_params("UPDATE opportunities SET visibility = 'confidentiel' WHERE id = $1",
                   std::stoll(t2));
  auto edit = std::async(std::launch::async, [this, t2] {
    return with_bearer("PATCH", "/api/opportunities/" + t2, member_,
                       R"({"title": "Titre du membre"})");
  });
  EXPECT_TRUE(backends_waiting_on_locks(1));
  hold.commit();
  auto r = edit.get();
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(value("SELECT visibility || ' ' || title FROM opportunities WHERE id = " + t2)
                .rfind("confidentiel ", 0),
            0u);
  EXPECT_NE(value("SELECT title FROM opportunities WHERE id = " + t2), "Titre du membre");
}

TEST_F(SecurityTest, AnonymousMatchesCarryNoFollowUp) {
  std::string need = add_matched_need();
  std::string match = value(
      "SELECT m.id FROM matches m JOIN opportunities o ON o.id = m.opportunity_id "
      "WHERE o.external_id = 'T-1'");
  auto moved = with_bearer("PATCH", "/api/matches/" + match, member_,
                           R"({"status": "contacté", "note": "appelé le 3"})");
  ASSERT_EQ(moved.status, 200) << moved.body;

  for (const auto& target :
       {"/api/needs/" + need + "/matches", "/api/opportunities/" + id_of("T-1") + "/matches"}) {
    SCOPED_TRACE(target);
    auto pub = get(target);
    ASSERT_EQ(pub.status, 200) << pub.body;
    auto features = json::parse(pub.body)["features"];
    ASSERT_FALSE(features.empty());
    for (const auto& f : features) {
      EXPECT_FALSE(f["properties"].contains("status")) << f;
      EXPECT_FALSE(f["properties"].contains("status_changed_by")) << f;
      EXPECT_FALSE(f["properties"].contains("status_changed_at")) << f;
    }
    EXPECT_EQ(pub.body.find("contacté"), std::string::npos);
    EXPECT_EQ(pub.body.find("appelé"), std::string::npos);
    EXPECT_EQ(pub.body.find("test-member"), std::string::npos);
    // A signed-in role that reads the follow-up still gets it.
    auto member = json::parse(get(target, member_).body)["features"];
    bool followed = false;
    for (const auto& f : member) followed |= f["properties"].value("status", "") == "contacté";
    EXPECT_TRUE(followed) << member;
  }
  EXPECT_EQ(get("/api/matches/" + match).status, 401);
}

}  // namespace
}  // namespace terrier::test
