#include "api/edit_rights.hpp"

#include <nlohmann/json.hpp>

#include "db/row_write_store.hpp"
#include "importers/field_table.hpp"

namespace terrier::api {

std::string with_edit_rights(const Context& ctx, pqxx::connection_base& conn,
                             db::Collection collection, const std::string& id,
                             const std::string& feature) {
  if (ctx.role == Role::anonymous) return feature;
  const bool opportunity = collection == db::Collection::opportunities;
  if (!opportunity && collection != db::Collection::needs) return feature;
  const char* entity = opportunity ? "opportunity" : "need";
  auto kind = opportunity ? importers::ImportKind::opportunities : importers::ImportKind::needs;

  auto j = nlohmann::ordered_json::parse(feature);  // written by the store, order kept
  auto& properties = j["properties"];
  std::string visibility;
  if (auto v = properties.find("visibility"); v != properties.end() && v->is_string()) {
    visibility = v->get<std::string>();
  }
  bool in_circle = true;
  if (write_scope(ctx.role, entity) == WriteScope::circle) {
    in_circle = false;
    if (!opportunity && ctx.territory) {
      pqxx::read_transaction r(conn);
      in_circle = db::need_in_territory(r, std::stoll(id), *ctx.territory);
    }
  }
  const bool editable = may_write_entity(ctx.role, entity) &&
                        (visibility.empty() || may_set_visibility(ctx.role, visibility)) &&
                        may_write_row(ctx.role, entity, visibility, in_circle);
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  if (editable) {
    for (const auto& f : importers::table_for(kind)) {
      if (may_write_field(ctx.role, entity, f.field)) fields.push_back(f.field);
    }
  }
  properties["editable"] = editable;
  properties["editable_fields"] = std::move(fields);
  return j.dump();
}

}  // namespace terrier::api
