#pragma once

// The OpenAPI schemas of what each route's parsers accept (api/params,
// api/account_params, the handlers' own parsers): query parameters, path
// segments and request bodies, with the parsers' own vocabularies, limits
// and patterns. api/openapi.cpp puts them in the document.

#include <nlohmann/json.hpp>
#include <string>

#include "api/params.hpp"
#include "api/routes.hpp"

namespace terrier::api {

// The query parameters of a route; `c`: its collection, for one that has one.
nlohmann::json query_parameters(Query q, db::Collection c, const Limits& limits);

// A path segment's parameter, by its name in the route table.
nlohmann::json path_parameter(const std::string& name);

// The request body's object, or null for none; `max_bytes`: the body limit.
nlohmann::json request_body(Body body, std::size_t max_bytes);

}  // namespace terrier::api
