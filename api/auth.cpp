#include "api/auth.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <regex>

#include "core/text.hpp"
#include "db/token_store.hpp"
#include "db/user_store.hpp"

namespace terrier::api {
namespace {

const std::string* header(const Request& request, const char* name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? nullptr : &it->second;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The last entry of a comma-separated header (the one our proxy added).
std::string last_entry(const std::string& value) {
  auto comma = value.rfind(',');
  return trim(comma == std::string::npos ? value : value.substr(comma + 1));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "scheme://host[:port]" with the scheme's default port dropped, lower case;
// empty when `url` does not start with an http(s) origin.
std::string normalised_origin(const std::string& url) {
  static const std::regex origin(R"(^(https?)://([^/?#\s]+))", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(url, m, origin)) return "";
  std::string scheme = lower(m[1].str());
  std::string authority = lower(m[2].str());
  if (authority.find('@') != std::string::npos) return "";
  std::string default_port = scheme == "https" ? ":443" : ":80";
  if (authority.size() > default_port.size() &&
      authority.compare(authority.size() - default_port.size(), default_port.size(),
                        default_port) == 0) {
    authority.resize(authority.size() - default_port.size());
  }
  return scheme + "://" + authority;
}

std::string own_origin(const Request& request, const ServiceConfig& config) {
  std::string host;
  if (config.trust_proxy) {
    if (const auto* forwarded = header(request, "x-forwarded-host")) host = last_entry(*forwarded);
  }
  if (host.empty()) {
    const auto* h = header(request, "host");
    if (!h) return "";
    host = trim(*h);
  }
  return normalised_origin((secure_request(request, config) ? "https://" : "http://") + host);
}

bool is_write(const std::string& method) {
  return method == "POST" || method == "PATCH" || method == "PUT" || method == "DELETE";
}

void from_token(const std::string& value, ConnectionPool& pool, Context& ctx) {
  static const std::regex bearer(R"(^Bearer ([A-Za-z0-9_\-]{1,200})$)");
  std::smatch m;
  if (!std::regex_match(value, m, bearer)) {
    throw Problem(401, "Unauthorized", "the Authorization header must be 'Bearer <token>'");
  }
  auto conn = pool.acquire();
  auto token = db::find_token(*conn, m[1].str());
  if (!token) throw Problem(401, "Unauthorized", "unknown or revoked token");
  ctx.role = token->role;
  ctx.who = token->user_id ? token->user_email : token->name;
  ctx.territory = token->territory_slug;
  ctx.via = AuthVia::token;
  ctx.token_name = token->name;
  if (token->user_id) {
    ctx.user_id = token->user_id;
    ctx.email = token->user_email;
    ctx.name = token->user_name;
  }
}

}  // namespace

void authenticate(const Request& request, ConnectionPool& pool, const ServiceConfig& config,
                  Context& ctx) {
  // A pasted token wins over the cookie: scripts and the page with a token
  // keep working as before.
  if (const auto* authorization = header(request, "authorization")) {
    from_token(*authorization, pool, ctx);
    return;
  }
  auto secret = session_cookie(request);
  if (!secret) return;
  std::optional<db::SessionUser> session;
  {
    auto conn = pool.acquire();
    session = db::find_session(*conn, *secret);
  }
  if (!session) return;  // over, or unknown: the caller is anonymous
  const auto& user = session->user;
  ctx.role = user.role;
  ctx.who = user.email;
  ctx.territory = user.circle;
  ctx.via = AuthVia::cookie;
  ctx.user_id = user.id;
  ctx.email = user.email;
  ctx.name = user.name;
  // The browser sends the cookie with any request to this server, whoever
  // made the page: a write must come from one of ours.
  if (is_write(request.method)) require_own_origin(request, config, true);
}

std::optional<std::string> session_cookie(const Request& request) {
  const auto* cookies = header(request, "cookie");
  if (!cookies) return std::nullopt;
  static const std::regex shape("^[0-9a-f]{64}$");
  for (const auto& part : text::split_any(*cookies, {";"})) {
    auto eq = part.find('=');
    if (eq == std::string::npos || trim(part.substr(0, eq)) != kSessionCookie) continue;
    std::string value = trim(part.substr(eq + 1));
    if (std::regex_match(value, shape)) return value;
  }
  return std::nullopt;
}

bool secure_request(const Request& request, const ServiceConfig& config) {
  if (!config.trust_proxy) return false;
  const auto* proto = header(request, "x-forwarded-proto");
  return proto && lower(last_entry(*proto)) == "https";
}

std::string session_cookie_header(const std::string& secret, bool secure) {
  return fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}", kSessionCookie,
                     secret, kSessionCookieMaxAgeS, secure ? "; Secure" : "");
}

std::string cleared_cookie_header(bool secure) {
  return fmt::format("{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}", kSessionCookie,
                     secure ? "; Secure" : "");
}

std::string client_address(const Request& request, const ServiceConfig& config) {
  if (config.trust_proxy) {
    if (const auto* forwarded = header(request, "x-forwarded-for")) {
      std::string last = last_entry(*forwarded);
      if (!last.empty() && last.size() <= 64) return last;
    }
  }
  return request.peer.empty() ? "unknown" : request.peer;
}

void require_own_origin(const Request& request, const ServiceConfig& config, bool required) {
  const std::string* named = header(request, "origin");
  if (!named) named = header(request, "referer");
  if (!named) {
    if (!required) return;
    throw Problem(403, "Forbidden",
                  "Requête refusée : une écriture par cookie de session doit venir d'une page de "
                  "ce serveur (en-tête Origin absent).");
  }
  std::string own = own_origin(request, config);
  if (own.empty() || normalised_origin(*named) != own) {
    throw Problem(403, "Forbidden",
                  "Requête refusée : elle vient d'une autre origine que ce serveur.");
  }
}

}  // namespace terrier::api
