#pragma once

// What a collection's features hold, as JSON Schema (2020-12), for the role
// that asks: the queryables of OGC API – Features Part 3 (the properties
// that filter and sortby may name) and the features' own schema (the
// collection's "describedby" link, Part 5), which GDAL's OAPIF driver reads
// to type the fields. Both list only the properties the role may read
// (db::readable_properties, the list the features are written from), with
// the field catalogue's French labels and the vocabularies' values.

#include <string>

#include "core/roles.hpp"
#include "db/feature_store.hpp"

namespace terrier::api {

inline constexpr const char* kSchemaJson = "application/schema+json";

std::string queryables_document(const std::string& base, db::Collection c, Role role);
std::string schema_document(const std::string& base, db::Collection c, Role role);

}  // namespace terrier::api
