// Sign-in and sessions (/api/session) and invitations
// (/api/invitations/lookup and /accept: the token in the body).

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "api/account_params.hpp"
#include "api/account_render.hpp"
#include "api/auth.hpp"
#include "api/handlers.hpp"
#include "core/password.hpp"
#include "db/user_store.hpp"

namespace terrier::api {
namespace {

using nlohmann::json;

const char* const kBadCredentials = "Adresse e-mail ou mot de passe incorrect.";
const char* const kNoInvitation =
    "Cette invitation est inconnue, déjà utilisée ou expirée : demandez-en une nouvelle.";

// The signed-in answer: the person, and the cookie that carries the session.
Response signed_in(const db::User& user, const std::string& secret, int status, const Context& ctx,
                   const ServiceConfig& config) {
  Response r = json_response(person_json(user).dump());
  r.status = status;
  r.headers.emplace_back("Set-Cookie",
                         session_cookie_header(secret, secure_request(ctx.request, config)));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

const std::string& invitation_token_or_404(const std::string& token) {
  static const std::regex shape("^[0-9a-f]{64}$");
  if (!std::regex_match(token, shape)) throw not_found(kNoInvitation);
  return token;
}

Response too_many_attempts(int retry_after_s) {
  int minutes = (retry_after_s + 59) / 60;
  Response r =
      problem_response(429, "Too Many Requests",
                       fmt::format("Trop de tentatives de connexion : réessayez dans {} minute{}.",
                                   minutes, minutes > 1 ? "s" : ""));
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

// What the person may do, from core/roles, so that the page shows its
// buttons from the server's rules rather than a copy of them. "writes":
// per entity, "none", "circle" (an animator: rows of its circle) or
// "readable" (every row it may read).
json permissions_json(const Context& ctx) {
  auto scope = [&](const char* entity) {
    switch (write_scope(ctx.role, entity)) {
      case WriteScope::none:
        return "none";
      case WriteScope::circle:
        return "circle";
      case WriteScope::readable:
        return "readable";
    }
    return "none";
  };
  const char* import = "none";
  switch (import_scope(ctx.role, ctx.territory.has_value())) {
    case ImportScope::none:
      break;
    case ImportScope::circle:
      import = "circle";
      break;
    case ImportScope::everywhere:
      import = "everywhere";
      break;
  }
  json kinds = json::array();
  if (std::string(import) != "none") {
    for (const char* k : {"opportunities", "needs", "places", "requests"}) {
      if (may_import_kind(ctx.role, k)) kinds.push_back(k);
    }
  }
  // Territories' exports: "all", "circle" (its own) or "none".
  const char* export_scope = "none";
  if (may_export_territory(ctx.role, std::nullopt, "")) {
    export_scope = "all";
  } else if (ctx.territory && may_export_territory(ctx.role, ctx.territory, *ctx.territory)) {
    export_scope = "circle";
  }
  json settable = json::array();
  for (const auto& v : settable_visibilities(ctx.role)) settable.push_back(v);
  return {{"writes",
           {{"opportunity", scope("opportunity")},
            {"need", scope("need")},
            {"request", scope("request")}}},
          {"import", import},
          {"import_kinds", kinds},
          {"settable_visibilities", settable},
          {"export_requests", may_export_requests(ctx.role)},
          {"export_territories", export_scope},
          {"set_match_status", may_set_match_status(ctx.role)},
          // Saved searches and feeds belong to a person (an account).
          {"save_searches", ctx.user_id.has_value()}};
}

}  // namespace

// Who the caller is: the role (and "public" without credentials), the
// person or token, and how they proved it.
Response get_session(Context& ctx, ConnectionPool&, const ServiceConfig&) {
  json j = {{"role", role_name(ctx.role)},
            {"role_label", role_label(ctx.role)},
            {"confidential", sees_confidential(ctx.role)},
            {"readable_visibilities", readable_visibilities(ctx.role)},
            {"name", nullptr},
            {"email", nullptr},
            {"circle", ctx.territory ? json(*ctx.territory) : json(nullptr)},
            {"via", nullptr},
            {"may_manage_users", may_manage_users(ctx.role)},
            {"may_create_tokens", may_create_personal_tokens(ctx.role, ctx.via == AuthVia::cookie)},
            {"may", permissions_json(ctx)}};
  // The roles an administrator may give, with their labels: the page's
  // account dialog lists these and holds no role of its own.
  if (may_manage_users(ctx.role)) {
    json roles = json::array();
    for (Role r : account_roles()) {
      roles.push_back({{"role", role_name(r)}, {"label", role_label(r)}});
    }
    j["account_roles"] = roles;
  }
  if (ctx.via != AuthVia::none) {
    j["via"] = ctx.via == AuthVia::cookie ? "cookie" : "token";
    if (ctx.user_id) {
      j["email"] = ctx.email;
      j["name"] = ctx.name.empty() ? ctx.email : ctx.name;
    } else {
      j["name"] = ctx.token_name;
    }
  }
  if (ctx.territory) j["territory"] = *ctx.territory;
  Response r = json_response(j.dump());
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// Wrong password, unknown address, disabled account or no password yet: the
// same 401, after the same work (one Argon2id verification, against a dummy
// hash when there is nothing to check).
Response post_session(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  require_own_origin(ctx.request, config, false);
  auto body = SignInBody::parse(ctx.request.body);
  std::string client = client_address(ctx.request, config);
  db::Attempt attempt;
  std::optional<db::SignInCandidate> candidate;
  {
    auto conn = pool.acquire();
    attempt = db::begin_sign_in_attempt(*conn, body.email, client);
    if (attempt.retry_after_s) return too_many_attempts(*attempt.retry_after_s);
    candidate = db::sign_in_candidate(*conn, body.email);
  }
  // No connection is held while hashing (tenths of a second, 64 MiB each).
  bool has_password = candidate && !candidate->password_hash.empty();
  bool matches = password::verify(has_password ? candidate->password_hash : password::dummy_hash(),
                                  body.password);
  auto conn = pool.acquire();
  if (!matches || !has_password || candidate->disabled) {
    db::record_sign_in_failure(
        *conn, body.email, candidate ? std::optional(candidate->user_id) : std::nullopt, client);
    throw Problem(401, "Unauthorized", kBadCredentials);
  }
  db::forget_failure(*conn, attempt.failure_id);
  std::string secret = db::create_session(*conn, candidate->user_id, client);
  auto user = db::find_user(*conn, candidate->user_id);
  if (!user) throw Problem(401, "Unauthorized", kBadCredentials);
  return signed_in(*user, secret, 200, ctx, config);
}

Response delete_session(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  if (auto secret = session_cookie(ctx.request)) {
    auto conn = pool.acquire();
    db::end_session(*conn, *secret);
  }
  Response r;
  r.status = 204;
  r.content_type.clear();
  r.headers.emplace_back("Set-Cookie", cleared_cookie_header(secure_request(ctx.request, config)));
  return r;
}

// Who the invitation is for, before the password is chosen.
Response lookup_invitation(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  require_own_origin(ctx.request, config, false);
  auto body = InvitationBody::parse(ctx.request.body);
  const std::string& token = invitation_token_or_404(body.token);
  auto conn = pool.acquire();
  auto user = db::find_invitation(*conn, token);
  if (!user) throw not_found(kNoInvitation);
  Response r = json_response(person_json(*user).dump());
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// Chooses the password and signs in.
Response accept_invitation(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  require_own_origin(ctx.request, config, false);
  auto body = NewPasswordBody::parse(ctx.request.body);
  const std::string& token = invitation_token_or_404(body.token);
  {
    auto conn = pool.acquire();
    if (!db::find_invitation(*conn, token)) throw not_found(kNoInvitation);
  }
  body.validate();
  std::string hash = password::hash(body.password);
  std::string client = client_address(ctx.request, config);
  auto conn = pool.acquire();
  // Checked again, locked: a second submission of the same invitation fails.
  auto user = db::accept_invitation(*conn, token, hash, client);
  if (!user) throw not_found(kNoInvitation);
  std::string secret = db::create_session(*conn, user->id, client);
  return signed_in(*user, secret, 201, ctx, config);
}

}  // namespace terrier::api
