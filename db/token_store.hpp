#pragma once

// API tokens: 256 random bits, shown once, stored as their SHA-256.

#include <optional>
#include <string>
#include <vector>

#include "core/roles.hpp"
#include "db/connection.hpp"

namespace terrier::db {

struct TokenInfo {
  long long id = 0;
  std::string name;
  Role role = Role::anonymous;
  std::optional<long long> territory_id;
  std::optional<std::string> territory_slug;
  // A personal token acts for its user, with the user's current role and
  // circle; the tokens of a disabled account, or of one without a password
  // (invited again by a reset), do not work.
  std::optional<long long> user_id;
  std::string user_email;
  std::string user_name;
};

struct CreatedToken {
  long long id = 0;
  std::string token;  // the secret, to print once
};

// Throws ConfigError for an unknown territory or an animator without one.
CreatedToken create_token(pqxx::connection_base& conn, const std::string& name, Role role,
                          const std::optional<std::string>& territory_slug);
// Returns false when no active token has this id.
bool revoke_token(pqxx::connection_base& conn, long long id);
// The active token with this secret, if any.
std::optional<TokenInfo> find_token(pqxx::connection_base& conn, const std::string& secret);

// An active token as `terrier token list` shows it: never its secret (only
// its hash is stored anyway).
struct ListedToken {
  long long id = 0;
  std::string name;
  Role role = Role::anonymous;                // a personal token's: its user's
  std::optional<std::string> territory_slug;  // a personal token's: its user's circle
  std::optional<std::string> user_email;      // personal tokens only
  std::string created_at;                     // ISO 8601, UTC
  std::optional<std::string> last_used_at;
};
// Every active token, or those of one account.
std::vector<ListedToken> list_tokens(pqxx::connection_base& conn,
                                     const std::optional<long long>& user_id);

}  // namespace terrier::db
