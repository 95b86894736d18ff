#include "db/token_store.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>

#include "core/error.hpp"
#include "core/hash.hpp"

namespace terrier::db {

CreatedToken create_token(pqxx::connection_base& conn, const std::string& name, Role role,
                          const std::optional<std::string>& territory_slug) {
  if (role == Role::animator && !territory_slug) {
    throw ConfigError("an animator token needs --territory (the circle it works on)");
  }
  pqxx::work w(conn);
  std::optional<long long> territory_id;
  if (territory_slug) {
    auto r = w.exec_params("SELECT id FROM territories WHERE slug = $1", *territory_slug);
    if (r.empty())
      throw ConfigError(fmt::format("no territory has the slug '{}'", *territory_slug));
    territory_id = r[0][0].as<long long>();
  }
  CreatedToken out;
  out.token = "trr_" + random_hex(32);
  auto r = w.exec_params1(
      "INSERT INTO api_tokens (name, role, territory_id, token_sha256) "
      "VALUES ($1, $2, $3, decode($4, 'hex')) RETURNING id",
      name, role_name(role), territory_id, sha256_hex(out.token));
  out.id = r[0].as<long long>();
  w.commit();
  return out;
}

bool revoke_token(pqxx::connection_base& conn, long long id) {
  pqxx::work w(conn);
  auto r = w.exec_params(
      "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", id);
  w.commit();
  return r.affected_rows() == 1;
}

std::optional<TokenInfo> find_token(pqxx::connection_base& conn, const std::string& secret) {
  // The lookup is by the secret's hash: the secret itself never reaches the
  // database or the logs, and comparing hashes does not leak timing about it.
  pqxx::work w(conn);
  auto r = w.exec_params(
      "SELECT t.id, t.name, CASE WHEN t.user_id IS NULL THEN t.role ELSE u.role END, "
      "CASE WHEN t.user_id IS NULL THEN t.territory_id ELSE u.circle_id END, "
      "(SELECT slug FROM territories WHERE id = "
      "CASE WHEN t.user_id IS NULL THEN t.territory_id ELSE u.circle_id END), "
      "t.user_id, u.email, u.name FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id "
      "WHERE t.token_sha256 = decode($1, 'hex') AND t.revoked_at IS NULL "
      "AND (t.user_id IS NULL OR (NOT u.disabled AND u.password_hash IS NOT NULL))",
      sha256_hex(secret));
  if (!r.empty()) {
    // At most one write a minute per token, not one per request.
    w.exec_params(
        "UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND "
        "(last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
        r[0][0].as<long long>());
  }
  w.commit();
  if (r.empty()) return std::nullopt;
  TokenInfo info;
  info.id = r[0][0].as<long long>();
  info.name = r[0][1].as<std::string>();
  info.role = parse_role(r[0][2].as<std::string>()).value_or(Role::anonymous);
  if (!r[0][3].is_null()) info.territory_id = r[0][3].as<long long>();
  if (!r[0][4].is_null()) info.territory_slug = r[0][4].as<std::string>();
  if (!r[0][5].is_null()) {
    info.user_id = r[0][5].as<long long>();
    info.user_email = r[0][6].as<std::string>();
    info.user_name = r[0][7].as<std::string>();
  }
  return info;
}

std::vector<ListedToken> list_tokens(pqxx::connection_base& conn,
                                     const std::optional<long long>& user_id) {
  pqxx::read_transaction r(conn);
  std::vector<ListedToken> out;
  for (const auto& row : r.exec_params(
           "SELECT t.id, t.name, CASE WHEN t.user_id IS NULL THEN t.role ELSE u.role END, "
           "(SELECT slug FROM territories WHERE id = "
           "CASE WHEN t.user_id IS NULL THEN t.territory_id ELSE u.circle_id END), u.email, "
           "to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
           "to_char(t.last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
           "FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id "
           "WHERE t.revoked_at IS NULL AND ($1::bigint IS NULL OR t.user_id = $1) ORDER BY t.id",
           user_id)) {
    ListedToken t;
    t.id = row[0].as<long long>();
    t.name = row[1].as<std::string>();
    t.role = parse_role(row[2].as<std::string>()).value_or(Role::anonymous);
    if (!row[3].is_null()) t.territory_slug = row[3].as<std::string>();
    if (!row[4].is_null()) t.user_email = row[4].as<std::string>();
    t.created_at = row[5].as<std::string>();
    if (!row[6].is_null()) t.last_used_at = row[6].as<std::string>();
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace terrier::db
