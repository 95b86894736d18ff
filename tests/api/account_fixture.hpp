#pragma once

// The API test server with people's accounts: invitations through the
// command line, sign-in through the API, requests carrying the session cookie
// and this server's Origin, and a restart with other environment variables.

#include <chrono>
#include <cstdlib>
#include <vector>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {

inline const std::string kPassword = "un mot de passe solide";

class AccountTest : public ApiTest {
 protected:
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  CommandResult terrier(const std::string& args) {
    return run_terrier(args, "TERRIER_DATABASE_URL=" + db_.url());
  }

  // A territory of level circle (its outline is not needed here).
  void add_circle(const std::string& slug) {
    pqxx::work w(*conn_);
    w.exec_params(
        "INSERT INTO territories (level, code, slug, name, source) VALUES ('circle', $1, $1, $1, "
        "'test')",
        slug);
    w.commit();
  }

  // `terrier user invite …`; the token of the path on its last line.
  std::string invite(const std::string& email, const std::string& options) {
    auto r = terrier("user invite " + email + " " + options);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return token_of_last_line(r.output);
  }

  static std::string token_of_last_line(std::string out) {
    while (!out.empty() && out.back() == '\n') out.pop_back();
    std::string last = out.substr(out.rfind('\n') + 1);
    std::smatch m;
    std::regex path("^/invitation\\.html#token=([0-9a-f]{64})$");
    EXPECT_TRUE(std::regex_match(last, m, path)) << out;
    return m.size() > 1 ? m[1].str() : "";
  }

  HttpResponse send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& headers) {
    std::string h = headers;
    if (!body.empty()) h += "Content-Type: application/json\r\n";
    if (method != "GET") h += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    return http_request(port_, method, target, h, body);
  }

  // The invitation's routes: the token in the body, never in the path.
  HttpResponse lookup(const std::string& token) {
    return send("POST", "/api/invitations/lookup", json{{"token", token}}.dump(),
                "Origin: " + origin() + "\r\n");
  }

  HttpResponse accept(const std::string& token, const std::string& password,
                      const std::string& confirmation) {
    return send(
        "POST", "/api/invitations/accept",
        json{{"token", token}, {"password", password}, {"password_confirmation", confirmation}}
            .dump(),
        "Origin: " + origin() + "\r\n");
  }

  // Invited through the command line, password chosen through the API.
  void create_account(const std::string& email, const std::string& options) {
    auto r = accept(invite(email, options), kPassword, kPassword);
    ASSERT_EQ(r.status, 201) << r.body;
  }

  HttpResponse sign_in(const std::string& email, const std::string& password,
                       const std::string& headers = "") {
    return send("POST", "/api/session", json{{"email", email}, {"password", password}}.dump(),
                headers);
  }

  // The session secret a response sets, or "".
  static std::string cookie_of(const HttpResponse& r) {
    std::smatch m;
    std::string set = r.header("Set-Cookie");
    return std::regex_search(set, m, std::regex("terrier_session=([0-9a-f]*)")) ? m[1].str() : "";
  }

  std::string signed_in_cookie(const std::string& email) {
    auto r = sign_in(email, kPassword);
    EXPECT_EQ(r.status, 200) << r.body;
    return cookie_of(r);
  }

  // A request with the session cookie; `origin_header` is sent as is ("" for
  // none).
  HttpResponse with_cookie(const std::string& method, const std::string& target,
                           const std::string& cookie, const std::string& body = "",
                           const std::string& origin_header = "own") {
    std::string h = "Cookie: terrier_session=" + cookie + "\r\n";
    if (origin_header == "own") {
      h += "Origin: " + origin() + "\r\n";
    } else if (!origin_header.empty()) {
      h += origin_header + "\r\n";
    }
    return send(method, target, body, h);
  }

  json session_with(const std::string& cookie) {
    auto r = with_cookie("GET", "/api/session", cookie, "", "");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }

  long long audit_count(const std::string& action) {
    return count("SELECT count(*) FROM audit_log WHERE action = '" + action + "'");
  }

  // Stops the server and starts it again with these environment variables.
  void restart_server(const std::vector<std::pair<std::string, std::string>>& env) {
    stop_server();
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    start_server();
    for (const auto& [k, v] : env) unsetenv(k.c_str());
  }

  // Milliseconds a failed sign-in takes (the failures are forgotten after
  // each, so that the limit does not interfere).
  double failed_sign_in_ms(const std::string& email, const std::string& password) {
    auto start = std::chrono::steady_clock::now();
    auto r = sign_in(email, password);
    auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 401) << r.body;
    pqxx::work w(*conn_);
    w.exec("DELETE FROM sign_in_failures");
    w.commit();
    return ms;
  }
};

}  // namespace terrier::test
