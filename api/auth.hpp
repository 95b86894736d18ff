#pragma once

// Who is calling, and whether the request may act for them: bearer tokens
// (scripts, QGIS: shared or personal) and the page's session cookie; the
// cookie's attributes; the CSRF rule (a write carried by the cookie must come
// from a page of this server); the client's address for the sign-in limits.

#include <optional>
#include <string>

#include "api/handlers.hpp"

namespace terrier::api {

inline constexpr const char* kSessionCookie = "terrier_session";
inline constexpr long kSessionCookieMaxAgeS = 30L * 24 * 3600;

// Fills ctx from Authorization: Bearer (a 401 when unknown) or, without it,
// from a live session cookie (an unknown or expired one leaves the caller
// anonymous). A write carried by the cookie from another origin is a 403.
void authenticate(const Request& request, ConnectionPool& pool, const ServiceConfig& config,
                  Context& ctx);

// The session secret of the cookie, when it has the right shape.
std::optional<std::string> session_cookie(const Request& request);

// True over TLS: behind a proxy that says so, when TERRIER_TRUST_PROXY=1.
bool secure_request(const Request& request, const ServiceConfig& config);

// Set-Cookie values: a new session, and one that makes the browser forget it.
std::string session_cookie_header(const std::string& secret, bool secure);
std::string cleared_cookie_header(bool secure);

// The client's address: the peer, or behind a trusted proxy the last address
// of X-Forwarded-For.
std::string client_address(const Request& request, const ServiceConfig& config);

// 403 when the request names an origin (Origin, or without it Referer) that is
// not this server's; `required`: also when it names none.
void require_own_origin(const Request& request, const ServiceConfig& config, bool required);

}  // namespace terrier::api
