// The sign-in side of db/user_store.hpp: password candidates, the throttle
// of failed attempts, browser sessions and personal API tokens.

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "core/hash.hpp"
#include "db/user_rows.hpp"
#include "db/user_store.hpp"

namespace terrier::db {
namespace {

using nlohmann::json;

constexpr int kMaxFailures = 5;
constexpr const char* kFailureWindow = "15 minutes";
// A session unused this long is over; and whatever its use, after 30 days.
constexpr const char* kLiveSession =
    "s.last_seen_at > now() - interval '8 hours' AND s.created_at > now() - interval '30 days'";

std::string fold_email(const std::string& email) {
  std::string out = utf8_prefix(email, 254);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto b = out.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return out.substr(b, out.find_last_not_of(" \t\r\n") - b + 1);
}

// Seconds until the failures of one key within the window drop below the
// limit, or 0 when they already are below it.
int wait_for(pqxx::work& w, const char* column, const std::string& key) {
  auto r = w.exec_params(fmt::format("SELECT ceil(extract(epoch FROM at + interval '{0}' - now())) "
                                     "FROM sign_in_failures WHERE {1} = $1 AND at > now() - "
                                     "interval '{0}' ORDER BY at DESC OFFSET {2} LIMIT 1",
                                     kFailureWindow, column, kMaxFailures - 1),
                         key);
  if (r.empty()) return 0;
  return std::max(1, r[0][0].as<int>());
}

}  // namespace

std::optional<SignInCandidate> sign_in_candidate(pqxx::connection_base& conn,
                                                 const std::string& email) {
  pqxx::read_transaction r(conn);
  auto rows = r.exec_params(
      "SELECT id, coalesce(password_hash, ''), disabled FROM users WHERE lower(email) = $1",
      fold_email(email));
  if (rows.empty()) return std::nullopt;
  return SignInCandidate{rows[0][0].as<long long>(), rows[0][1].as<std::string>(),
                         rows[0][2].as<bool>()};
}

Attempt begin_sign_in_attempt(pqxx::connection_base& conn, const std::string& email,
                              const std::string& client) {
  std::string key = fold_email(email);
  pqxx::work w(conn);
  // Counting and recording under locks on both keys (always address then
  // client, so no deadlock): concurrent attempts cannot all slip under the
  // limit. The transaction is short; the password is checked after it.
  w.exec_params("SELECT pg_advisory_xact_lock(1, hashtext($1))", key);
  w.exec_params("SELECT pg_advisory_xact_lock(2, hashtext($1))", client);
  w.exec_params(fmt::format("DELETE FROM sign_in_failures WHERE (email = $1 OR client = $2) AND "
                            "at < now() - interval '{}'",
                            kFailureWindow),
                key, client);
  int wait = std::max(wait_for(w, "email", key), wait_for(w, "client", client));
  Attempt out;
  if (wait > 0) {
    out.retry_after_s = wait;
  } else {
    out.failure_id =
        w.exec_params1("INSERT INTO sign_in_failures (email, client) VALUES ($1, $2) RETURNING id",
                       key, client)[0]
            .as<long long>();
  }
  w.commit();
  return out;
}

void forget_failure(pqxx::connection_base& conn, long long failure_id) {
  pqxx::work w(conn);
  w.exec_params("DELETE FROM sign_in_failures WHERE id = $1", failure_id);
  w.commit();
}

void record_sign_in_failure(pqxx::connection_base& conn, const std::string& email,
                            std::optional<long long> user_id, const std::string& client) {
  pqxx::work w(conn);
  audit(w, fold_email(email), "sign_in_failed", user_id, std::nullopt,
        json{{"client", client}}.dump());
  w.commit();
}

std::string create_session(pqxx::connection_base& conn, long long user_id,
                           const std::string& client) {
  std::string secret = random_hex(32);
  pqxx::work w(conn);
  w.exec_params(fmt::format("DELETE FROM sessions s WHERE user_id = $1 AND NOT ({})", kLiveSession),
                user_id);
  w.exec_params(
      "INSERT INTO sessions (user_id, secret_sha256, client) VALUES ($1, decode($2, 'hex'), $3)",
      user_id, sha256_hex(secret), client);
  auto email = w.exec_params1(
      "UPDATE users SET last_sign_in_at = now() WHERE id = $1 RETURNING email", user_id)[0];
  audit(w, email.as<std::string>(), "sign_in", user_id, std::nullopt,
        json{{"client", client}}.dump());
  w.commit();
  return secret;
}

std::optional<SessionUser> find_session(pqxx::connection_base& conn, const std::string& secret) {
  pqxx::work w(conn);
  auto rows = w.exec_params(
      fmt::format("{}, s.id, s.last_seen_at < now() - interval '1 minute' FROM users u "
                  "JOIN sessions s ON s.user_id = u.id WHERE s.secret_sha256 = decode($1, 'hex') "
                  "AND NOT u.disabled AND u.password_hash IS NOT NULL AND {}",
                  kUserColumns, kLiveSession),
      sha256_hex(secret));
  if (rows.empty()) return std::nullopt;
  SessionUser out{rows[0][kUserColumnCount].as<long long>(), user_from_row(rows[0])};
  // At most one write a minute per session, not one per request.
  if (rows[0][kUserColumnCount + 1].as<bool>()) {
    w.exec_params("UPDATE sessions SET last_seen_at = now() WHERE id = $1", out.session_id);
  }
  w.commit();
  return out;
}

bool end_session(pqxx::connection_base& conn, const std::string& secret) {
  pqxx::work w(conn);
  auto r = w.exec_params(
      "DELETE FROM sessions s USING users u WHERE s.secret_sha256 = decode($1, 'hex') "
      "AND u.id = s.user_id RETURNING u.id, u.email",
      sha256_hex(secret));
  if (!r.empty()) {
    audit(w, r[0][1].as<std::string>(), "sign_out", r[0][0].as<long long>(), std::nullopt,
          std::nullopt);
  }
  w.commit();
  return !r.empty();
}

CreatedPersonalToken create_personal_token(pqxx::connection_base& conn, const User& user,
                                           const std::string& name) {
  CreatedPersonalToken out;
  out.token = "trr_" + random_hex(32);
  pqxx::work w(conn);
  auto r = w.exec_params1(
      "INSERT INTO api_tokens (name, role, territory_id, token_sha256, user_id) "
      "VALUES ($1, $2, (SELECT circle_id FROM users WHERE id = $4), decode($3, 'hex'), $4) "
      "RETURNING id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
      name, role_name(user.role), sha256_hex(out.token), user.id);
  out.info.id = r[0].as<long long>();
  out.info.name = name;
  out.info.created_at = r[1].as<std::string>();
  audit(w, user.email, "token_create", user.id, std::nullopt,
        json{{"token_id", out.info.id}, {"name", name}}.dump());
  w.commit();
  return out;
}

std::vector<PersonalToken> list_personal_tokens(pqxx::connection_base& conn, long long user_id) {
  pqxx::read_transaction r(conn);
  std::vector<PersonalToken> out;
  for (const auto& row :
       r.exec_params("SELECT id, name, "
                     "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                     "to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                     "FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id",
                     user_id)) {
    PersonalToken t{row[0].as<long long>(), row[1].as<std::string>(), row[2].as<std::string>(), {}};
    if (!row[3].is_null()) t.last_used_at = row[3].as<std::string>();
    out.push_back(std::move(t));
  }
  return out;
}

bool revoke_personal_token(pqxx::connection_base& conn, long long user_id, long long token_id,
                           const std::string& actor) {
  pqxx::work w(conn);
  auto r = w.exec_params(
      "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 "
      "AND revoked_at IS NULL",
      token_id, user_id);
  if (r.affected_rows() == 1) {
    audit(w, actor, "token_revoke", user_id, std::nullopt, json{{"token_id", token_id}}.dump());
  }
  w.commit();
  return r.affected_rows() == 1;
}

}  // namespace terrier::db
