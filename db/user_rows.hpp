#pragma once

// Internal to db/: how an account is read from the users table, and the
// audit_log rows of account actions. Shared by user_store.cpp and
// session_store.cpp.

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "db/user_store.hpp"

namespace terrier::db {

// The SELECT list of every User field of `users u` (8 columns).
inline constexpr const char* kUserColumns =
    "SELECT u.id, u.email, u.name, u.role, "
    "(SELECT slug FROM territories WHERE id = u.circle_id), "
    "u.disabled, u.password_hash IS NULL, "
    "to_char(u.last_sign_in_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
// The number of those columns: a query selecting more reads its own from here.
inline constexpr int kUserColumnCount = 8;
// The same from `users u`; a WHERE (or a JOIN) follows.
inline const std::string kUserSelect = std::string(kUserColumns) + " FROM users u";

// An invitation joined as `i` to its account `u`, still usable; $1 is the
// token's SHA-256 in hex.
inline constexpr const char* kUsableInvitation =
    " WHERE i.token_sha256 = decode($1, 'hex') AND i.used_at IS NULL AND i.revoked_at IS NULL "
    "AND i.expires_at > now() AND NOT u.disabled";

inline User user_from_row(const pqxx::row& r) {
  User u;
  u.id = r[0].as<long long>();
  u.email = r[1].as<std::string>();
  u.name = r[2].as<std::string>();
  u.role = parse_role(r[3].as<std::string>()).value_or(Role::member);
  if (!r[4].is_null()) u.circle = r[4].as<std::string>();
  u.status = r[5].as<bool>()   ? AccountStatus::disabled
             : r[6].as<bool>() ? AccountStatus::invited
                               : AccountStatus::active;
  if (!r[7].is_null()) u.last_sign_in = r[7].as<std::string>();
  return u;
}

// At most n bytes of s, not cutting a UTF-8 character.
inline std::string utf8_prefix(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// One audit_log row about an account (entity "user").
inline void audit(pqxx::work& w, const std::string& actor, const char* action,
                  std::optional<long long> user_id, const std::optional<std::string>& before,
                  const std::optional<std::string>& after) {
  w.exec_params(
      "INSERT INTO audit_log (actor, action, entity, entity_id, before, after) "
      "VALUES ($1, $2, 'user', $3, $4::jsonb, $5::jsonb)",
      utf8_prefix(actor, 254), action, user_id, before, after);
}

}  // namespace terrier::db
