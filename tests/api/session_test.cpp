// Sign-in, sessions and their cookie, the sign-in limits and CSRF, against a
// real `terrier serve` and PostGIS.

#include <algorithm>
#include <iostream>

#include "tests/api/account_fixture.hpp"

namespace terrier::test {
namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

TEST_F(AccountTest, SignInSetsAStrictHttpOnlySessionCookie) {
  create_account("alice@example.org", "--role member --name 'Alice Martin'");
  auto r = sign_in("Alice@Example.org", kPassword);  // the address's case does not matter
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json::parse(r.body);
  EXPECT_EQ(body, (json{{"email", "alice@example.org"},
                        {"name", "Alice Martin"},
                        {"role", "member"},
                        {"role_label", "Membre du groupe foncier"},
                        {"circle", nullptr}}));
  std::string set = r.header("Set-Cookie");
  EXPECT_TRUE(std::regex_search(set, std::regex("^terrier_session=[0-9a-f]{64}; "))) << set;
  for (const char* attribute : {"; HttpOnly", "; SameSite=Strict", "; Path=/"}) {
    EXPECT_NE(set.find(attribute), std::string::npos) << attribute << " missing: " << set;
  }
  EXPECT_EQ(set.find("Secure"), std::string::npos) << "plain HTTP: no Secure";
  // Only the secret's hash is stored.
  std::string secret = cookie_of(r);
  EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE secret_sha256 = sha256('" + secret + "')"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'"), 1);
  // Without a trusted proxy, X-Forwarded-Proto is not believed.
  auto forged = sign_in("alice@example.org", kPassword, "X-Forwarded-Proto: https\r\n");
  EXPECT_EQ(forged.header("Set-Cookie").find("Secure"), std::string::npos);
}

TEST_F(AccountTest, BehindATrustedProxyTheCookieIsSecureAndTheClientIsTheForwardedOne) {
  restart_server({{"TERRIER_TRUST_PROXY", "1"}});
  create_account("bob@example.org", "--role foundation");
  auto r = sign_in("bob@example.org", kPassword,
                   "X-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.7\r\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.header("Set-Cookie").find("; Secure"), std::string::npos) << r.header("Set-Cookie");
  EXPECT_EQ(value("SELECT client FROM sessions ORDER BY id DESC LIMIT 1"), "203.0.113.7");
  // The page's own origin is https then.
  std::string cookie = cookie_of(r);
  auto https = send("DELETE", "/api/session", "",
                    "Cookie: terrier_session=" + cookie +
                        "\r\nX-Forwarded-Proto: https\r\nOrigin: https://127.0.0.1:" +
                        std::to_string(port_) + "\r\n");
  EXPECT_EQ(https.status, 204) << https.body;
}

TEST_F(AccountTest, GetSessionSaysWhoAndHow) {
  add_circle("cercle-test");
  create_account("anim@example.org", "--role animator --circle cercle-test --name Camille");
  auto anonymous = json::parse(get("/api/session").body);
  EXPECT_EQ(anonymous["role"], "public");
  EXPECT_TRUE(anonymous["via"].is_null());
  EXPECT_TRUE(anonymous["email"].is_null());
  EXPECT_TRUE(anonymous["name"].is_null());
  auto s = session_with(signed_in_cookie("anim@example.org"));
  EXPECT_EQ(s["role"], "animator");
  EXPECT_EQ(s["via"], "cookie");
  EXPECT_EQ(s["email"], "anim@example.org");
  EXPECT_EQ(s["name"], "Camille");
  EXPECT_EQ(s["circle"], "cercle-test");
  EXPECT_EQ(s["confidential"], false);
  auto token = json::parse(get("/api/session", foundation_).body);
  EXPECT_EQ(token["via"], "token");
  EXPECT_EQ(token["role"], "foundation");
  EXPECT_EQ(token["name"], "test-foundation");
  EXPECT_EQ(token["confidential"], true);
  // An unknown cookie is nobody, not an error.
  auto stale = session_with(std::string(64, 'a'));
  EXPECT_EQ(stale["role"], "public");
}

TEST_F(AccountTest, WrongPasswordUnknownAddressAndDisabledAccountGetTheSame401InTheSameTime) {
  create_account("carole@example.org", "--role member");
  create_account("denis@example.org", "--role member");
  ASSERT_EQ(terrier("user disable denis@example.org").exit_code, 0);
  invite("pending@example.org", "--role member");  // no password yet
  auto wrong = sign_in("carole@example.org", "pas le bon mot de passe");
  auto unknown = sign_in("personne@example.org", kPassword);
  auto disabled = sign_in("denis@example.org", kPassword);  // the right password
  auto pending = sign_in("pending@example.org", kPassword);
  for (const auto* r : {&wrong, &unknown, &disabled, &pending}) {
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(r->body, wrong.body);
    EXPECT_EQ(r->header("Set-Cookie"), "");
  }
  EXPECT_EQ(json::parse(wrong.body)["detail"], "Adresse e-mail ou mot de passe incorrect.");
  // Each refusal checks one Argon2id hash (a dummy one when there is no
  // account): an unknown address is not answered faster. Medians of 5, with
  // a tolerant bound for a shared machine; without the dummy check an
  // unknown address takes a few milliseconds against tens.
  std::vector<double> t_wrong, t_unknown, t_disabled;
  for (int i = 0; i < 5; ++i) {
    t_wrong.push_back(failed_sign_in_ms("carole@example.org", "pas le bon mot de passe"));
    t_unknown.push_back(failed_sign_in_ms("personne@example.org", kPassword));
    t_disabled.push_back(failed_sign_in_ms("denis@example.org", kPassword));
  }
  double w = median(t_wrong), u = median(t_unknown), d = median(t_disabled);
  std::cout << "refused sign-ins, median ms: wrong password " << w << ", unknown address " << u
            << ", disabled account " << d << "\n";
  EXPECT_GT(u, 0.5 * w) << "unknown " << u << " ms, wrong password " << w << " ms";
  EXPECT_GT(d, 0.5 * w) << "disabled " << d << " ms, wrong password " << w << " ms";
  EXPECT_LT(u, 2.0 * w) << "unknown " << u << " ms, wrong password " << w << " ms";
  EXPECT_EQ(audit_count("sign_in_failed"), 4 + 15);
}

TEST_F(AccountTest, FiveFailuresWithinFifteenMinutesGiveA429WithRetryAfter) {
  create_account("eve@example.org", "--role member");
  create_account("fred@example.org", "--role member");
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(sign_in("eve@example.org", "mauvais mot de passe").status, 401);
  auto refused = sign_in("eve@example.org", kPassword);  // even the right password
  EXPECT_EQ(refused.status, 429) << refused.body;
  int retry = std::atoi(refused.header("Retry-After").c_str());
  EXPECT_GT(retry, 800);
  EXPECT_LE(retry, 900);
  EXPECT_EQ(refused.header("Set-Cookie"), "");
  // The same client address is refused for another account too.
  EXPECT_EQ(sign_in("fred@example.org", kPassword).status, 429);
  // Fifteen minutes later (the failures moved back in time), it works again.
  {
    pqxx::work w(*conn_);
    w.exec("UPDATE sign_in_failures SET at = at - interval '15 minutes'");
    w.commit();
  }
  EXPECT_EQ(sign_in("eve@example.org", kPassword).status, 200);
}

TEST_F(AccountTest, FiveFailuresForOneAccountFromManyClientsThrottleThatAccount) {
  restart_server({{"TERRIER_TRUST_PROXY", "1"}});
  create_account("gina@example.org", "--role member");
  create_account("hugo@example.org", "--role member");
  for (int i = 0; i < 5; ++i) {
    auto r = sign_in("gina@example.org", "mauvais mot de passe",
                     "X-Forwarded-For: 198.51.100." + std::to_string(i + 1) + "\r\n");
    EXPECT_EQ(r.status, 401);
  }
  auto refused = sign_in("gina@example.org", kPassword, "X-Forwarded-For: 198.51.100.99\r\n");
  EXPECT_EQ(refused.status, 429);
  EXPECT_FALSE(refused.header("Retry-After").empty());
  // Another account from a fresh client is not concerned.
  EXPECT_EQ(sign_in("hugo@example.org", kPassword, "X-Forwarded-For: 198.51.100.99\r\n").status,
            200);
}

TEST_F(AccountTest, ACookieWriteFromAnotherOriginIsRefusedAndChangesNothing) {
  create_account("admin@example.org", "--role admin");
  create_account("ines@example.org", "--role member");
  std::string cookie = signed_in_cookie("admin@example.org");
  const std::string feature = R"({"type": "Feature",
    "geometry": {"type": "Point", "coordinates": [3.0606, 50.6359]},
    "properties": {"title": "Atelier rue de Lille", "kind": "atelier", "visibility": "public"}})";
  const std::string users = "SELECT md5(string_agg(u::text, '|' ORDER BY id)) FROM users u";
  std::string before = snapshot() + value(users);
  long long audit_before = count("SELECT count(*) FROM audit_log");
  std::string ines = value("SELECT id FROM users WHERE email = 'ines@example.org'");
  for (const std::string& origin :
       {std::string("Origin: http://evil.example"), std::string("Origin: null"),
        std::string("Referer: http://evil.example/page.html"),
        "Origin: http://127.0.0.1:" + std::to_string(port_ + 1), std::string("")}) {
    auto create = with_cookie("POST", "/api/opportunities", cookie, feature, origin);
    EXPECT_EQ(create.status, 403) << origin << ": " << create.body;
    EXPECT_EQ(json::parse(create.body)["status"], 403);
    auto patch = with_cookie("PATCH", "/api/users/" + ines, cookie, R"({"role": "admin"})", origin);
    EXPECT_EQ(patch.status, 403) << origin;
    EXPECT_EQ(with_cookie("POST", "/api/tokens", cookie, R"({"name": "x"})", origin).status, 403);
    EXPECT_EQ(with_cookie("DELETE", "/api/session", cookie, "", origin).status, 403);
  }
  EXPECT_EQ(snapshot() + value(users), before);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), audit_before);
  EXPECT_EQ(count("SELECT count(*) FROM api_tokens WHERE user_id IS NOT NULL"), 0);
  // Reads need no Origin; the page's own Origin (or Referer) may write.
  EXPECT_EQ(with_cookie("GET", "/api/users", cookie, "", "").status, 200);
  auto own = with_cookie("POST", "/api/opportunities", cookie, feature);
  EXPECT_EQ(own.status, 201) << own.body;
  auto referer = with_cookie("PATCH", "/api/users/" + ines, cookie, R"({"role": "foundation"})",
                             "Referer: " + origin() + "/index.html");
  EXPECT_EQ(referer.status, 200) << referer.body;
  EXPECT_EQ(value("SELECT actor FROM audit_log WHERE action = 'create'"), "admin@example.org");
  // A bearer token is not sent by browsers on their own: no Origin needed.
  auto admin_token = token("admin");
  EXPECT_EQ(
      send("POST", "/api/opportunities", feature, "Authorization: Bearer " + admin_token + "\r\n")
          .status,
      201);
}

TEST_F(AccountTest, SessionsEndAfterEightIdleHoursAndAfterThirtyDays) {
  create_account("jean@example.org", "--role foundation");
  std::string cookie = signed_in_cookie("jean@example.org");
  auto move = [&](const std::string& set) {
    pqxx::work w(*conn_);
    w.exec("UPDATE sessions SET " + set);
    w.commit();
  };
  move("last_seen_at = now() - interval '7 hours 50 minutes'");
  EXPECT_EQ(session_with(cookie)["role"], "foundation");  // and seen now
  EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE last_seen_at > now() - interval '1 minute'"),
            1);
  move("last_seen_at = now() - interval '8 hours 1 minute'");
  EXPECT_EQ(session_with(cookie)["role"], "public");

  cookie = signed_in_cookie("jean@example.org");
  move("created_at = now() - interval '29 days 23 hours', last_seen_at = now()");
  EXPECT_EQ(session_with(cookie)["role"], "foundation");
  move("created_at = now() - interval '30 days 1 minute', last_seen_at = now()");
  EXPECT_EQ(session_with(cookie)["role"], "public");
  // An ended session gives no rights on a write either.
  EXPECT_EQ(with_cookie("POST", "/api/tokens", cookie, R"({"name": "x"})").status, 401);
}

TEST_F(AccountTest, SigningOutEndsTheSessionAndClearsTheCookie) {
  create_account("karim@example.org", "--role member");
  std::string cookie = signed_in_cookie("karim@example.org");
  auto out = with_cookie("DELETE", "/api/session", cookie);
  EXPECT_EQ(out.status, 204);
  std::string set = out.header("Set-Cookie");
  EXPECT_NE(set.find("terrier_session=;"), std::string::npos) << set;
  EXPECT_NE(set.find("Max-Age=0"), std::string::npos) << set;
  EXPECT_EQ(session_with(cookie)["role"], "public");
  EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE secret_sha256 = sha256('" + cookie + "')"),
            0);
  EXPECT_EQ(audit_count("sign_out"), 1);
}

TEST_F(AccountTest, ADisabledAccountsSessionAndTokensStopAtOnce) {
  create_account("admin@example.org", "--role admin");
  create_account("lea@example.org", "--role foundation");
  std::string cookie = signed_in_cookie("lea@example.org");
  auto created = with_cookie("POST", "/api/tokens", cookie, R"({"name": "QGIS bureau"})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string personal = json::parse(created.body)["token"];
  EXPECT_EQ(json::parse(get("/api/session", personal).body)["email"], "lea@example.org");
  EXPECT_EQ(session_with(cookie)["role"], "foundation");

  std::string admin = signed_in_cookie("admin@example.org");
  std::string lea = value("SELECT id FROM users WHERE email = 'lea@example.org'");
  auto disabled = with_cookie("PATCH", "/api/users/" + lea, admin, R"({"disabled": true})");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(json::parse(disabled.body)["status"], "désactivée");
  // The very next requests: no session, no token.
  EXPECT_EQ(session_with(cookie)["role"], "public");
  EXPECT_EQ(get("/api/session", personal).status, 401);
  EXPECT_EQ(sign_in("lea@example.org", kPassword).status, 401);
  // Enabled again by the command line: the password works, old sessions do not.
  ASSERT_EQ(terrier("user enable lea@example.org").exit_code, 0);
  EXPECT_EQ(session_with(cookie)["role"], "public");
  EXPECT_EQ(sign_in("lea@example.org", kPassword).status, 200);
  EXPECT_EQ(get("/api/session", personal).status, 200);
}

}  // namespace
}  // namespace terrier::test
