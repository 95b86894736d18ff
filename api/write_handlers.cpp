#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/etag.hpp"
#include "api/field_errors.hpp"
#include "api/field_problem.hpp"
#include "api/handlers.hpp"
#include "api/ogc.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/json.hpp"
#include "db/model_tables.hpp"
#include "db/row_write_store.hpp"
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

// Where a write names its row: /api/{collection}/{id}, or OGC API –
// Features Part 4's /ogcapi/collections/{collection}/items/{id}. Both go
// through the same checks, stores and audit below.
struct RowPath {
  std::string collection;
  std::string id;
};

RowPath row_path(const Context& ctx) {
  const auto& s = ctx.segments;
  if (s[0] == "ogcapi") return {s[2], s.size() > 4 ? s[4] : ""};
  return {s[1], s.size() > 2 ? s[2] : ""};
}

// The body as the checks read it. Through OGC it is a GeoJSON Feature; a
// merge patch of one may leave out its "type" ({"properties": {...}} or
// {"geometry": {...}}).
std::string body_of(const Context& ctx) {
  if (ctx.segments[0] != "ogcapi") return ctx.request.body;
  nlohmann::json j;
  try {
    j = parse_json(ctx.request.body);
  } catch (const std::exception&) {
    return ctx.request.body;  // not JSON: validated() says so
  }
  if (!j.is_object() || j.contains("type") ||
      (!j.contains("properties") && !j.contains("geometry")))
    return ctx.request.body;
  j["type"] = "Feature";
  return j.dump();
}

WriteTarget write_target(const std::string& segment) {
  if (segment == "opportunities")
    return {importers::ImportKind::opportunities, &db::opportunities_table(), "opportunity"};
  if (segment == "needs") return {importers::ImportKind::needs, &db::needs_table(), "need"};
  throw not_found(fmt::format("no resource /api/{}", segment));
}

void require_writer(const Context& ctx, const WriteTarget& target) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "écrire demande un compte");
  if (!may_write_entity(ctx.role, target.entity)) {
    throw Problem(
        403, "Forbidden",
        fmt::format("le rôle {} n'écrit pas de {}", role_name(ctx.role),
                    target.kind == importers::ImportKind::needs ? "besoin" : "opportunité"));
  }
}

// Whether the row lies in the role's circle, asked only of a role whose
// writes are limited to it (checked inside the transaction).
bool in_circle(const Context& ctx, db::RowWriteStore& store, const WriteTarget& target,
               long long id) {
  if (write_scope(ctx.role, target.entity) != WriteScope::circle) return true;
  return target.kind == importers::ImportKind::needs && ctx.territory &&
         store.need_in_territory(id, *ctx.territory);
}

std::string visibility_of(const std::string& row_json) {
  auto j = nlohmann::json::parse(row_json);  // written by the store
  auto it = j.find("visibility");
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The stored row as it is (before a change) or as it would be (after one):
// a row of a visibility the role may not read is not there for it (404); a
// row outside an animator's circle is refused (403); a row the change made
// "confidentiel" for a role that may not read it is refused naming the field.
void require_writable_row(const Context& ctx, db::RowWriteStore& store, const WriteTarget& target,
                          long long id, const std::string& row_json, bool after_change) {
  std::string visibility = visibility_of(row_json);
  if (!visibility.empty() && !may_set_visibility(ctx.role, visibility)) {
    if (!after_change) throw not_found(fmt::format("no {} '{}'", target.entity, id));
    throw field_problem(
        403, "Forbidden", "visibility",
        fmt::format("Visibilité (visibility) : le rôle {} ne peut pas rendre une ligne « {} »",
                    role_name(ctx.role), visibility));
  }
  if (!may_write_row(ctx.role, target.entity, visibility, in_circle(ctx, store, target, id))) {
    throw Problem(403, "Forbidden",
                  fmt::format("un animateur écrit les besoins de son cercle ({})",
                              ctx.territory.value_or("aucun")));
  }
}

db::StagedRow validated(const WriteTarget& target, const std::string& body,
                        db::RowWriteStore& store) {
  importers::JsonRow json_row;
  try {
    db::ReferenceStore reference(store.transaction());
    json_row = importers::validate_json_row(target.kind, body, reference);
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
void require_writable_fields(const Context& ctx, const WriteTarget& target,
                             const std::string& body) {
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
    // What a role may not read it may not write, whatever the value (null
    // included).
    if (!may_write_field(ctx.role, target.entity, key)) throw forbidden_field(target.kind, key);
  }
}

// {"last_verified": "today"} (or "aujourd'hui"), at the top or in a
// Feature's properties, becomes today's date: "Vérifiée aujourd'hui".
std::string verified_today(const std::string& body) {
  if (body.find("last_verified") == std::string::npos) return body;
  nlohmann::json j;
  try {
    j = parse_json(body);
  } catch (const std::exception&) {
    return body;  // refused later, with the usual message
  }
  auto replace = [](nlohmann::json& o) {
    if (!o.is_object() || !o.contains("last_verified") || !o["last_verified"].is_string())
      return false;
    auto v = o["last_verified"].get<std::string>();
    if (v != "today" && v != "aujourd'hui" && v != "aujourd’hui") return false;
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char date[11];
    std::strftime(date, sizeof date, "%Y-%m-%d", &local);
    o["last_verified"] = date;
    return true;
  };
  bool changed = replace(j);
  if (j.is_object() && j.contains("properties")) changed |= replace(j["properties"]);
  return changed ? j.dump() : body;
}

// PUT's body as a change of the stored row: every field the role may write
// that the body leaves out is cleared; what the role may not write (an
// owner, a contact, notes for a member), the row's reference and, without a
// geometry in the body, its location stay as stored.
std::string replacement(const Context& ctx, const WriteTarget& target, const std::string& before,
                        const std::string& body) {
  nlohmann::json stored = nlohmann::json::parse(before);  // written by the store
  nlohmann::json j = parse_json(body);
  if (!j.is_object()) return body;  // refused by merge_json_objects
  bool feature = j.contains("type") && j["type"] == "Feature";
  nlohmann::json& properties = feature ? j["properties"] : j;
  if (properties.is_null()) properties = nlohmann::json::object();
  if (!properties.is_object()) return body;
  for (const auto& [key, value] : stored.items()) {
    if (key == "external_id" || key == "wkt" || key == "lat" || key == "lon") continue;
    if (!may_write_field(ctx.role, target.entity, key)) continue;
    if (!properties.contains(key)) properties[key] = nullptr;
  }
  return j.dump();
}

// The new version's ETag on a write's answer.
void add_etag(Response& r, pqxx::connection_base& conn, const std::string& collection, long long id,
              Role role) {
  if (auto etag = item_etag(conn, *db::parse_collection(collection), std::to_string(id), role)) {
    r.headers.emplace_back("ETag", *etag);
  }
}

// POST: the new row's id, after the writer's rights, the fields it may write,
// the validation, the visibility it may give and the audit.
long long create_stored_row(const Context& ctx, const WriteTarget& target,
                            pqxx::connection_base& conn) {
  require_writer(ctx, target);
  const std::string body = body_of(ctx);
  require_writable_fields(ctx, target, body);
  db::ImportTransaction tx(conn);
  db::RowWriteStore store(tx);
  auto row = validated(target, body, store);
  // A client-chosen reference would merge into an existing row: only admins
  // may upsert that way; everyone else creates a new row.
  if (row.external_id && !may_choose_reference(ctx.role)) {
    throw bad_request("external_id: only admins choose a reference; leave it out")
        .with_extensions(R"({"field":"external_id"})");
  }
  if (!row.external_id) {
    row.external_id = "api-" + random_hex(8);
  }
  long long id = store.insert_row(*target.spec, "api", row);
  auto after = store.row_json(*target.spec, id);
  require_writable_row(ctx, store, target, id, after.value_or("{}"), true);
  store.record_audit(ctx.who, "create", target.entity, id, std::nullopt, after);
  store.commit();
  return id;
}

// PATCH and DELETE of /api/{opportunities,needs}/{id} (and PUT, PATCH and
// DELETE of their OGC items): the writer's rights,
// the stored row (404 without one, or when the role may not read it), the
// animator's circle, the version
// If-Match names (412 with the row as it is now when it changed); then
// `change` runs in the same transaction with the row as it was.
template <class Change>
Response change_stored_row(Context& ctx, ConnectionPool& pool, Change change) {
  auto path = row_path(ctx);
  auto target = write_target(path.collection);
  require_writer(ctx, target);
  long long id = id_or_404(path.id, target.entity);
  auto expected = if_match_version(ctx.request, target.entity, id);
  auto conn = pool.acquire();
  std::optional<Response> done;
  {
    db::ImportTransaction tx(*conn);
    db::RowWriteStore store(tx);
    // Locked before it is read and checked: the visibility (and circle) the
    // check sees is the one the change applies to.
    if (!store.lock_row(*target.spec, id)) {
      throw not_found(fmt::format("no {} '{}'", target.entity, id));
    }
    auto before = store.row_json(*target.spec, id);
    if (!before) throw not_found(fmt::format("no {} '{}'", target.entity, id));
    require_writable_row(ctx, store, target, id, *before, false);
    if (!expected || store.lock_at_version(*target.spec, id, *expected)) {
      done = change(target, id, store, *before);
    }
  }  // committed by `change`, or rolled back: the row changed meanwhile
  if (done) {
    if (done->status == 200) add_etag(*done, *conn, path.collection, id, ctx.role);
    return *done;
  }
  auto collection = *db::parse_collection(path.collection);
  auto current = db::feature_by_id(*conn, collection, ctx.role, std::to_string(id));
  auto etag = item_etag(*conn, collection, std::to_string(id), ctx.role);
  if (!current || !etag) throw not_found(fmt::format("no {} '{}'", target.entity, id));
  return precondition_failed(*current, *etag);
}

// PATCH (the body merged over the stored row) and PUT (the body replaces
// it): the row validated whole, stored, audited, its page edits recorded.
Response write_change(Context& ctx, const WriteTarget& target, long long id,
                      db::RowWriteStore& store, const std::string& before, bool replace) {
  std::string body = body_of(ctx);
  require_writable_fields(ctx, target, body);
  std::string merged;
  try {
    body = verified_today(body);
    if (replace) body = replacement(ctx, target, before, body);
    merged = importers::merge_json_objects(before, body);
  } catch (const Error& e) {
    throw bad_request(e.what());
  } catch (const nlohmann::json::exception&) {
    throw bad_request("the body is not a JSON object of fields, or a GeoJSON Feature");
  }
  auto row = validated(target, merged, store);
  store.update_row(*target.spec, id, row);
  auto after = store.row_json(*target.spec, id);
  require_writable_row(ctx, store, target, id, after.value_or("{}"), true);
  store.record_audit(ctx.who, "update", target.entity, id, before, after);
  if (after) store.record_page_edits(*target.spec, id, before, *after, ctx.who);
  store.commit();
  // A member's or an animator's row: no owner, contact or notes back.
  return json_response(sees_confidential(ctx.role) ? after.value_or("{}")
                                                   : nlohmann::json{{"id", id}}.dump());
}

Response change_row(Context& ctx, ConnectionPool& pool, bool replace) {
  return change_stored_row(ctx, pool,
                           [&](const WriteTarget& target, long long id, db::RowWriteStore& store,
                               const std::string& before) {
                             return write_change(ctx, target, id, store, before, replace);
                           });
}

// An OGC write's answer: the item as the caller's role reads it (never a
// field it may not read), a GeoJSON Feature.
void answer_with_item(const Context& ctx, ConnectionPool& pool, const RowPath& path, Response& r) {
  auto collection = *db::parse_collection(path.collection);
  auto conn = pool.acquire();
  auto feature = db::feature_by_id(*conn, collection, ctx.role, path.id);
  if (!feature) return;  // written, but not readable by this role: the status says enough
  r.body = item_document(ctx.base_url, collection, path.id, *feature);
  r.content_type = "application/geo+json";
}

}  // namespace

Response create_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto path = row_path(ctx);
  auto target = write_target(path.collection);
  auto conn = pool.acquire();
  long long id = create_stored_row(ctx, target, *conn);
  Response r = json_response(nlohmann::json{{"id", id}}.dump());
  add_etag(r, *conn, path.collection, id, ctx.role);
  r.status = 201;
  r.headers.emplace_back("Location",
                         fmt::format("/ogcapi/collections/{}/items/{}", path.collection, id));
  return r;
}

Response update_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  return change_row(ctx, pool, false);
}

Response delete_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  return change_stored_row(ctx, pool,
                           [&](const WriteTarget& target, long long id, db::RowWriteStore& store,
                               const std::string& before) {
                             store.delete_row(*target.spec, id);
                             store.record_audit(ctx.who, "delete", target.entity, id, before,
                                                std::nullopt);
                             store.commit();
                             Response r;
                             r.status = 204;
                             r.content_type.clear();
                             return r;
                           });
}

// OGC API – Features Part 4 on /ogcapi/collections/{opportunities,needs}/items:
// the handlers above, answered with the item as the role reads it.
Response ogc_create_item(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  Response r = create_row(ctx, pool, config);
  RowPath path = row_path(ctx);
  path.id = std::to_string(nlohmann::json::parse(r.body)["id"].get<long long>());
  answer_with_item(ctx, pool, path, r);
  for (auto& [name, value] : r.headers) {
    if (name == "Location") value = ctx.base_url + value;
  }
  return r;
}

Response ogc_replace_item(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  Response r = change_row(ctx, pool, true);
  if (r.status == 200) answer_with_item(ctx, pool, row_path(ctx), r);
  return r;
}

Response ogc_update_item(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  Response r = change_row(ctx, pool, false);
  if (r.status == 200) answer_with_item(ctx, pool, row_path(ctx), r);
  return r;
}

}  // namespace terrier::api
