#pragma once

// The route table (routes.cpp): each route's method, path pattern and
// handler, and beside them what the OpenAPI document (api/openapi.cpp) says
// of it: its name, French summary, parameters, body and the statuses the
// handler answers. The document is made from this table, so a route cannot
// be served and left out of it.

#include <functional>
#include <string>
#include <vector>

#include "api/handlers.hpp"

namespace terrier::api {

using Handler = std::function<Response(Context&, ConnectionPool&, const ServiceConfig&)>;

// The query parameters a route accepts, one set per parser (api/params,
// the import, upload and request handlers).
enum class Query {
  none,
  items,             // parse_items_query
  item,              // parse_item_params
  tile,              // parse_tile_params
  territory_export,  // parse_export_params
  assignment,        // parse_assignment_params
  white_zones,       // parse_white_zone_params
  dashboard,         // parse_dashboard_params
  followup,          // parse_followup_params
  requests,          // list_requests
  requests_export,   // export_requests
  import,            // parse_import_params
  upload_create,     // create_upload
  upload_append,     // append_upload
  upload_import,     // import_upload_file
};

// The request bodies, one per parser (api/account_params, the handlers).
enum class Body {
  none,
  sign_in,             // SignInBody
  invitation,          // InvitationBody
  new_password,        // NewPasswordBody
  new_user,            // NewUserBody
  user_patch,          // UserPatchBody
  token,               // TokenBody
  search,              // SearchBody (creating)
  search_patch,        // SearchBody (changing)
  need_feed,           // NeedFeedBody
  match_update,        // followup_handlers' parse_status_update
  request_fields,      // request_handlers' draft_of
  opportunity_fields,  // write_handlers: fields, or a GeoJSON Feature
  need_fields,         // the same, for a need
  opportunity_item,    // the same as a GeoJSON Feature (OGC API – Features Part 4)
  need_item,           // the same, for a need
  file,                // an import: the file itself
  piece,               // an upload's piece of file
};

// Who may call: anyone (credentials optional), or a person or token only
// (anonymous gets 401).
enum class Access { anyone, account };

struct RouteDoc {
  const char* id = "";       // operationId
  const char* tag = "";      // one of openapi.cpp's tags
  const char* summary = "";  // French
  // The names of the pattern's "{}" segments, in order.
  std::vector<const char*> names = {};
  Access access = Access::anyone;
  Query query = Query::none;
  Body body = Body::none;
  // Every status the handler itself answers: successes and problems. The
  // document adds what every route may answer (401 for an unknown token,
  // 503, 403 for a cross-site write, 413 for a body, 304 for a GET).
  std::vector<int> statuses = {200};
  // The success's media types (the first is the default); empty: no body.
  std::vector<const char*> types = {"application/json"};
  // The first "{}" names a collection: the document gives one path per
  // collection (each has its own filters).
  bool per_collection = false;
  // The answer is a file to download: no ETag, so no 304.
  bool download = false;
};

struct Route {
  const char* method;
  std::vector<const char*> pattern;  // "{}" for a variable segment, "**" for the page's files
  Handler handler;
  RouteDoc doc = {};
};

const std::vector<Route>& routes();

// Whether the path's segments fall under the route's pattern (any method).
bool route_matches(const Route& route, const std::vector<std::string>& segments);

// The route that answers `method` at `segments`, as the server picks it
// (the first that matches), or nullptr.
const Route* find_route(const std::string& method, const std::vector<std::string>& segments);

}  // namespace terrier::api
