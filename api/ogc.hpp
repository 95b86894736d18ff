#pragma once

// OGC API – Features (Part 1 core, GeoJSON) documents.

#include <map>
#include <string>

#include "api/params.hpp"
#include "db/feature_store.hpp"

namespace terrier::api {

std::string landing_document(const std::string& base);
std::string conformance_document();
std::string collections_document(const std::string& base, pqxx::connection_base& conn, Role role);
std::string collection_document(const std::string& base, pqxx::connection_base& conn,
                                db::Collection c, Role role);
std::string items_document(const std::string& base, db::Collection c, const db::FeatureQuery& q,
                           const std::map<std::string, std::string>& params,
                           const db::FeaturePage& page);
std::string item_document(const std::string& base, db::Collection c, const std::string& id,
                          const std::string& feature);
// A collection's French title.
const char* collection_title(db::Collection c);

}  // namespace terrier::api
