#include "db/user_store.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <regex>

#include "core/hash.hpp"
#include "core/vocabulary.hpp"
#include "db/user_rows.hpp"

namespace terrier::db {
namespace {

using nlohmann::json;

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

void check_email(const std::string& email) {
  static const std::regex shape(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");
  if (email.size() > 254 || !std::regex_match(email, shape)) {
    throw AccountError(AccountRefusal::invalid_email, "email");
  }
}

std::optional<long long> circle_id(pqxx::work& w, const std::optional<std::string>& slug) {
  if (!slug) return std::nullopt;
  auto r = w.exec_params("SELECT id FROM territories WHERE slug = $1 AND level = 'circle'", *slug);
  if (r.empty()) {
    throw AccountError(AccountRefusal::unknown_circle, "circle", *slug);
  }
  return r[0][0].as<long long>();
}

std::string new_invitation(pqxx::work& w, long long user_id) {
  std::string token = random_hex(32);
  w.exec_params("INSERT INTO invitations (user_id, token_sha256) VALUES ($1, decode($2, 'hex'))",
                user_id, sha256_hex(token));
  return token;
}

std::optional<User> user_where(pqxx::connection_base& conn, const std::string& where,
                               const std::string& param) {
  pqxx::read_transaction r(conn);
  auto rows = r.exec_params(kUserSelect + " WHERE " + where, param);
  if (rows.empty()) return std::nullopt;
  return user_from_row(rows[0]);
}

}  // namespace

std::string_view account_status_value(AccountStatus status) {
  return vocabulary::kAccountStatuses[static_cast<std::size_t>(status)];
}

std::string invitation_path(const std::string& token) {
  // In the fragment: a browser never sends it, so no server or proxy logs it.
  return "/invitation.html#token=" + token;
}

Invited invite_user(pqxx::connection_base& conn, const NewUser& user, const std::string& actor) {
  std::string email = trimmed(user.email);
  check_email(email);
  if (user.name.size() > 200) throw AccountError(AccountRefusal::name_too_long, "name");
  if (!is_account_role(user.role)) {
    throw AccountError(AccountRefusal::unknown_role, "role");
  }
  if (role_needs_circle(user.role) && !user.circle) {
    throw AccountError(AccountRefusal::animator_without_circle, "circle");
  }
  pqxx::work w(conn);
  auto circle = circle_id(w, user.circle);
  auto taken = w.exec_params("SELECT 1 FROM users WHERE lower(email) = lower($1)", email);
  if (!taken.empty()) throw AccountError(AccountRefusal::email_taken, "email");
  long long id = 0;
  try {
    id = w.exec_params1(
              "INSERT INTO users (email, name, role, circle_id, created_by) VALUES ($1, $2, $3, "
              "$4, $5) "
              "RETURNING id",
              email, user.name, role_name(user.role), circle, actor)[0]
             .as<long long>();
  } catch (const pqxx::unique_violation&) {
    throw AccountError(AccountRefusal::email_taken, "email");
  }
  std::string token = new_invitation(w, id);
  json after = {{"email", email},
                {"name", user.name},
                {"role", role_name(user.role)},
                {"circle", user.circle ? json(*user.circle) : json(nullptr)}};
  audit(w, actor, "invite", id, std::nullopt, after.dump());
  w.commit();
  return {id, invitation_path(token)};
}

Invited reset_user(pqxx::connection_base& conn, long long user_id, const std::string& actor) {
  pqxx::work w(conn);
  auto r = w.exec_params("SELECT disabled FROM users WHERE id = $1 FOR UPDATE", user_id);
  if (r.empty()) throw AccountError(AccountRefusal::no_such_account, "id");
  if (r[0][0].as<bool>()) {
    throw AccountError(AccountRefusal::account_disabled, "disabled");
  }
  w.exec_params(
      "UPDATE invitations SET revoked_at = now() "
      "WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL",
      user_id);
  w.exec_params("UPDATE users SET password_hash = NULL WHERE id = $1", user_id);
  w.exec_params("DELETE FROM sessions WHERE user_id = $1", user_id);
  // A reset is what follows a stolen account: whatever the thief made with
  // it stops too.
  auto revoked = w.exec_params(
      "UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL "
      "RETURNING id",
      user_id);
  // And the feeds' addresses: the thief may have copied them. The person
  // makes new ones once signed in again (their old links answer 404).
  w.exec_params(
      "UPDATE saved_searches SET feed_sha256 = sha256(convert_to(gen_random_uuid()::text || "
      "clock_timestamp()::text, 'UTF8')) WHERE user_id = $1",
      user_id);
  w.exec_params(
      "UPDATE need_feeds SET feed_sha256 = sha256(convert_to(gen_random_uuid()::text || "
      "clock_timestamp()::text, 'UTF8')) WHERE user_id = $1",
      user_id);
  std::string token = new_invitation(w, user_id);
  json tokens = json::array();
  for (const auto& row : revoked) tokens.push_back(row[0].as<long long>());
  audit(w, actor, "reset", user_id, std::nullopt, json{{"revoked_tokens", tokens}}.dump());
  w.commit();
  return {user_id, invitation_path(token)};
}

std::vector<User> list_users(pqxx::connection_base& conn) {
  pqxx::read_transaction r(conn);
  std::vector<User> out;
  for (const auto& row : r.exec(kUserSelect + " ORDER BY lower(u.email)")) {
    out.push_back(user_from_row(row));
  }
  return out;
}

std::optional<User> find_user(pqxx::connection_base& conn, long long id) {
  return user_where(conn, "u.id = $1", std::to_string(id));
}

std::optional<User> find_user_by_email(pqxx::connection_base& conn, const std::string& email) {
  return user_where(conn, "lower(u.email) = lower($1)", trimmed(email));
}

std::optional<User> change_user(pqxx::connection_base& conn, long long id, const UserChange& change,
                                const std::string& actor) {
  pqxx::work w(conn);
  if (change.role || change.disabled) {
    // Every active admin's row locked, always in the same order, before the
    // change and the count below: two admins demoting (or disabling) each
    // other at once run one after the other, and the second counts the
    // first's change (READ COMMITTED: each statement sees what committed
    // before it).
    w.exec("SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE");
  }
  auto rows = w.exec_params(kUserSelect + " WHERE u.id = $1 FOR UPDATE OF u", id);
  if (rows.empty()) return std::nullopt;
  User before = user_from_row(rows[0]);
  bool was_active_admin = before.role == Role::admin && before.status != AccountStatus::disabled;
  Role role = change.role.value_or(before.role);
  auto circle = change.circle ? *change.circle : before.circle;
  if (!is_account_role(role)) {
    throw AccountError(AccountRefusal::unknown_role, "role");
  }
  if (role_needs_circle(role) && !circle) {
    throw AccountError(AccountRefusal::animator_without_circle, "circle");
  }
  if (change.role && role != before.role) {
    w.exec_params("UPDATE users SET role = $2 WHERE id = $1", id, role_name(role));
    audit(w, actor, "role_change", id, json{{"role", role_name(before.role)}}.dump(),
          json{{"role", role_name(role)}}.dump());
  }
  if (change.circle && circle != before.circle) {
    w.exec_params("UPDATE users SET circle_id = $2 WHERE id = $1", id, circle_id(w, circle));
    auto as_json = [](const std::optional<std::string>& c) { return c ? json(*c) : json(nullptr); };
    audit(w, actor, "circle_change", id, json{{"circle", as_json(before.circle)}}.dump(),
          json{{"circle", as_json(circle)}}.dump());
  }
  bool was_disabled = before.status == AccountStatus::disabled;
  if (change.disabled && *change.disabled != was_disabled) {
    w.exec_params("UPDATE users SET disabled = $2 WHERE id = $1", id, *change.disabled);
    // A disabled account's sessions stop at once (lookups check the flag
    // too; this also forgets them).
    if (*change.disabled) w.exec_params("DELETE FROM sessions WHERE user_id = $1", id);
    audit(w, actor, *change.disabled ? "disable" : "enable", id, std::nullopt, std::nullopt);
  }
  if (was_active_admin &&
      w.exec("SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled")[0][0]
              .as<long long>() == 0) {
    throw AccountError(AccountRefusal::last_active_admin, change.disabled ? "disabled" : "role");
  }
  auto after = w.exec_params(kUserSelect + " WHERE u.id = $1", id);
  w.commit();
  return user_from_row(after[0]);
}

std::optional<User> find_invitation(pqxx::connection_base& conn, const std::string& token) {
  pqxx::read_transaction r(conn);
  auto rows =
      r.exec_params(kUserSelect + " JOIN invitations i ON i.user_id = u.id " + kUsableInvitation,
                    sha256_hex(token));
  if (rows.empty()) return std::nullopt;
  return user_from_row(rows[0]);
}

std::optional<User> accept_invitation(pqxx::connection_base& conn, const std::string& token,
                                      const std::string& password_hash, const std::string& client) {
  pqxx::work w(conn);
  // Locked: two submissions of the same invitation cannot both use it.
  auto rows =
      w.exec_params("SELECT i.id, u.id FROM users u JOIN invitations i ON i.user_id = u.id " +
                        std::string(kUsableInvitation) + " FOR UPDATE OF i, u",
                    sha256_hex(token));
  if (rows.empty()) return std::nullopt;
  long long user_id = rows[0][1].as<long long>();
  w.exec_params("UPDATE invitations SET used_at = now() WHERE id = $1", rows[0][0].as<long long>());
  w.exec_params("UPDATE users SET password_hash = $2 WHERE id = $1", user_id, password_hash);
  auto user = user_from_row(w.exec_params(kUserSelect + " WHERE u.id = $1", user_id)[0]);
  audit(w, user.email, "accept_invitation", user_id, std::nullopt, json{{"client", client}}.dump());
  w.commit();
  return user;
}

}  // namespace terrier::db
