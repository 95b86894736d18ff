#include "api/openapi_schemas.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

#include "api/account_params.hpp"
#include "api/export.hpp"
#include "api/import_upload.hpp"
#include "api/params.hpp"
#include "core/roles.hpp"
#include "core/vocabulary.hpp"
#include "db/cql2.hpp"
#include "importers/field_table.hpp"
#include "importers/fields.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

json string_enum(const std::vector<std::string>& values) {
  return {{"type", "string"}, {"enum", values}};
}

template <class Array>
json string_enum_of(const Array& values) {
  std::vector<std::string> out;
  for (const auto& v : values) out.emplace_back(v);
  return string_enum(out);
}

json param(const std::string& name, const char* in, const std::string& description, json schema,
           bool required = false) {
  return {{"name", name},
          {"in", in},
          {"required", required},
          {"description", description},
          {"schema", std::move(schema)}};
}

json query(const std::string& name, const std::string& description, json schema,
           bool required = false) {
  return param(name, "query", description, std::move(schema), required);
}

// A list filter: comma-separated values (or the parameter repeated).
json list(const std::string& name, const std::string& description, json item) {
  json p = query(name, description, {{"type", "array"}, {"items", std::move(item)}});
  p["style"] = "form";
  p["explode"] = false;
  return p;
}

json crs_param(const char* name, const char* description) {
  return query(
      name, description,
      {{"type", "string"}, {"format", "uri"}, {"enum", {kCrs84, kLambert93}}, {"default", kCrs84}});
}

json format_param() {
  return query("f", "le format de la réponse : toujours GeoJSON", string_enum({"json", "geojson"}));
}

// One filter of parse_items_query, with the values it accepts.
json filter(db::Collection c, const std::string& name) {
  bool opps = c == db::Collection::opportunities;
  json number = {{"type", "number"}};
  if (name == "kind") {
    const auto& kinds = opps ? importers::opportunity_kinds() : importers::place_kinds();
    return list(name, "types (l'un d'eux)", string_enum(kinds.values()));
  }
  if (name == "tenure") {
    return list(name, "statuts d'occupation (l'un d'eux)",
                string_enum(importers::tenures().values()));
  }
  if (name == "status") {
    const auto& statuses = opps ? importers::opportunity_statuses() : importers::need_statuses();
    return list(name, "états (l'un d'eux)", string_enum(statuses.values()));
  }
  if (name == "level") return list(name, "niveaux (l'un d'eux)", string_enum_of(kTerritoryLevels));
  if (name == "surface_min") return query(name, "surface minimale (m²)", number);
  if (name == "surface_max") return query(name, "surface maximale (m²)", number);
  if (name == "rent_max") return query(name, "loyer mensuel maximal (€)", number);
  if (name == "price_max") return query(name, "prix de vente maximal (€)", number);
  if (name == "available_before") {
    return query(name, "disponible au plus tard ce jour (2025-03-12 ou 12/03/2025)",
                 {{"type", "string"}});
  }
  if (name == "territory") {
    return query(name,
                 "identifiant (slug) d'un cercle, d'un EPCI, d'une commune ou d'un département",
                 {{"type", "string"}});
  }
  if (name == "competence") return query(name, "une compétence du lieu", {{"type", "string"}});
  if (name == "to_reverify") {
    return query(name, "seulement ce qui est à revérifier (ou seulement le reste)",
                 {{"type", "boolean"}});
  }
  if (name == "q") {
    return query(name, "recherche en texte libre",
                 {{"type", "string"}, {"maxLength", kMaxSearchBytes}});
  }
  throw std::logic_error("openapi: no schema for the filter " + name);
}

json filters(db::Collection c) {
  json out = json::array();
  for (const auto& name : filter_names(c)) out.push_back(filter(c, name));
  return out;
}

// filter, sortby, properties and skipGeometry (api/params kPart3Parameters).
json part3_parameters() {
  json names = {{"type", "string"}, {"pattern", "^[A-Za-z_][A-Za-z0-9_]*$"}};
  json sortby = list("sortby",
                     "l'ordre : des propriétés (voir queryables), « - » devant pour un ordre "
                     "décroissant ; l'identifiant départage",
                     {{"type", "string"}, {"pattern", "^[+ -]?[A-Za-z_][A-Za-z0-9_]*$"}});
  sortby["schema"]["maxItems"] = kMaxSortKeys;
  json lang = string_enum({"cql2-text", "cql2-json"});
  lang["default"] = "cql2-text";
  return {
      query("filter",
            "un filtre CQL2 sur les propriétés que ce rôle peut lire (voir queryables), par "
            "exemple built_surface_m2 > 200 AND kind IN ('bâtiment', 'local')",
            {{"type", "string"}, {"maxLength", db::cql2::kMaxFilterBytes}}),
      query("filter-lang", "l'écriture du filtre : texte (cql2-text) ou JSON (cql2-json)", lang),
      query("filter-crs", "le système de coordonnées des géométries du filtre",
            {{"type", "string"}, {"format", "uri"}, {"enum", {kCrs84}}, {"default", kCrs84}}),
      sortby,
      list("properties", "les seules propriétés que chaque objet garde", names),
      query("skipGeometry", "des objets sans géométrie", {{"type", "boolean"}}),
      query("maxAllowableOffset",
            "chaque géométrie simplifiée à cette distance près, topologie gardée, dans les unités "
            "du système de coordonnées de la réponse (degrés en CRS84, mètres en Lambert-93)",
            {{"type", "number"}, {"minimum", 0}, {"maximum", kMaxAllowableOffset}})};
}

json items_parameters(db::Collection c, const Limits& limits) {
  json out = {
      query("bbox", "minX,minY,maxX,maxY : longitudes et latitudes (CRS84), ou dans bbox-crs",
            {{"type", "array"}, {"minItems", 4}, {"maxItems", 4}, {"items", {{"type", "number"}}}}),
      query("limit", "nombre d'objets de la page",
            {{"type", "integer"},
             {"minimum", 1},
             {"maximum", limits.max_limit},
             {"default", limits.default_limit}}),
      query("offset", "rang du premier objet",
            {{"type", "integer"}, {"minimum", 0}, {"maximum", 100'000'000}}),
      crs_param("crs", "système de coordonnées des géométries de la réponse"),
      crs_param("bbox-crs", "système de coordonnées de bbox"),
      format_param()};
  out[0]["style"] = "form";
  out[0]["explode"] = false;
  for (auto& p : part3_parameters()) out.push_back(std::move(p));
  for (auto& f : filters(c)) out.push_back(std::move(f));
  return out;
}

json tile_parameters(db::Collection c) {
  json out = {crs_param("crs", "sans effet sur une tuile (toujours en Web Mercator)"),
              crs_param("bbox-crs", "sans effet sur une tuile"), format_param()};
  for (auto& f : filters(c)) out.push_back(std::move(f));
  return out;
}

json import_parameters(bool with_format) {
  json out = {
      query("kind", "ce que contient le fichier",
            string_enum({"opportunities", "places", "needs", "requests"}), true),
      query("source", "le nom de la source (par défaut api-<qui importe>)", {{"type", "string"}}),
      query("strict", "refuser tout le fichier à la première ligne refusée", {{"type", "boolean"}}),
      query("dry_run", "tout vérifier sans rien enregistrer", {{"type", "boolean"}}),
      query("async", "importer en arrière-plan (202, puis la progression)", {{"type", "boolean"}}),
      query("progress", "une clé choisie pour suivre la progression",
            {{"type", "string"}, {"pattern", "^[0-9a-f]{16,64}$"}})};
  if (with_format) {
    json format = string_enum(import_formats());
    format["default"] = "csv";
    out.push_back(query("format", "le format du fichier", format));
  }
  return out;
}

json export_parameters(const Limits& limits) {
  json format = string_enum(export_formats());
  format["default"] = "geojson";
  json out = {query("format", "le format du fichier", format),
              list("layers", "les couches du fichier (toutes par défaut)",
                   string_enum({"places", "opportunities", "needs"}))};
  for (auto& p : items_parameters(db::Collection::opportunities, limits)) {
    const std::string name = p["name"];
    if (name != "f" && std::find(kPart3Parameters.begin(), kPart3Parameters.end(), name) ==
                           kPart3Parameters.end()) {
      out.push_back(std::move(p));
    }
  }
  return out;
}

// The list's filters; the export takes them too, with its format instead
// of limit and offset (api/params parse_request_list_params).
json request_list_parameters(bool list_page) {
  json out = {
      list("status", "états (l'un d'eux)", string_enum_of(vocabulary::kRequestStatuses)),
      list("channel", "canaux (l'un d'eux)", string_enum_of(vocabulary::kRequestChannels)),
      query("circle", "identifiant (slug) du cercle", {{"type", "string"}}),
      query("from", "reçues ce jour ou après", {{"type", "string"}, {"format", "date"}}),
      query("to", "reçues ce jour ou avant", {{"type", "string"}, {"format", "date"}}),
      query("q", "recherche en texte libre (demandeur, structure, objet, commune, orientation)",
            {{"type", "string"}, {"maxLength", kMaxSearchBytes}})};
  if (list_page) {
    out.push_back(query("limit", "nombre de sollicitations",
                        {{"type", "integer"}, {"minimum", 1}, {"maximum", 5000}}));
    out.push_back(query("offset", "rang de la première",
                        {{"type", "integer"}, {"minimum", 0}, {"maximum", 100'000'000}}));
  } else {
    json format = string_enum({"csv", "xlsx", "ods"});
    format["default"] = "csv";
    out.push_back(query("format", "le format du fichier", format));
  }
  return out;
}

}  // namespace

json query_parameters(Query q, db::Collection c, const Limits& limits) {
  switch (q) {
    case Query::none:
      return json::array();
    case Query::items:
      return items_parameters(c, limits);
    case Query::item:
      return {crs_param("crs", "système de coordonnées de la géométrie"), format_param()};
    case Query::tile:
      return tile_parameters(c);
    case Query::territory_export:
      return export_parameters(limits);
    case Query::assignment:
      return {query("territory",
                    "identifiant (slug) d'un cercle, d'un EPCI, d'une commune ou d'un département",
                    {{"type", "string"}}, true)};
    case Query::white_zones: {
      json format = string_enum_of(kWhiteZoneFormats);
      format["default"] = "geojson";
      return {query("distance_km",
                    "la distance au tiers-lieu le plus proche au-delà de laquelle une commune est "
                    "une zone blanche",
                    {{"type", "number"}, {"minimum", 0.5}, {"maximum", 100}, {"default", 10}}),
              query("format", "le format de la réponse", format)};
    }
    case Query::dashboard: {
      json format = string_enum_of(kDashboardFormats);
      format["default"] = "json";
      return {query("format", "le format de la réponse : JSON, ou un CSV (rubrique, clé, valeur)",
                    format)};
    }
    case Query::followup:
      return {query("circle", "identifiant (slug) du cercle", {{"type", "string"}}),
              list("status", "suivis (l'un d'eux)", string_enum_of(vocabulary::kMatchStatuses)),
              query("limit", "nombre de correspondances",
                    {{"type", "integer"}, {"minimum", 1}, {"maximum", 5000}})};
    case Query::requests:
      return request_list_parameters(true);
    case Query::requests_export:
      return request_list_parameters(false);
    case Query::import:
      return import_parameters(true);
    case Query::upload_create: {
      json format = string_enum(import_formats());
      format["default"] = "csv";
      return {query("format", "le format du fichier", format)};
    }
    case Query::upload_append:
      return {query("offset", "l'octet du fichier où commence ce morceau (0 pour le premier)",
                    {{"type", "integer"}, {"minimum", 0}}, true)};
    case Query::upload_import:
      return import_parameters(false);
  }
  return json::array();
}

namespace {

json path_schema(const std::string& name) {
  if (name == "z") return {{"type", "integer"}, {"minimum", 0}, {"maximum", 22}};
  if (name == "x" || name == "y") return {{"type", "integer"}, {"minimum", 0}};
  if (name == "key") return {{"type", "string"}, {"pattern", "^[0-9a-f]{16,64}$"}};
  if (name == "featureId" || name == "territory" || name == "upload_id") {
    return {{"type", "string"}};
  }
  return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
}

json path_description(const std::string& name) {
  if (name == "z" || name == "x" || name == "y") return "coordonnée de la tuile (" + name + ")";
  if (name == "key") return "la clé « progress » de l'import";
  if (name == "featureId") return "l'identifiant de l'objet";
  if (name == "territory") {
    return "identifiant (slug) d'un cercle, d'un EPCI, d'une commune ou d'un département";
  }
  if (name == "upload_id") return "l'identifiant de l'envoi (donné à sa création)";
  return "l'identifiant (" + name + ")";
}

json object_schema(json properties, std::vector<std::string> required = {}) {
  json s = {
      {"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

json text(std::size_t max = 0) {
  json s = {{"type", "string"}};
  if (max) s["maxLength"] = max;
  return s;
}

// A field of the catalogue (importers/field_table.cpp) as a write body
// carries it: its French label, and the type its control enters.
json field_schema(const importers::PageField& f) {
  json s;
  switch (f.control) {
    case importers::Control::number:
      s = {{"type", "number"}, {"minimum", 0}};
      break;
    case importers::Control::date:
      s = {{"type", "string"}, {"format", "date"}};
      break;
    case importers::Control::reference:
      s = {{"type", "integer"}, {"minimum", 1}};
      break;
    case importers::Control::choice:
    case importers::Control::choices: {
      json values = json::array();
      for (const auto& d : vocabulary::kDomains) {
        if (d.list_name == f.vocabulary) {
          for (auto v : d.values) values.push_back(std::string(v));
        }
      }
      json one = {{"type", "string"}};
      if (!values.empty()) one["enum"] = values;
      s = f.control == importers::Control::choices ? json{{"type", "array"}, {"items", one}} : one;
      break;
    }
    default:
      s = {{"type", "string"}};
  }
  if (f.maxlength) s["maxLength"] = f.maxlength;
  s["nullable"] = true;
  s["description"] = importers::labelled(f);
  return s;
}

// The fields a write of `kind` reads: the import's fields (the same names),
// typed and labelled by the page's catalogue where it has them.
json row_properties(importers::ImportKind kind) {
  const char* entity = kind == importers::ImportKind::opportunities ? "opportunity" : "need";
  json properties = json::object();
  for (const auto& f : importers::table_for(kind)) {
    json s = {{"type", "string"}, {"nullable", true}};
    for (const auto& p : importers::page_fields(entity)) {
      if (f.field == std::string_view(p.field)) s = field_schema(p);
    }
    s["description"] = importers::form_label(kind, f.field);
    properties[f.field] = s;
  }
  return properties;
}

json account_roles_enum() {
  std::vector<std::string> roles;
  for (Role r : account_roles()) roles.emplace_back(role_name(r));
  return string_enum(roles);
}

json json_body_schema(Body body) {
  json token = {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}};
  json password = {
      {"type", "string"}, {"minLength", kMinPasswordChars}, {"maxLength", kMaxPasswordBytes}};
  switch (body) {
    case Body::sign_in:
      return object_schema({{"email", text()}, {"password", text()}}, {"email", "password"});
    case Body::invitation:
      return object_schema({{"token", token}}, {"token"});
    case Body::new_password:
      return object_schema(
          {{"token", token}, {"password", password}, {"password_confirmation", text()}},
          {"token", "password", "password_confirmation"});
    case Body::new_user:
      return object_schema({{"email", {{"type", "string"}, {"format", "email"}}},
                            {"role", account_roles_enum()},
                            {"circle", text()},
                            {"name", text(200)}},
                           {"email", "role"});
    case Body::user_patch:
      return object_schema({{"role", account_roles_enum()},
                            {"circle", {{"type", "string"}, {"nullable", true}}},
                            {"disabled", {{"type", "boolean"}}}});
    case Body::token:
      return object_schema({{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}}},
                           {"name"});
    case Body::search:
    case Body::search_patch: {
      json s = object_schema({{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
                              {"query",
                               {{"type", "string"},
                                {"maxLength", 4000},
                                {"description",
                                 "Les filtres de la page, comme son adresse les écrit "
                                 "(kind=bureau&surface_min=300)"}}},
                              {"email", {{"type", "boolean"}}}},
                             body == Body::search ? std::vector<std::string>{"name", "query"}
                                                  : std::vector<std::string>{});
      if (body == Body::search_patch) s["minProperties"] = 1;
      return s;
    }
    case Body::need_feed:
      return object_schema({{"min_score", {{"type", "number"}, {"minimum", 0}, {"maximum", 100}}}},
                           {});
    case Body::match_update: {
      json status = string_enum_of(vocabulary::kMatchStatuses);
      json s =
          object_schema({{"status", status},
                         {"note", {{"type", "string"}, {"nullable", true}, {"maxLength", 2000}}}});
      s["minProperties"] = 1;
      return s;
    }
    case Body::request_fields: {
      json properties = json::object();
      for (const auto& f : importers::page_fields("request")) {
        if (f.control == importers::Control::none) continue;
        properties[f.field] = field_schema(f);
      }
      return {{"type", "object"},
              {"description", "les champs de la sollicitation (null efface un champ)"},
              {"properties", properties},
              {"additionalProperties", {{"type", "string"}, {"nullable", true}}}};
    }
    case Body::opportunity_fields:
    case Body::need_fields: {
      auto kind = body == Body::opportunity_fields ? importers::ImportKind::opportunities
                                                   : importers::ImportKind::needs;
      return {
          {"type", "object"},
          {"description",
           "les champs de l'objet, ou une Feature GeoJSON qui les porte dans « properties » "
           "(sa géométrie : la localisation) ; « last_verified » : « today » pour aujourd'hui ; "
           "null efface un champ"},
          {"properties", row_properties(kind)}};
    }
    case Body::opportunity_item:
    case Body::need_item: {
      auto kind = body == Body::opportunity_item ? importers::ImportKind::opportunities
                                                 : importers::ImportKind::needs;
      return {{"type", "object"},
              {"description",
               "une Feature GeoJSON : sa géométrie (un point en lon/lat) est la localisation, "
               "« properties » porte les mêmes champs que /api ; en PATCH, un JSON Merge Patch "
               "(RFC 7396) : null efface un champ, les champs absents restent"},
              {"required", {"type"}},
              {"properties",
               {{"type", {{"type", "string"}, {"enum", {"Feature"}}}},
                {"geometry", {{"type", "object"}, {"nullable", true}}},
                {"properties", {{"type", "object"}, {"properties", row_properties(kind)}}}}}};
    }
    default:
      return {{"type", "object"}};
  }
}

}  // namespace

json path_parameter(const std::string& name) {
  return param(name, "path", path_description(name), path_schema(name), true);
}

json request_body(Body body, std::size_t max_bytes) {
  if (body == Body::none) return nullptr;
  if (body == Body::file || body == Body::piece) {
    const char* what = body == Body::file ? "le fichier lui-même, tel quel (son format : format=)"
                                          : "les octets du morceau, à partir de offset";
    return {
        {"required", true},
        {"description", fmt::format("{} ; {} octets au plus", what, max_bytes)},
        {"content",
         {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
  }
  if (body == Body::opportunity_item || body == Body::need_item) {
    json schema = {{"schema", json_body_schema(body)}};
    return {{"required", true},
            {"content",
             {{"application/geo+json", schema},
              {"application/merge-patch+json", schema},
              {"application/json", schema}}}};
  }
  return {{"required", true},
          {"content", {{"application/json", {{"schema", json_body_schema(body)}}}}}};
}

}  // namespace terrier::api
