// Accounts, for admins (/api/users…, an account's tokens included), and a
// person's own API tokens (/api/tokens…).

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "api/account_params.hpp"
#include "api/account_render.hpp"
#include "api/handlers.hpp"
#include "db/user_store.hpp"

namespace terrier::api {
namespace {

using nlohmann::json;

void require_user_manager(const Context& ctx) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "Connectez-vous d'abord.");
  if (!may_manage_users(ctx.role)) {
    throw Problem(403, "Forbidden", "Seuls les administrateurs gèrent les comptes.");
  }
}

void require_token_manager(const Context& ctx) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "Connectez-vous d'abord.");
  if (!may_manage_others_tokens(ctx.role)) {
    throw Problem(403, "Forbidden",
                  "Seuls les administrateurs voient et révoquent les jetons des autres.");
  }
}

// Tokens as lists show them: never the secret.
json tokens_json(const std::vector<db::PersonalToken>& tokens) {
  json out = json::array();
  for (const auto& t : tokens) {
    out.push_back({{"id", t.id},
                   {"name", t.name},
                   {"created_at", t.created_at},
                   {"last_used_at", t.last_used_at ? json(*t.last_used_at) : json(nullptr)}});
  }
  return out;
}

}  // namespace

Response list_users(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_user_manager(ctx);
  auto conn = pool.acquire();
  json out = json::array();
  for (const auto& u : db::list_users(*conn)) out.push_back(account_json(u));
  return json_response(out.dump());
}

Response create_user(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_user_manager(ctx);
  auto body = NewUserBody::parse(ctx.request.body);
  auto conn = pool.acquire();
  try {
    auto invited = db::invite_user(*conn, body.user, ctx.who);
    return created({{"id", invited.user_id}, {"invitation_path", invited.path}});
  } catch (const db::AccountError& e) {
    throw account_problem(e);
  }
}

Response patch_user(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_user_manager(ctx);
  long long id = id_or_404(ctx.segments[2], "account");
  auto body = UserPatchBody::parse(ctx.request.body);
  auto conn = pool.acquire();
  try {
    auto user = db::change_user(*conn, id, body.change, ctx.who);
    if (!user) throw not_found(fmt::format("Aucun compte n'a l'identifiant {}.", id));
    return json_response(account_json(*user).dump());
  } catch (const db::AccountError& e) {
    throw account_problem(e);
  }
}

Response reset_user(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_user_manager(ctx);
  long long id = id_or_404(ctx.segments[2], "account");
  auto conn = pool.acquire();
  try {
    auto invited = db::reset_user(*conn, id, ctx.who);
    Response r = json_response(json{{"invitation_path", invited.path}}.dump());
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  } catch (const db::AccountError& e) {
    throw account_problem(e);
  }
}

Response create_token(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  long long user_id = require_person(ctx);
  if (!may_create_personal_tokens(ctx.role, ctx.via == AuthVia::cookie)) {
    throw Problem(403, "Forbidden",
                  "Un jeton personnel se crée depuis une session ouverte dans la page.");
  }
  auto body = TokenBody::parse(ctx.request.body);
  auto conn = pool.acquire();
  auto user = db::find_user(*conn, user_id);
  if (!user) throw Problem(401, "Unauthorized", "Connectez-vous d'abord.");
  auto t = db::create_personal_token(*conn, *user, body.name);
  return created({{"id", t.info.id},
                  {"name", t.info.name},
                  {"token", t.token},
                  {"created_at", t.info.created_at}});
}

Response list_tokens(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  long long user_id = require_person(ctx);
  auto conn = pool.acquire();
  return json_response(tokens_json(db::list_personal_tokens(*conn, user_id)).dump());
}

Response delete_token(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  long long user_id = require_person(ctx);
  long long id = id_or_404(ctx.segments[2], "token");
  auto conn = pool.acquire();
  if (!db::revoke_personal_token(*conn, user_id, id, ctx.who)) {
    throw not_found(fmt::format("Vous n'avez pas de jeton {}.", id));
  }
  return no_content();
}

// GET /api/users/{id}/tokens: an account's active tokens, for admins.
Response list_user_tokens(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_token_manager(ctx);
  long long user_id = id_or_404(ctx.segments[2], "account");
  auto conn = pool.acquire();
  if (!db::find_user(*conn, user_id)) {
    throw not_found(fmt::format("Aucun compte n'a l'identifiant {}.", user_id));
  }
  return json_response(tokens_json(db::list_personal_tokens(*conn, user_id)).dump());
}

// DELETE /api/users/{id}/tokens/{tid}: an admin revokes someone's token.
Response delete_user_token(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_token_manager(ctx);
  long long user_id = id_or_404(ctx.segments[2], "account");
  long long id = id_or_404(ctx.segments[4], "token");
  auto conn = pool.acquire();
  if (!db::revoke_personal_token(*conn, user_id, id, ctx.who)) {
    throw not_found(fmt::format("Ce compte n'a pas de jeton actif {}.", id));
  }
  return no_content();
}

}  // namespace terrier::api
