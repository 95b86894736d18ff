#include "api/ogc.hpp"

#include <fmt/core.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "api/problem.hpp"
#include "api/queryables.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

const char* kGeoJson = "application/geo+json";

json link(const std::string& href, const char* rel, const char* type, const std::string& title) {
  return {{"href", href}, {"rel", rel}, {"type", type}, {"title", title}};
}

}  // namespace

const char* collection_title(db::Collection c) {
  switch (c) {
    case db::Collection::places:
      return "Lieux du réseau";
    case db::Collection::opportunities:
      return "Opportunités foncières et immobilières";
    case db::Collection::needs:
      return "Besoins des collectifs";
    case db::Collection::territories:
      return "Territoires (cercles, EPCI, communes, départements)";
  }
  return "";
}

namespace {

std::string encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string query_string(std::map<std::string, std::string> params) {
  std::string out;
  for (const auto& [k, v] : params) out += (out.empty() ? "?" : "&") + encode(k) + "=" + encode(v);
  return out;
}

json collection_json(const std::string& base, pqxx::connection_base& conn, db::Collection c,
                     Role role) {
  std::string id = db::collection_name(c);
  std::string href = base + "/ogcapi/collections/" + id;
  json j = {{"id", id},
            {"title", collection_title(c)},
            {"itemType", "feature"},
            {"crs", {kCrs84, kLambert93}},
            {"storageCrs", kCrs84},
            {"links",
             {link(href, "self", "application/json", "cette collection"),
              link(href + "/items", "items", kGeoJson, "les objets"),
              link(href + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                   kSchemaJson, "les propriétés filtrables"),
              link(href + "/schema", "describedby", kSchemaJson, "le schéma des objets"),
              // GDAL 3.6's OAPIF driver looks for this spelling only
              // (ogroapifdriver.cpp compares the rel exactly); relation
              // types compare without case (RFC 8288), so both name one link.
              link(href + "/schema", "describedBy", kSchemaJson, "le schéma des objets")}}};
  if (auto e = db::collection_extent(conn, c, role)) {
    j["extent"] = {{"spatial",
                    {{"bbox", {{(*e)[0], (*e)[1], (*e)[2], (*e)[3]}}},
                     {"crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}}};
  }
  return j;
}

}  // namespace

std::string problem_json(int status, const std::string& title, const std::string& detail,
                         const std::string& extensions) {
  json j = {{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}};
  if (!extensions.empty()) {
    auto extra = json::parse(extensions, nullptr, false);
    if (extra.is_object()) {
      for (auto& [key, value] : extra.items()) {
        if (!j.contains(key)) j[key] = std::move(value);
      }
    }
  }
  // Details may quote the client's bytes: never let invalid UTF-8 throw here.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string landing_document(const std::string& base) {
  std::string api = base + "/ogcapi";
  return json{{"title", "Terrier – tiers-lieux et foncier des Hauts-de-France"},
              {"description",
               "Lieux, cercles, opportunités foncières et besoins des collectifs du réseau."},
              {"links",
               {link(api, "self", "application/json", "cette page"),
                link(api + "/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0",
                     "la définition de l'API"),
                link(api + "/conformance", "conformance", "application/json", "conformité"),
                link(api + "/collections", "data", "application/json", "les collections")}}}
      .dump();
}

std::string conformance_document() {
  return json{{"conformsTo",
               {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
                "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
                "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
                "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
                "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
                "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
                "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
                "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
                "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
                "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
                "http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison",
                "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
                "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
                "http://www.opengis.net/spec/ogcapi-features-8/1.0/conf/sorting",
                // Part 4 (draft OGC 20-002) on opportunities and needs.
                "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
                "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
                "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features"}}}
      .dump();
}

std::string collections_document(const std::string& base, pqxx::connection_base& conn, Role role) {
  json list = json::array();
  for (auto c : {db::Collection::places, db::Collection::opportunities, db::Collection::needs,
                 db::Collection::territories}) {
    list.push_back(collection_json(base, conn, c, role));
  }
  return json{{"links",
               {link(base + "/ogcapi/collections", "self", "application/json", "les collections")}},
              {"collections", list}}
      .dump();
}

std::string collection_document(const std::string& base, pqxx::connection_base& conn,
                                db::Collection c, Role role) {
  return collection_json(base, conn, c, role).dump();
}

std::string items_document(const std::string& base, db::Collection c, const db::FeatureQuery& q,
                           const std::map<std::string, std::string>& params,
                           const db::FeaturePage& page) {
  std::string href = base + "/ogcapi/collections/" + db::collection_name(c) + "/items";
  auto with_offset = [&](std::size_t offset) {
    auto p = params;
    p["offset"] = std::to_string(offset);
    p["limit"] = std::to_string(q.limit);
    return href + query_string(p);
  };
  json links = {link(href + query_string(params), "self", kGeoJson, "cette page"),
                link(base + "/ogcapi/collections/" + db::collection_name(c), "collection",
                     "application/json", "la collection")};
  std::size_t returned = page.features.size();
  // With an estimated count, a full page is the only sign that more may follow.
  bool more = page.matched_is_estimate
                  ? returned == q.limit
                  : q.offset + returned < static_cast<std::size_t>(page.matched);
  if (more) {
    links.push_back(link(with_offset(q.offset + q.limit), "next", kGeoJson, "page suivante"));
  }
  if (q.offset > 0) {
    links.push_back(link(with_offset(q.offset > q.limit ? q.offset - q.limit : 0), "prev", kGeoJson,
                         "page précédente"));
  }
  // No "timeStamp" (optional in OGC API – Features): it changed every
  // second, and with it the page's ETag, so a map never got its 304.
  std::string head = json{
      {"type", "FeatureCollection"},
      {"numberMatched", page.matched},
      {"numberReturned", returned},
      {"numberMatchedIsEstimate", page.matched_is_estimate},
      {"links", links}}.dump();
  // The features are JSON already (db/geojson_writer): splice them in, in a
  // string sized once (growing it by doubling was a fifth of serve's copying
  // under the benchmark's 500-feature pages).
  std::size_t size = head.size() + 16 + returned;
  for (const auto& f : page.features) size += f.size();
  std::string out;
  out.reserve(size);
  out.append(head, 0, head.size() - 1);
  out += ",\"features\":[";
  for (std::size_t i = 0; i < returned; ++i) {
    if (i) out += ',';
    out += page.features[i];
  }
  out += "]}";
  return out;
}

std::string item_document(const std::string& base, db::Collection c, const std::string& id,
                          const std::string& feature) {
  auto j = json::parse(feature);
  std::string href = base + "/ogcapi/collections/" + db::collection_name(c);
  j["links"] = {link(href + "/items/" + encode(id), "self", kGeoJson, "cet objet"),
                link(href, "collection", "application/json", "la collection")};
  return j.dump();
}

}  // namespace terrier::api
