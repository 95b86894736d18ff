// Accounts' life: `terrier user …`, invitations, the admins' API, personal
// tokens and the audit trail, against a real `terrier serve` and PostGIS.

#include "tests/api/account_fixture.hpp"

namespace terrier::test {
namespace {

TEST_F(AccountTest, CliInvitePrintsAPathThatWorksOnce) {
  auto r = terrier("user invite Marie.Curie@Example.org --role member --name 'Marie Curie'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string token = token_of_last_line(r.output);
  // Only the token's hash is stored.
  EXPECT_EQ(count("SELECT count(*) FROM invitations WHERE token_sha256 = sha256('" + token + "')"),
            1);
  EXPECT_EQ(r.output.find(value("SELECT encode(token_sha256, 'hex') FROM invitations")),
            std::string::npos);

  auto shown = lookup(token);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(json::parse(shown.body), (json{{"email", "Marie.Curie@Example.org"},
                                           {"name", "Marie Curie"},
                                           {"role", "member"},
                                           {"role_label", "Membre du groupe foncier"},
                                           {"circle", nullptr}}));
  auto short_one = accept(token, "court", "court");
  EXPECT_EQ(short_one.status, 400);
  EXPECT_EQ(json::parse(short_one.body)["field"], "password");
  EXPECT_EQ(json::parse(short_one.body)["detail"],
            "Le mot de passe doit compter au moins 12 caractères.");
  auto different = accept(token, kPassword, kPassword + "!");
  EXPECT_EQ(different.status, 400);
  EXPECT_EQ(json::parse(different.body)["field"], "password_confirmation");
  EXPECT_EQ(json::parse(different.body)["detail"],
            "Les deux mots de passe ne sont pas identiques.");
  // Twelve characters, not twelve bytes: eight "é" are sixteen bytes.
  EXPECT_EQ(accept(token, "éééééééé", "éééééééé").status, 400);

  auto used = accept(token, kPassword, kPassword);
  ASSERT_EQ(used.status, 201) << used.body;
  EXPECT_EQ(json::parse(used.body)["email"], "Marie.Curie@Example.org");
  std::string cookie = cookie_of(used);
  ASSERT_FALSE(cookie.empty());
  EXPECT_EQ(session_with(cookie)["role"], "member");  // signed in

  // Once only.
  EXPECT_EQ(accept(token, kPassword, kPassword).status, 404);
  auto gone = lookup(token);
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(json::parse(gone.body)["detail"].get<std::string>().find("expirée"), std::string::npos);
  EXPECT_EQ(lookup("not-a-token").status, 404);

  auto list = terrier("user list");
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.output.find("Marie.Curie@Example.org"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("active"), std::string::npos) << list.output;
  // The address is unique whatever its case.
  auto again = terrier("user invite marie.curie@example.org --role admin");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("existe déjà"), std::string::npos) << again.output;
}

TEST_F(AccountTest, AnInvitationExpiresAfterSevenDays) {
  std::string token = invite("nina@example.org", "--role foundation");
  {
    pqxx::work w(*conn_);
    w.exec(
        "UPDATE invitations SET created_at = created_at - interval '7 days 1 minute', "
        "expires_at = expires_at - interval '7 days 1 minute'");
    w.commit();
  }
  EXPECT_EQ(lookup(token).status, 404);
  EXPECT_EQ(accept(token, kPassword, kPassword).status, 404);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE password_hash IS NOT NULL"), 0);
  // A reset gives a new path that works.
  auto reset = terrier("user reset nina@example.org");
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_EQ(accept(token_of_last_line(reset.output), kPassword, kPassword).status, 201);
}

TEST_F(AccountTest, CliRefusesBadRolesCirclesAndUnknownAccounts) {
  auto animator = terrier("user invite o@example.org --role animator");
  EXPECT_EQ(animator.exit_code, 1);
  EXPECT_NE(animator.output.find("cercle"), std::string::npos) << animator.output;
  auto circle = terrier("user invite o@example.org --role animator --circle nulle-part");
  EXPECT_EQ(circle.exit_code, 1);
  EXPECT_NE(circle.output.find("nulle-part"), std::string::npos) << circle.output;
  EXPECT_EQ(terrier("user invite o@example.org --role public").exit_code, 1);
  EXPECT_EQ(terrier("user invite pas-une-adresse --role member").exit_code, 1);
  auto unknown = terrier("user disable personne@example.org");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("personne@example.org"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM users"), 0);
}

TEST_F(AccountTest, AResetForgetsThePasswordAndEndsTheSessions) {
  create_account("paul@example.org", "--role member");
  std::string cookie = signed_in_cookie("paul@example.org");
  auto reset = terrier("user reset paul@example.org");
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_EQ(session_with(cookie)["role"], "public");
  EXPECT_EQ(sign_in("paul@example.org", kPassword).status, 401);
  std::string first = token_of_last_line(reset.output);
  std::string second = token_of_last_line(terrier("user reset paul@example.org").output);
  EXPECT_EQ(lookup(first).status, 404);  // revoked by the second reset
  EXPECT_EQ(accept(second, "un autre mot de passe", "un autre mot de passe").status, 201);
  EXPECT_EQ(sign_in("paul@example.org", "un autre mot de passe").status, 200);
}

TEST_F(AccountTest, AdminsManageAccountsThroughTheApi) {
  add_circle("cercle-sud");
  create_account("admin@example.org", "--role admin");
  create_account("quentin@example.org", "--role member");
  std::string admin = signed_in_cookie("admin@example.org");
  std::string member = signed_in_cookie("quentin@example.org");
  EXPECT_EQ(get("/api/users").status, 401);
  EXPECT_EQ(with_cookie("GET", "/api/users", member).status, 403);
  EXPECT_EQ(get("/api/users", foundation_).status, 403);
  EXPECT_EQ(
      with_cookie("POST", "/api/users", member, R"({"email": "x@example.org", "role": "admin"})")
          .status,
      403);

  auto created =
      with_cookie("POST", "/api/users", admin,
                  R"({"email": "rose@example.org", "role": "animator", "circle": "cercle-sud",
                                 "name": "Rose"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto c = json::parse(created.body);
  std::string path = c["invitation_path"];
  EXPECT_TRUE(std::regex_match(path, std::regex("^/invitation\\.html#token=[0-9a-f]{64}$")))
      << path;
  auto bad = with_cookie("POST", "/api/users", admin,
                         R"({"email": "rose@example.org", "role": "member"})");
  EXPECT_EQ(bad.status, 409);
  EXPECT_EQ(json::parse(bad.body)["field"], "email");
  auto no_circle =
      with_cookie("POST", "/api/users", admin, R"({"email": "s@example.org", "role": "animator"})");
  EXPECT_EQ(no_circle.status, 400);
  EXPECT_EQ(json::parse(no_circle.body)["field"], "circle");
  EXPECT_EQ(json::parse(with_cookie("POST", "/api/users", admin,
                                    R"({"email": "s@example.org", "role": "roi"})")
                            .body)["field"],
            "role");

  auto list = json::parse(with_cookie("GET", "/api/users", admin).body);
  ASSERT_EQ(list.size(), 3u);
  auto rose = *std::find_if(list.begin(), list.end(),
                            [](const json& u) { return u["email"] == "rose@example.org"; });
  EXPECT_EQ(rose["status"], "invitée");
  EXPECT_EQ(rose["disabled"], false);
  EXPECT_EQ(rose["circle"], "cercle-sud");
  EXPECT_EQ(rose["id"], c["id"]);
  EXPECT_TRUE(rose["last_sign_in"].is_null());
  auto admin_row = *std::find_if(list.begin(), list.end(),
                                 [](const json& u) { return u["email"] == "admin@example.org"; });
  EXPECT_EQ(admin_row["status"], "active");
  EXPECT_EQ(admin_row["disabled"], false);
  EXPECT_FALSE(admin_row["last_sign_in"].is_null());
  for (const auto& u : list) EXPECT_FALSE(u.contains("password_hash"));

  std::string q = value("SELECT id FROM users WHERE email = 'quentin@example.org'");
  auto promoted = with_cookie("PATCH", "/api/users/" + q, admin, R"({"role": "foundation"})");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(json::parse(promoted.body)["role"], "foundation");
  EXPECT_EQ(json::parse(promoted.body)["status"], "active");
  // A role change applies to the live session at once.
  EXPECT_EQ(session_with(member)["role"], "foundation");
  EXPECT_EQ(
      value("SELECT before->>'role' || '>' || (after->>'role') || ' by ' || actor FROM audit_log "
            "WHERE action = 'role_change'"),
      "member>foundation by admin@example.org");
  // Disabled, then enabled again: the state and the flag follow.
  auto off =
      json::parse(with_cookie("PATCH", "/api/users/" + q, admin, R"({"disabled": true})").body);
  EXPECT_EQ(off["status"], "désactivée");
  EXPECT_EQ(off["disabled"], true);
  auto on =
      json::parse(with_cookie("PATCH", "/api/users/" + q, admin, R"({"disabled": false})").body);
  EXPECT_EQ(on["status"], "active");
  EXPECT_EQ(on["disabled"], false);
  EXPECT_EQ(with_cookie("PATCH", "/api/users/999999", admin, R"({"role": "member"})").status, 404);
  EXPECT_EQ(
      json::parse(
          with_cookie("PATCH", "/api/users/" + q, admin, R"({"colour": "bleu"})").body)["field"],
      "colour");

  auto reset = with_cookie("POST", "/api/users/" + q + "/reset", admin);
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_NE(json::parse(reset.body)["invitation_path"], path);
  // The last active admin cannot be disabled or demoted.
  std::string self = value("SELECT id FROM users WHERE email = 'admin@example.org'");
  auto last = with_cookie("PATCH", "/api/users/" + self, admin, R"({"disabled": true})");
  EXPECT_EQ(last.status, 409) << last.body;
  EXPECT_EQ(with_cookie("PATCH", "/api/users/" + self, admin, R"({"role": "member"})").status, 409);
  EXPECT_EQ(value("SELECT role || disabled FROM users WHERE id = " + self), "adminfalse");
}

TEST_F(AccountTest, PersonalTokensActAsTheirPersonAndAreCreatedFromASessionOnly) {
  create_account("sam@example.org", "--role member");
  std::string cookie = signed_in_cookie("sam@example.org");
  EXPECT_EQ(send("POST", "/api/tokens", R"({"name": "QGIS"})", "").status, 401);
  EXPECT_EQ(with_cookie("POST", "/api/tokens", cookie, R"({"name": ""})").status, 400);
  auto created = with_cookie("POST", "/api/tokens", cookie, R"({"name": "QGIS maison"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto t = json::parse(created.body);
  std::string secret = t["token"];
  EXPECT_EQ(t["name"], "QGIS maison");
  EXPECT_EQ(count("SELECT count(*) FROM api_tokens WHERE token_sha256 = sha256('" + secret + "')"),
            1);
  // The token reads as its person (a member: "réseau" rows, no owners).
  auto s = json::parse(get("/api/session", secret).body);
  EXPECT_EQ(s["email"], "sam@example.org");
  EXPECT_EQ(s["via"], "token");
  EXPECT_EQ(
      json::parse(get("/ogcapi/collections/opportunities/items", secret).body)["numberMatched"], 2);
  // A token cannot mint tokens; a shared token has no person.
  EXPECT_EQ(
      send("POST", "/api/tokens", R"({"name": "x"})", "Authorization: Bearer " + secret + "\r\n")
          .status,
      403);
  EXPECT_EQ(send("GET", "/api/tokens", "", "Authorization: Bearer " + member_ + "\r\n").status,
            403);
  auto mine = json::parse(with_cookie("GET", "/api/tokens", cookie).body);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["name"], "QGIS maison");
  EXPECT_FALSE(mine[0].contains("token"));
  // Someone else cannot revoke it.
  create_account("tom@example.org", "--role member");
  std::string id = std::to_string(t["id"].get<long long>());
  EXPECT_EQ(with_cookie("DELETE", "/api/tokens/" + id, signed_in_cookie("tom@example.org")).status,
            404);
  EXPECT_EQ(with_cookie("DELETE", "/api/tokens/" + id, cookie).status, 204);
  EXPECT_EQ(get("/api/session", secret).status, 401);
}

TEST_F(AccountTest, TheAuditLogHoldsInvitationsSignInsFailuresAndRoleChanges) {
  create_account("uma@example.org", "--role member");
  ASSERT_EQ(sign_in("uma@example.org", "mauvais mot de passe").status, 401);
  ASSERT_EQ(sign_in("uma@example.org", kPassword).status, 200);
  ASSERT_EQ(terrier("user disable uma@example.org").exit_code, 0);
  EXPECT_EQ(
      value("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE entity = 'user'"),
      "invite,accept_invitation,sign_in,sign_in_failed,sign_in,disable");
  EXPECT_EQ(value("SELECT after->>'client' FROM audit_log WHERE action = 'sign_in_failed'"),
            "127.0.0.1");
  EXPECT_EQ(value("SELECT after->>'role' FROM audit_log WHERE action = 'invite'"), "member");
  EXPECT_TRUE(std::regex_match(value("SELECT actor FROM audit_log WHERE action = 'invite'"),
                               std::regex("^cli:.+")));
  // Nothing secret in it.
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE (coalesce(before::text, '') || "
                  "coalesce(after::text, '')) LIKE '%" +
                  kPassword + "%'"),
            0);
}

}  // namespace
}  // namespace terrier::test
