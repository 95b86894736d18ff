#include "api/queryables.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

#include "api/ogc.hpp"
#include "core/vocabulary.hpp"
#include "importers/field_table.hpp"
#include "importers/mapping.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kJsonSchema = "https://json-schema.org/draft/2020-12/schema";

// The field catalogue's import kind of a collection.
importers::ImportKind kind_of(db::Collection c) {
  switch (c) {
    case db::Collection::opportunities:
      return importers::ImportKind::opportunities;
    case db::Collection::needs:
      return importers::ImportKind::needs;
    case db::Collection::places:
      return importers::ImportKind::places;
    case db::Collection::territories:
      return importers::ImportKind::territories;
  }
  return importers::ImportKind::opportunities;
}

// The values of the vocabulary a property takes, if it takes one.
json vocabulary_of(db::Collection c, const std::string& property) {
  std::string_view list;
  for (const auto& f : importers::page_fields(db::entity_name(c) ? db::entity_name(c) : "")) {
    if (property == f.field) list = f.vocabulary;
  }
  if (c == db::Collection::territories && property == "level") list = "territory_levels";
  for (const auto& domain : vocabulary::kDomains) {
    if (!list.empty() && domain.list_name == list) {
      json values = json::array();
      for (std::string_view v : domain.values) values.push_back(std::string(v));
      return values;
    }
  }
  return nullptr;
}

// One property: its type as GDAL reads it (one "type" each: a list of types
// would leave the field a string), its values and its French label.
json property_schema(db::Collection c, const db::PropertyInfo& p) {
  json out = json::object();
  const std::string label = importers::form_label(kind_of(c), p.name);
  if (label != p.name) out["title"] = label;
  json values = vocabulary_of(c, p.name);
  switch (p.type) {
    case db::ValueType::string:
      out["type"] = "string";
      if (!values.is_null()) out["enum"] = values;
      break;
    case db::ValueType::number:
      out["type"] = "number";
      break;
    case db::ValueType::integer:
      out["type"] = "integer";
      break;
    case db::ValueType::boolean:
      out["type"] = "boolean";
      break;
    case db::ValueType::date:
      out["type"] = "string";
      out["format"] = "date";
      break;
    case db::ValueType::text_array: {
      json items = {{"type", "string"}};
      if (!values.is_null()) items["enum"] = values;
      out["type"] = "array";
      out["items"] = items;
      break;
    }
    case db::ValueType::json:  // a needs' search centre: [longitude, latitude]
      out["type"] = "array";
      out["items"] = {{"type", "number"}};
      break;
  }
  return out;
}

json geometry_schema(db::Collection c) {
  bool points = c == db::Collection::opportunities || c == db::Collection::places;
  return {{"type", "object"},
          {"format", points ? "geometry-point" : "geometry-any"},
          {"x-ogc-role", "primary-geometry"}};
}

json properties_of(db::Collection c, Role role) {
  json out = json::object();
  for (const auto& p : db::readable_properties(c, role)) out[p.name] = property_schema(c, p);
  return out;
}

std::string href(const std::string& base, db::Collection c, const char* last) {
  return base + "/ogcapi/collections/" + db::collection_name(c) + "/" + last;
}

}  // namespace

std::string queryables_document(const std::string& base, db::Collection c, Role role) {
  json properties = {{"geometry", geometry_schema(c)}};
  const json readable = properties_of(c, role);
  for (auto it = readable.begin(); it != readable.end(); ++it) properties[it.key()] = it.value();
  return json{{"$schema", kJsonSchema},
              {"$id", href(base, c, "queryables")},
              {"type", "object"},
              {"title", collection_title(c)},
              {"description",
               "Les propriétés que filter (CQL2) et sortby peuvent nommer : celles que ce rôle "
               "peut lire. Une valeur peut manquer (null)."},
              {"properties", properties},
              {"additionalProperties", false}}
      .dump();
}

std::string schema_document(const std::string& base, db::Collection c, Role role) {
  json id = {{"type", c == db::Collection::territories ? "string" : "integer"}};
  return json{{"$schema", kJsonSchema},
              {"$id", href(base, c, "schema")},
              {"title", collection_title(c)},
              {"description",
               "Un objet GeoJSON de la collection, avec les propriétés que ce rôle peut lire. Une "
               "valeur peut manquer (null)."},
              {"type", "object"},
              {"required", {"type", "geometry", "properties"}},
              {"properties",
               {{"type", {{"type", "string"}, {"enum", {"Feature"}}}},
                {"id", id},
                {"geometry", geometry_schema(c)},
                {"properties", {{"type", "object"}, {"properties", properties_of(c, role)}}}}}}
      .dump();
}

}  // namespace terrier::api
