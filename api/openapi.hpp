#pragma once

// The OpenAPI 3.0 document of the whole API, made from the route table
// (api/routes): every route's path, parameters, body and responses. Served
// at /api/openapi.json; /ogcapi/api serves its OGC part (the paths under
// /ogcapi, rooted there as OGC API – Features and GDAL expect).

#include <string>
#include <string_view>

#include "api/service.hpp"

namespace terrier::api {

inline constexpr const char* kOpenApiType = "application/vnd.oai.openapi+json;version=3.0";

// `root` empty: every route; "ogcapi": the routes under /ogcapi, with that
// prefix in the server's URL rather than in the paths. The limits (items per
// page, body size) are the configuration's.
std::string api_document(const std::string& base, const ServiceConfig& config,
                         std::string_view root = "");

}  // namespace terrier::api
