#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/field_errors.hpp"
#include "api/handlers.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/json.hpp"
#include "db/import_store.hpp"
#include "importers/importer.hpp"
#include "importers/json_rows.hpp"
#include "importers/rows.hpp"

namespace terrier::api {
namespace {

struct WriteTarget {
  importers::ImportKind kind;
  const db::TableSpec* spec;
  const char* entity;
};

WriteTarget write_target(const std::string& segment) {
  if (segment == "opportunities") return {importers::ImportKind::opportunities, &importers::opportunity_spec(), "opportunity"};
  if (segment == "needs") return {importers::ImportKind::needs, &importers::need_spec(), "need"};
  throw not_found(fmt::format("no resource /api/{}", segment));
}

void require_writer(const Context& ctx, const WriteTarget& target) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "writing needs a token");
  bool allowed = ctx.role == Role::admin ||
                 (ctx.role == Role::animator && target.kind == importers::ImportKind::needs);
  if (!allowed) {
    throw Problem(403, "Forbidden", fmt::format("the {} role cannot write {}s", role_name(ctx.role),
                                                target.entity));
  }
}

// An animator's need must lie in its circle: checked inside the transaction.
void require_in_circle(const Context& ctx, db::ImportStore& store, long long id) {
  if (ctx.role == Role::animator && (!ctx.territory || !store.need_in_territory(id, *ctx.territory))) {
    throw Problem(403, "Forbidden", fmt::format("an animator writes needs inside its circle ({})",
                                                ctx.territory.value_or("none")));
  }
}

db::StagedRow validated(const WriteTarget& target, const std::string& body, db::ImportStore& store) {
  importers::JsonRow json_row;
  try {
    json_row = importers::validate_json_row(target.kind, body, store);
  } catch (const Error& e) {
    throw bad_request(e.what());
  } catch (const nlohmann::json::exception&) {
    throw bad_request("the body is not a JSON object of fields, or a GeoJSON Feature");
  }
  if (!json_row.row) throw refused_fields(target.kind, json_row.issues);
  return *json_row.row;
}

// A body naming a field the role may not read is refused whole (403, the
// field named): the page never shows such a field to that role.
void require_writable_fields(const Context& ctx, const WriteTarget& target, const std::string& body) {
  nlohmann::json j;
  try {
    j = parse_json(body);
  } catch (const std::exception&) {
    return;  // not JSON: validated() says so
  }
  if (!j.is_object()) return;
  if (j.contains("type") && j["type"] == "Feature" && j.contains("properties")) j = j["properties"];
  if (!j.is_object()) return;
  for (const auto& [key, value] : j.items()) {
    if (!may_write_field(ctx.role, key)) throw forbidden_field(target.kind, key);
  }
}

}  // namespace

Response create_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto target = write_target(ctx.segments[1]);
  require_writer(ctx, target);
  require_writable_fields(ctx, target, ctx.request.body);
  auto conn = pool.acquire();
  db::ImportStore store(*conn);
  auto row = validated(target, ctx.request.body, store);
  // A client-chosen reference would merge into an existing row: only admins
  // may upsert that way; everyone else creates a new row.
  if (row.external_id && ctx.role != Role::admin) {
    throw bad_request("external_id: only admins choose a reference; leave it out")
        .with_extensions(R"({"field":"external_id"})");
  }
  if (!row.external_id) {
    row.external_id = "api-" + random_hex(8);
  }
  long long id = store.insert_row(*target.spec, "api", row);
  require_in_circle(ctx, store, id);
  auto after = store.row_json(*target.spec, id);
  store.record_audit(ctx.who, "create", target.entity, id, std::nullopt, after);
  store.commit();
  Response r = json_response(nlohmann::json{{"id", id}}.dump());
  r.status = 201;
  r.headers.emplace_back("Location", fmt::format("/ogcapi/collections/{}/items/{}", ctx.segments[1], id));
  return r;
}

// PATCH and DELETE of /api/{opportunities,needs}/{id}: the writer's rights,
// the stored row (404 without one), the animator's circle; then `change`
// runs in the same transaction with the row as it was.
template <class Change>
Response change_stored_row(Context& ctx, ConnectionPool& pool, Change change) {
  auto target = write_target(ctx.segments[1]);
  require_writer(ctx, target);
  long long id = id_or_404(ctx.segments[2], target.entity);
  auto conn = pool.acquire();
  db::ImportStore store(*conn);
  auto before = store.row_json(*target.spec, id);
  if (!before) throw not_found(fmt::format("no {} '{}'", target.entity, id));
  require_in_circle(ctx, store, id);
  return change(target, id, store, *before);
}

Response update_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  return change_stored_row(ctx, pool, [&](const WriteTarget& target, long long id, db::ImportStore& store,
                                          const std::string& before) {
    require_writable_fields(ctx, target, ctx.request.body);
    std::string merged;
    try {
      merged = importers::merge_json_objects(before, ctx.request.body);
    } catch (const Error& e) {
      throw bad_request(e.what());
    } catch (const nlohmann::json::exception&) {
      throw bad_request("the body is not a JSON object of fields, or a GeoJSON Feature");
    }
    auto row = validated(target, merged, store);
    store.update_row(*target.spec, id, row);
    require_in_circle(ctx, store, id);
    auto after = store.row_json(*target.spec, id);
    store.record_audit(ctx.who, "update", target.entity, id, before, after);
    store.commit();
    if (!sees_confidential(ctx.role)) {  // an animator's need: no contact, no notes back
      return json_response(nlohmann::json{{"id", id}}.dump());
    }
    return json_response(after.value_or("{}"));
  });
}

Response delete_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  return change_stored_row(ctx, pool, [&](const WriteTarget& target, long long id, db::ImportStore& store,
                                          const std::string& before) {
    store.delete_row(*target.spec, id);
    store.record_audit(ctx.who, "delete", target.entity, id, before, std::nullopt);
    store.commit();
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  });
}

// One building per collective over a territory, best total score.

}  // namespace terrier::api
