// The land group's requests ("sollicitations"): list with filters, read,
// create, change and delete, with ETags and If-Match like every object.

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "api/etag.hpp"
#include "api/field_problem.hpp"
#include "api/handlers.hpp"
#include "api/params.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/text.hpp"
#include "db/request_store.hpp"
#include "importers/fields.hpp"
#include "importers/request_rows.hpp"

namespace terrier::api {
namespace {

void require_reader(const Context& ctx) {
  if (!may_read_followup(ctx.role)) {
    throw Problem(401, "Unauthorized",
                  "les sollicitations sont réservées aux personnes connectées");
  }
}

void require_writer(const Context& ctx) {
  if (ctx.role == Role::anonymous)
    throw Problem(401, "Unauthorized", "écrire une sollicitation demande un compte");
  if (!may_write_requests(ctx.role)) {
    throw Problem(403, "Forbidden",
                  fmt::format("le rôle {} n'écrit pas de sollicitation", role_name(ctx.role)));
  }
}

// An animator writes the requests of its circle only (write_scope): its
// commune, or its linked need or place, lies in the circle. Asked inside the
// transaction, before a change and after it.
void require_in_scope(const Context& ctx, db::RequestStore& store, long long id) {
  if (write_scope(ctx.role, "request") != WriteScope::circle) return;
  if (!ctx.territory || !store.in_circle(id, *ctx.territory)) {
    throw Problem(403, "Forbidden",
                  fmt::format("un animateur écrit les sollicitations de son cercle ({}) : "
                              "commune, besoin ou lieu dans le cercle",
                              ctx.territory.value_or("aucun")));
  }
}

nlohmann::json body_object(const std::string& body) {
  nlohmann::json j;
  try {
    j = parse_json(body);
  } catch (const std::exception&) {
    throw bad_request("le corps doit être un objet JSON de champs");
  }
  if (!j.is_object()) throw bad_request("le corps doit être un objet JSON de champs");
  return j;
}

// JSON fields -> the draft the importer's rules check; null removes a field.
// A role writes no field it may not read, null included: erasing a contact
// is writing it.
importers::RequestDraft draft_of(const nlohmann::json& j, Role role) {
  importers::RequestDraft d;
  for (const auto& [k, v] : j.items()) {
    if (!may_write_field(role, "request", k)) {
      throw field_problem(403, "Forbidden", k,
                          fmt::format("le rôle {} ne peut pas écrire « {} »", role_name(role), k));
    }
    if (v.is_null()) continue;
    if (v.is_string()) {
      d[k] = v.get<std::string>();
    } else if (v.is_number_integer()) {
      d[k] = std::to_string(v.get<long long>());
    } else {
      throw field_error(k, fmt::format("« {} » doit être un texte", k));
    }
  }
  return d;
}

db::RequestRow validated(const importers::RequestDraft& draft, db::RequestStore& store) {
  auto checked = importers::validate_request(draft, store);
  if (checked.row) return *checked.row;
  std::string detail;
  for (const auto& i : checked.issues) {
    detail += (detail.empty() ? "" : " ; ") + (i.field.empty() ? i.value : i.field) + " : " +
              importers::french(i.reason);
  }
  throw field_error(checked.issues.front().field.empty() ? checked.issues.front().value
                                                         : checked.issues.front().field,
                    detail);
}

Response object_response(const db::Versioned& v, long long id, Role role, int status = 200) {
  Response r = json_response(v.json);
  r.status = status;
  r.headers.emplace_back("ETag", entity_etag("request", id, v.version, role));
  return r;
}

std::string today_iso() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char date[11];
  std::strftime(date, sizeof date, "%Y-%m-%d", &local);
  return date;
}

}  // namespace

// GET /api/requests?status=&channel=&circle=&from=&to=&q=&limit=&offset=
Response list_requests(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_reader(ctx);
  auto params = parse_request_list_params(ctx.params, RequestListUse::list);
  auto conn = pool.acquire();
  return json_response(db::list_requests(*conn, params.filter, ctx.role));
}

// GET /api/requests/export?format=csv|xlsx|ods&status=&channel=&q=…: the
// requests the list's filters select (all by default), as the role may read
// them, with the French headers `terrier import requests` reads back.
Response export_requests(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_reader(ctx);
  if (!may_export_requests(ctx.role)) {
    throw Problem(403, "Forbidden",
                  fmt::format("le rôle {} n'exporte pas les sollicitations", role_name(ctx.role)));
  }
  auto params = parse_request_list_params(ctx.params, RequestListUse::export_file);
  static const std::map<std::string, std::pair<const char*, const char*>> formats = {
      {"csv", {"", "text/csv; charset=utf-8"}},
      {"xlsx", {"XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
      {"ods", {"ODS", "application/vnd.oasis.opendocument.spreadsheet"}}};
  const auto& [driver, media_type] = formats.at(params.format);
  std::string suffix = "." + params.format;
  std::string path =
      (std::filesystem::temp_directory_path() / ("terrier-download-XXXXXX" + suffix)).string();
  int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw Error("cannot create a temporary file for the export");
  close(fd);
  auto conn = pool.acquire();
  try {
    if (params.format == "csv") {
      importers::write_requests_csv(*conn, path, ctx.role, params.filter);
    } else {
      importers::write_requests_sheet(*conn, path, driver, ctx.role, params.filter);
    }
  } catch (...) {
    std::remove(path.c_str());
    throw;
  }
  Response r;
  r.content_type = media_type;
  r.file = path;
  r.headers.emplace_back(
      "Content-Disposition",
      fmt::format("attachment; filename=\"sollicitations-{}{}\"", today_iso(), suffix));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response get_request(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_reader(ctx);
  long long id = id_or_404(ctx.segments[2], "request");
  auto conn = pool.acquire();
  auto v = db::request_object(*conn, id, ctx.role);
  if (!v) throw not_found(fmt::format("no request '{}'", id));
  return object_response(*v, id, ctx.role);
}

Response create_request(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_writer(ctx);
  auto draft = draft_of(body_object(ctx.request.body), ctx.role);
  auto conn = pool.acquire();
  long long id = 0;
  {
    db::RequestStore store(*conn);
    id = store.insert(validated(draft, store), "api", std::nullopt);
    require_in_scope(ctx, store, id);
    store.record_audit(ctx.who, "create", id, std::nullopt, store.row_json(id));
    store.commit();
  }
  auto v = db::request_object(*conn, id, ctx.role);
  Response r = object_response(*v, id, ctx.role, 201);
  r.headers.emplace_back("Location", fmt::format("/api/requests/{}", id));
  return r;
}

// PATCH and DELETE: the stored row (404), the If-Match version (412 with the
// request as it is now); `change` runs in the same transaction.
template <class Change>
Response change_request(Context& ctx, ConnectionPool& pool, Change change) {
  require_writer(ctx);
  long long id = id_or_404(ctx.segments[2], "request");
  auto expected = if_match_version(ctx.request, "request", id);
  auto conn = pool.acquire();
  bool done = false;
  {
    db::RequestStore store(*conn);
    // Locked, then read and checked: the circle checked is the one changed.
    if (!store.lock_row(id)) throw not_found(fmt::format("no request '{}'", id));
    auto before = store.row_json(id);
    if (!before) throw not_found(fmt::format("no request '{}'", id));
    require_in_scope(ctx, store, id);
    if (!expected || store.lock_at_version(id, *expected)) {
      change(store, id, *before);
      store.commit();
      done = true;
    }
  }
  auto v = db::request_object(*conn, id, ctx.role);
  if (!done && !v) throw not_found(fmt::format("no request '{}'", id));
  if (!done) return precondition_failed(v->json, entity_etag("request", id, v->version, ctx.role));
  if (!v) {  // deleted
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
  return object_response(*v, id, ctx.role);
}

Response update_request(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto body = body_object(ctx.request.body);
  draft_of(body, ctx.role);  // the role's rights on each field sent
  return change_request(ctx, pool,
                        [&](db::RequestStore& store, long long id, const std::string& before) {
                          auto merged = nlohmann::json::parse(before);
                          for (const auto& [k, v] : body.items()) {
                            if (v.is_null())
                              merged.erase(k);
                            else
                              merged[k] = v;
                          }
                          store.update(id, validated(draft_of(merged, Role::admin), store));
                          require_in_scope(ctx, store, id);
                          store.record_audit(ctx.who, "update", id, before, store.row_json(id));
                        });
}

Response delete_request(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  return change_request(ctx, pool,
                        [&](db::RequestStore& store, long long id, const std::string& before) {
                          store.remove(id);
                          store.record_audit(ctx.who, "delete", id, before, std::nullopt);
                        });
}

}  // namespace terrier::api
