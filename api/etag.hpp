#pragma once

// Optimistic concurrency for the API's objects: an ETag names the entity,
// its id, the version of the stored row and the role it was read with (the
// same row reads differently per role); PATCH and DELETE compare the
// version an If-Match names with the stored one and answer 412, with the
// object as it is now, when it changed meanwhile.

#include <optional>
#include <string>

#include "api/service.hpp"
#include "core/roles.hpp"
#include "db/connection.hpp"
#include "db/feature_store.hpp"

namespace terrier::api {

// "\"opportunity-12-1732900000123456-member\""
std::string entity_etag(const std::string& entity, long long id, long long version, Role role);

// The version an If-Match asks for: nullopt without the header or with
// "*"; -1 (matches no version) when it names another object or is not one
// of ours.
std::optional<long long> if_match_version(const Request& request, const std::string& entity,
                                          long long id);

// The ETag of an item of a collection (opportunities, needs, places) as the
// role reads it, or nullopt (territories, unknown id).
std::optional<std::string> item_etag(pqxx::connection_base& conn, db::Collection collection,
                                     const std::string& id, Role role);

// 412 problem details whose "current" member is the object as the role may
// read it now (JSON), with that object's ETag.
Response precondition_failed(const std::string& current_json, const std::string& etag);

}  // namespace terrier::api
