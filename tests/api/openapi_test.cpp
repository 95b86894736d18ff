// The OpenAPI document against the route table it is made from: every route
// is in it, every path of it is a route that the router sends to the
// operation described, /ogcapi/api is its OGC part, and the values it
// offers are the ones the parsers accept. No database.

#include "api/openapi.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "api/problem.hpp"
#include "api/routes.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

const std::string kBase = "http://terrier.test";

json whole() {
  return json::parse(api_document(kBase, ServiceConfig{}));
}

std::vector<std::string> segments_of(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// A path of the document as a client would send it: each "{name}" given a
// value ("{y}.mvt" becomes "7.mvt").
std::vector<std::string> sample_segments(const std::string& path) {
  static const std::regex variable(R"(\{[A-Za-z_]+\})");
  std::vector<std::string> out;
  for (const auto& s : segments_of(path)) out.push_back(std::regex_replace(s, variable, "7"));
  return out;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

bool is_page_files(const Route& route) {
  return route.pattern.size() == 1 && route.pattern[0] == std::string("**");
}

TEST(OpenApi, EveryRouteOfTheTableIsInTheDocument) {
  auto paths = whole()["paths"];
  std::size_t described = 0;
  for (const auto& route : routes()) {
    if (is_page_files(route)) continue;
    std::string pattern;
    for (const char* s : route.pattern) pattern += std::string("/") + s;
    bool found = false;
    for (const auto& [path, operations] : paths.items()) {
      auto segments = sample_segments(path);
      std::string method = route.method;
      std::transform(method.begin(), method.end(), method.begin(), ::tolower);
      if (operations.contains(method) && route_matches(route, segments) &&
          find_route(route.method, segments) == &route) {
        found = true;
      }
    }
    EXPECT_TRUE(found) << route.method << " " << pattern << " is not in /api/openapi.json";
    ++described;
  }
  EXPECT_GE(described, 55u);
}

TEST(OpenApi, EveryPathOfTheDocumentIsTheRouteItDescribes) {
  std::set<std::string> operation_ids;
  // Kept: a range-for over a temporary's member would outlive it.
  const json paths = whole()["paths"];
  for (const auto& [path, operations] : paths.items()) {
    for (const auto& [method, operation] : operations.items()) {
      SCOPED_TRACE(upper(method) + " " + path);
      const Route* route = find_route(upper(method), sample_segments(path));
      ASSERT_NE(route, nullptr) << "no route answers it";
      EXPECT_FALSE(is_page_files(*route)) << "only the page's files answer it";
      std::string id = operation["operationId"];
      EXPECT_EQ(id.rfind(route->doc.id, 0), 0u)
          << "the router sends it to " << route->doc.id << ", not to " << id;
      EXPECT_TRUE(operation_ids.insert(id).second) << id << " twice";
      for (const auto& p : operation.value("parameters", json::array())) {
        if (p["in"] == "path") {
          EXPECT_NE(path.find("{" + p["name"].get<std::string>() + "}"), std::string::npos);
        }
      }
    }
  }
}

TEST(OpenApi, TheOgcDocumentIsTheOgcapiPartRootedThere) {
  auto all = whole();
  auto ogc = json::parse(api_document(kBase, ServiceConfig{}, "ogcapi"));
  EXPECT_EQ(ogc["servers"][0]["url"], kBase + "/ogcapi");
  EXPECT_EQ(ogc["externalDocs"]["url"], kBase + "/api/openapi.json");
  std::set<std::string> expected;
  for (const auto& [path, operations] : all["paths"].items()) {
    if (path.rfind("/ogcapi", 0) != 0) continue;
    std::string rooted = path == "/ogcapi" ? "/" : path.substr(std::string("/ogcapi").size());
    expected.insert(rooted);
    ASSERT_TRUE(ogc["paths"].contains(rooted)) << rooted;
    EXPECT_EQ(ogc["paths"][rooted], operations) << rooted;
  }
  EXPECT_EQ(ogc["paths"].size(), expected.size());
  // What GDAL's OAPIF driver reads: each collection's items, with limit's
  // bounds.
  for (const char* c : {"places", "opportunities", "needs", "territories"}) {
    auto items = ogc["paths"][std::string("/collections/") + c + "/items"]["get"];
    bool limit = false;
    for (const auto& p : items["parameters"]) {
      if (p["name"] == "limit") {
        limit = true;
        EXPECT_EQ(p["schema"]["maximum"], Limits{}.max_limit) << c;
      }
    }
    EXPECT_TRUE(limit) << c;
  }
}

// Every value the document offers for a query parameter of the items is
// accepted by parse_items_query, and a value outside its list is refused.
TEST(OpenApi, TheItemsValuesOfferedAreTheOnesTheParserAccepts) {
  auto paths = whole()["paths"];
  for (const char* c : {"places", "opportunities", "needs", "territories"}) {
    auto collection = *db::parse_collection(c);
    std::set<std::string> documented;
    for (const auto& p :
         paths[std::string("/ogcapi/collections/") + c + "/items"]["get"]["parameters"]) {
      std::string name = p["name"];
      documented.insert(name);
      json values = p["schema"].contains("enum") ? p["schema"]["enum"]
                    : p["schema"].contains("items") && p["schema"]["items"].contains("enum")
                        ? p["schema"]["items"]["enum"]
                        : json::array();
      for (const auto& v : values) {
        SCOPED_TRACE(std::string(c) + " " + name + "=" + v.get<std::string>());
        EXPECT_NO_THROW(parse_items_query(collection, {{name, v.get<std::string>()}}, Limits{}));
      }
      if (!values.empty()) {
        EXPECT_THROW(parse_items_query(collection, {{name, "pas-une-valeur"}}, Limits{}), Problem)
            << c << " " << name;
      }
    }
    for (const auto& f : filter_names(collection))
      EXPECT_TRUE(documented.count(f)) << c << " " << f;
    EXPECT_THROW(parse_items_query(collection, {{"colour", "x"}}, Limits{}), Problem);
  }
}

TEST(OpenApi, ResponsesAreWhatTheRouteAnswers) {
  auto paths = whole()["paths"];
  auto responses = [&](const char* path, const char* method) {
    std::set<std::string> out;
    for (const auto& [status, r] : paths[path][method]["responses"].items()) out.insert(status);
    return out;
  };
  // A write by cookie from another site (403), an unknown token (401), the
  // body limit (413), the database away (503), a stale If-Match (412).
  EXPECT_EQ(responses("/api/opportunities/{opportunity_id}", "patch"),
            (std::set<std::string>{"200", "400", "401", "403", "404", "412", "413", "503"}));
  // A file to download has no ETag, so no 304; a GET of JSON has.
  EXPECT_FALSE(responses("/api/territories/{territory}/export", "get").count("304"));
  EXPECT_TRUE(responses("/api/session", "get").count("304"));
  EXPECT_EQ(paths["/api/session"]["post"]["responses"]["429"]["content"]["application/problem+json"]
                 ["schema"]["$ref"],
            "#/components/schemas/Problem");
  EXPECT_EQ(paths["/api/session"]["delete"]["responses"]["204"].count("content"), 0u);
  // Writes need an account; the map's reads do not.
  EXPECT_EQ(paths["/api/needs"]["post"]["security"].size(), 2u);
  EXPECT_EQ(paths["/ogcapi/collections/needs/items"]["get"]["security"][0], json::object());
  EXPECT_TRUE(paths.contains("/tiles/opportunities/{z}/{x}/{y}.mvt"));
}

TEST(OpenApi, TheLimitsAreTheServersConfiguration) {
  ServiceConfig config;
  config.limits.max_limit = 321;
  config.limits.default_limit = 12;
  config.max_body_bytes = 4567;
  auto paths = json::parse(api_document(kBase, config))["paths"];
  for (const auto& p : paths["/ogcapi/collections/places/items"]["get"]["parameters"]) {
    if (p["name"] == "limit") {
      EXPECT_EQ(p["schema"]["maximum"], 321);
      EXPECT_EQ(p["schema"]["default"], 12);
    }
  }
  std::string body = paths["/api/imports"]["post"]["requestBody"]["description"];
  EXPECT_NE(body.find("4567"), std::string::npos) << body;
}

}  // namespace
}  // namespace terrier::api
