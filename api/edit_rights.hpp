#pragma once

// What the signed-in caller may change of one opportunity or need, added to
// the feature the API returns ("editable", "editable_fields"), so that the
// page shows "Modifier" and its fields from the server's rules: the same
// checks as the writes (core/roles, the animator's circle), never a copy of
// them in JavaScript.

#include <pqxx/pqxx>
#include <string>

#include "api/handlers.hpp"

namespace terrier::api {

// `feature` (a GeoJSON Feature of `collection`, row `id`) with its
// properties' "editable" (whether the caller may PATCH it) and
// "editable_fields" (the fields it may write, in the import table's order;
// empty when not editable). Unchanged for anonymous callers and for other
// collections.
std::string with_edit_rights(const Context& ctx, pqxx::connection_base& conn,
                             db::Collection collection, const std::string& id,
                             const std::string& feature);

}  // namespace terrier::api
