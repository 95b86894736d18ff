#include "cli/token_command.hpp"

#include <fmt/core.h>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "core/roles.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/token_store.hpp"
#include "db/user_store.hpp"

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

int token_list(const Settings& settings, const TokenArgs& args) {
  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  std::optional<long long> user_id;
  if (args.user) {
    auto user = db::find_user_by_email(*conn, *args.user);
    if (!user) throw ConfigError(fmt::format("no account has the address '{}'", *args.user));
    user_id = user->id;
  }
  auto tokens = db::list_tokens(*conn, user_id);
  fmt::print("{:>4}  {:<24} {:<10} {:<18} {:<32} {:<20} {}\n", "id", "name", "role", "circle",
             "account", "created", "last used");
  for (const auto& t : tokens) {
    fmt::print("{:>4}  {:<24} {:<10} {:<18} {:<32} {:<20} {}\n", t.id, t.name, role_name(t.role),
               t.territory_slug.value_or("-"), t.user_email.value_or("(shared)"), t.created_at,
               t.last_used_at.value_or("-"));
  }
  fmt::print("{} active token{}\n", tokens.size(), tokens.size() == 1 ? "" : "s");
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

namespace {

const Registration kToken{
    Order::token, [](CLI::App& app, Command& chosen) {
      static TokenArgs args;
      auto* token = app.add_subcommand("token", "API tokens");
      token->require_subcommand(1);
      auto choose = [&chosen](int (*fn)(const Settings&, const TokenArgs&)) {
        return [&chosen, fn] { chosen = [fn](const Settings& s) { return fn(s, args); }; };
      };
      auto* create = token->add_subcommand("create", "Create a token; it is printed once");
      create->add_option("--role", args.role, "public, member, foundation, animator, admin")
          ->required();
      create->add_option("--territory", args.territory, "The animator's circle (slug)");
      create->add_option("--name", args.name, "Who holds it")->required();
      create->callback(choose(token_create));
      auto* list = token->add_subcommand(
          "list", "List the active tokens (never their secrets): shared and personal");
      list->add_option("--user", args.user, "Only this account's personal tokens (e-mail)");
      list->callback(choose(token_list));
      auto* revoke = token->add_subcommand("revoke", "Revoke a token by its id");
      revoke->add_option("id", args.revoke_id, "The token's id")->required();
      revoke->callback(choose(token_revoke));
    }};

}  // namespace

}  // namespace terrier::cli
