#include "cli/token_command.hpp"

#include <fmt/core.h>

#include "core/error.hpp"
#include "core/roles.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/token_store.hpp"

namespace terrier::cli {

int token_create(const Settings& settings, const TokenArgs& args) {
  auto role = parse_role(args.role);
  if (!role) {
    throw ConfigError(
        fmt::format("unknown role '{}' (public, member, foundation, animator, admin)", args.role));
  }
  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  auto created = db::create_token(*conn, args.name, *role, args.territory);
  fmt::print("token {} created for '{}' ({}{}); it is shown once, keep it:\n", created.id,
             args.name, role_name(*role), args.territory ? ", " + *args.territory : "");
  fmt::print("{}\n", created.token);
  return 0;
}

int token_revoke(const Settings& settings, const TokenArgs& args) {
  auto conn = db::connect(database_url(settings));
  if (!db::revoke_token(*conn, args.revoke_id)) {
    throw ConfigError(fmt::format("no active token has id {}", args.revoke_id));
  }
  fmt::print("token {} revoked\n", args.revoke_id);
  return 0;
}

}  // namespace terrier::cli
