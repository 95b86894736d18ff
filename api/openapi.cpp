#include "api/openapi.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>

#include "api/ogc.hpp"
#include "api/openapi_schemas.hpp"
#include "api/routes.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

constexpr db::Collection kCollections[] = {db::Collection::places, db::Collection::opportunities,
                                           db::Collection::needs, db::Collection::territories};

// The tags of routes.cpp, in the document's order.
const std::vector<std::pair<const char*, const char*>> kTags = {
    {"OGC API – Features",
     "Les lieux, opportunités, besoins et territoires (GeoJSON), pour QGIS, "
     "GDAL et tout client OGC API – Features"},
    {"Tuiles", "Les tuiles vectorielles de la carte"},
    {"Session et comptes", "Connexion, invitations et comptes"},
    {"Jetons", "Les jetons personnels des scripts et de QGIS"},
    {"Alertes", "Les recherches enregistrées, leurs flux Atom et leurs envois par e-mail"},
    {"Saisie", "Créer, modifier et supprimer opportunités et besoins"},
    {"Correspondances et suivi", "Les correspondances entre besoins et opportunités, leur suivi"},
    {"Sollicitations", "Les sollicitations reçues par le groupe foncier"},
    {"Imports", "Importer un fichier, d'un coup ou en morceaux"},
    {"Exports", "Les fichiers à télécharger"},
    {"Service", "L'état du serveur, sa configuration pour la page, ce document"},
};

const char* status_description(int status) {
  switch (status) {
    case 200:
      return "Réussi";
    case 201:
      return "Créé";
    case 202:
      return "Import accepté : il continue en arrière-plan (Location : sa progression)";
    case 204:
      return "Fait (sans contenu)";
    case 304:
      return "Inchangé : l'ETag envoyé dans If-None-Match est toujours le bon";
    case 400:
      return "Paramètre ou corps refusé : « detail » dit pourquoi, « field » nomme le champ";
    case 401:
      return "Sans identité valable : jeton inconnu ou révoqué, ou connexion nécessaire";
    case 403:
      return "Refusé à ce rôle, ou écriture par cookie venue d'une autre origine";
    case 404:
      return "Inconnu, ou invisible pour ce rôle";
    case 409:
      return "En conflit avec l'état présent (« detail » dit lequel)";
    case 412:
      return "La version donnée dans If-Match n'est plus la bonne : « current » donne l'objet tel "
             "qu'il est";
    case 413:
      return "Corps trop volumineux";
    case 422:
      return "Fichier refusé : le rapport (ou « detail ») dit pourquoi, ligne par ligne";
    case 429:
      return "Trop de tentatives : réessayer après Retry-After";
    case 503:
      return "Serveur en arrêt ou base de données injoignable : réessayer après Retry-After";
  }
  throw std::logic_error(fmt::format("openapi: no description for status {}", status));
}

json problem_content() {
  return {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}};
}

json success_content(const RouteDoc& doc, int status) {
  json content = json::object();
  if (status == 202) {
    content["application/json"] = {{"schema",
                                    {{"type", "object"},
                                     {"required", {"progress_url"}},
                                     {"properties", {{"progress_url", {{"type", "string"}}}}}}}};
    return content;
  }
  for (const char* type : doc.types) {
    std::string t = type;
    bool binary = doc.download || t == "application/vnd.mapbox-vector-tile";
    json schema = binary              ? json{{"type", "string"}, {"format", "binary"}}
                  : t == "text/plain" ? json{{"type", "string"}}
                                      : json{{"type", "object"}};
    content[t] = {{"schema", schema}};
  }
  return content;
}

json responses(const Route& route) {
  const RouteDoc& doc = route.doc;
  std::vector<int> statuses = doc.statuses;
  std::string method = route.method;
  bool write = method != "GET";
  auto add = [&](int s) {
    if (std::find(statuses.begin(), statuses.end(), s) == statuses.end()) statuses.push_back(s);
  };
  // What the service answers before or around any handler (service.cpp,
  // auth.cpp): an unknown token, a cross-site write by cookie, a body over
  // the limit, shutdown or the database away; a GET's ETag.
  add(401);
  if (write) add(403);
  if (doc.body != Body::none) add(413);
  add(503);
  if (!write && !doc.download) add(304);
  std::sort(statuses.begin(), statuses.end());
  json out = json::object();
  for (int s : statuses) {
    json r = {{"description", status_description(s)}};
    if (s < 300 && s != 204 && (!doc.types.empty() || s == 202)) {
      r["content"] = success_content(doc, s);
    } else if (s == 422) {
      // An import's report (rows refused), or a file that cannot be read.
      r["content"] = problem_content();
      r["content"]["application/json"] = {{"schema", {{"type", "object"}}}};
    } else if (s >= 400) {
      r["content"] = problem_content();
    }
    out[std::to_string(s)] = r;
  }
  return out;
}

json security(Access access) {
  json both = {{{"session_cookie", json::array()}}, {{"bearer_token", json::array()}}};
  if (access == Access::anyone) both.insert(both.begin(), json::object());
  return both;
}

std::string description(const RouteDoc& doc) {
  return std::string(doc.summary) + ". " +
         (doc.access == Access::account
              ? "Pour les personnes connectées (cookie de session) et les jetons : sans identité, "
                "401 ; ce que la réponse contient dépend du rôle."
              : "Ouvert sans identité ; un cookie de session ou un jeton donne le rôle de "
                "l'appelant, dont dépend ce que la réponse contient.");
}

struct PathEntry {
  std::string path;
  json operation;
};

// The route's path(s) in the document, each with its operation: one per
// collection when the route's first variable segment is a collection.
std::vector<PathEntry> entries(const Route& route, const Limits& limits, std::size_t max_body,
                               std::size_t skip) {
  const RouteDoc& doc = route.doc;
  std::vector<PathEntry> out;
  std::vector<std::optional<db::Collection>> collections = {std::nullopt};
  if (doc.per_collection) collections.assign(std::begin(kCollections), std::end(kCollections));
  for (const auto& c : collections) {
    std::string path;
    json parameters = json::array();
    std::size_t name = 0;
    for (std::size_t i = skip; i < route.pattern.size(); ++i) {
      std::string segment = route.pattern[i];
      if (segment == "{}") {
        std::string n = doc.names.at(name++);
        // "y.mvt": the parameter y, then ".mvt" in the path.
        std::string suffix = n.find('.') == std::string::npos ? "" : n.substr(n.find('.'));
        n = n.substr(0, n.find('.'));
        if (c && name == 1) {
          segment = db::collection_name(*c) + suffix;
        } else {
          segment = "{" + n + "}" + suffix;
          parameters.push_back(path_parameter(n));
        }
      }
      path += "/" + segment;
    }
    for (std::size_t i = 0; i < skip; ++i) name += route.pattern[i] == std::string("{}");
    if (name != doc.names.size()) {
      throw std::logic_error(fmt::format("openapi: {} names {} of its segments", doc.id, name));
    }
    for (auto& p : query_parameters(doc.query, c.value_or(db::Collection::opportunities), limits)) {
      parameters.push_back(std::move(p));
    }
    std::string id = c ? fmt::format("{}_{}", doc.id, db::collection_name(*c)) : doc.id;
    std::string summary =
        c ? fmt::format("{} ({})", doc.summary, collection_title(*c)) : doc.summary;
    json op = {{"operationId", id},
               {"summary", summary},
               {"description", description(doc)},
               {"tags", {doc.tag}},
               {"security", security(doc.access)},
               {"responses", responses(route)}};
    if (!parameters.empty()) op["parameters"] = parameters;
    if (auto body = request_body(doc.body, max_body); !body.is_null()) op["requestBody"] = body;
    out.push_back({path.empty() ? "/" : path, std::move(op)});
  }
  return out;
}

json components() {
  return {
      {"securitySchemes",
       {{"session_cookie",
         {{"type", "apiKey"},
          {"in", "cookie"},
          {"name", "terrier_session"},
          {"description",
           "Le cookie que pose la connexion (POST /api/session). Une écriture (POST, PUT, PATCH, "
           "DELETE) portée par ce cookie doit venir d'une page de ce serveur : son en-tête Origin "
           "(ou Referer) est celui du serveur, sinon 403."}}},
        {"bearer_token",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"description",
           "Authorization: Bearer <jeton> : un jeton personnel (POST /api/tokens) ou un jeton "
           "partagé (terrier token). Un jeton inconnu ou révoqué : 401."}}}}},
      {"schemas",
       {{"Problem",
         {{"type", "object"},
          {"description", "RFC 7807 ; « detail » en français pour ce que la page montre"},
          {"required", {"type", "title", "status", "detail"}},
          {"properties",
           {{"type", {{"type", "string"}}},
            {"title", {{"type", "string"}}},
            {"status", {{"type", "integer"}}},
            {"detail", {{"type", "string"}}},
            {"field", {{"type", "string"}, {"description", "le champ ou paramètre refusé"}}},
            {"current",
             {{"type", "object"}, {"description", "412 : l'objet tel qu'il est"}}}}}}}}}};
}

}  // namespace

std::string api_document(const std::string& base, const ServiceConfig& config,
                         std::string_view root) {
  const Limits& limits = config.limits;
  const std::size_t max_body = config.max_body_bytes;
  json paths = json::object();
  std::set<std::string> used_tags;
  for (const auto& route : routes()) {
    if (route.pattern.size() == 1 && route.pattern[0] == std::string("**")) continue;
    if (!root.empty() && route.pattern[0] != root) continue;
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    for (auto& e : entries(route, limits, max_body, root.empty() ? 0 : 1)) {
      paths[e.path][method] = std::move(e.operation);
    }
    used_tags.insert(route.doc.tag);
  }
  json tags = json::array();
  for (const auto& [name, text] : kTags) {
    if (used_tags.erase(name)) tags.push_back({{"name", name}, {"description", text}});
  }
  if (!used_tags.empty()) throw std::logic_error("openapi: unknown tag " + *used_tags.begin());
  std::string server = root.empty() ? base : base + "/" + std::string(root);
  json doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", root.empty() ? "Terrier" : "Terrier – OGC API – Features"},
        {"version", "0.1.0"},
        {"description",
         "Tiers-lieux, foncier et besoins des collectifs des Hauts-de-France : l'API de Terrier, "
         "faite de sa table des routes."},
        {"contact", {{"name", "Terrier"}, {"url", base + "/"}}}}},
      {"servers", {{{"url", server}, {"description", "ce serveur"}}}},
      {"tags", tags},
      {"paths", paths},
      {"components", components()}};
  if (!root.empty()) {
    doc["externalDocs"] = {{"description", "toute l'API de Terrier"},
                           {"url", base + "/api/openapi.json"}};
  }
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace terrier::api
