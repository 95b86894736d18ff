#pragma once

// The API's handlers, grouped by file: features (OGC API, tiles, static
// files), matches and exports, writes and imports. the route table (routes.cpp) routes to
// them. Each handler parses and validates its parameters, calls the
// data-access layer and shapes the response.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/pool.hpp"
#include "api/problem.hpp"
#include "api/service.hpp"
#include "core/roles.hpp"
#include "db/feature_store.hpp"

namespace terrier::api {

class ImportRunner;
class UploadRegistry;
class TileService;
class ReadReplicas;

// How the caller proved who they are.
enum class AuthVia { none, cookie, token };

struct Context {
  const Request& request;
  std::vector<std::string> segments;
  std::map<std::string, std::string> params;
  Role role = Role::anonymous;
  std::string base_url;                  // scheme://host, for links
  std::string who = "public";            // the token's name, for the records of writes
  std::optional<std::string> territory;  // an animator's circle
  AuthVia via = AuthVia::none;
  // The account behind a session cookie or a personal token.
  std::optional<long long> user_id{};
  std::string email{};
  std::string name{};
  std::string token_name{};                // the bearer token's name
  const Metrics* metrics = nullptr;        // the service's counters, for /metrics
  std::size_t in_flight = 0;               // requests being answered, this one included
  ImportRunner* imports = nullptr;         // background imports; none: async=true is refused
  UploadRegistry* uploads = nullptr;       // files sent in pieces (/api/uploads)
  TileService* tiles = nullptr;            // clusters and the tile cache; none: tiles by PostGIS
  const ReadReplicas* replicas = nullptr;  // for /healthz and /metrics; none: no replica
};

Response json_response(std::string body, const char* type = "application/json");
Response problem_response(int status, const std::string& title, const std::string& detail,
                          const std::string& extensions = "");
long long id_or_404(const std::string& s, const char* what);
// 201 with a JSON body that caches must not keep (it may hold a secret shown
// once); 204 without a body.
Response created(const nlohmann::json& body);
Response no_content();
// The account behind the request (a session, or a personal token): 401
// without credentials, 403 for a shared token, which belongs to nobody.
long long require_person(const Context& ctx);
db::Collection collection_or_404(const std::string& id);

// feature_handlers.cpp
Response items(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response item(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response tile(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response healthz(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response static_file(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response map_config(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

// match_handlers.cpp
Response need_matches(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response opportunity_matches(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response assignment(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response export_territory(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response white_zones(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response dashboard(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

// fiche_handlers.cpp: a funder's one-page PDF of an opportunity or a match
Response opportunity_fiche(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response match_fiche(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

// session_handlers.cpp: sign-in, sessions, invitations
Response get_session(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response post_session(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response delete_session(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response lookup_invitation(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response accept_invitation(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

// alert_handlers.cpp: saved searches, their feeds, a need's feed
Response list_searches(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response create_search(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response patch_search(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response delete_search(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response renew_search_feed(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response mark_search_seen(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response create_need_feed(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response feed(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

// user_handlers.cpp: accounts (admins) and personal tokens
Response list_users(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response create_user(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response patch_user(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response reset_user(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response create_token(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response list_tokens(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response delete_token(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response list_user_tokens(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response delete_user_token(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
// followup_handlers.cpp
Response get_match(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response patch_match(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response object_history(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response followup_board(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

// request_handlers.cpp
Response list_requests(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response export_requests(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response get_request(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response create_request(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response update_request(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response delete_request(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

// metrics.cpp: Prometheus' text, for admins' tokens only
Response metrics_page(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

// write_handlers.cpp
Response create_row(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response update_row(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response delete_row(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
// OGC API – Features Part 4 (POST, PUT, PATCH of an item; DELETE is delete_row)
Response ogc_create_item(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response ogc_replace_item(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response ogc_update_item(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

// import_handlers.cpp
Response import_file(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response import_progress(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

// upload_handlers.cpp: a file sent in pieces, then imported
Response create_upload(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response append_upload(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response import_upload_file(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);
Response delete_upload(Context& ctx, ConnectionPool& pool, const ServiceConfig& config);

}  // namespace terrier::api
