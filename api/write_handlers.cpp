#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/etag.hpp"
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
  if (segment == "opportunities")
    return {importers::ImportKind::opportunities, &importers::opportunity_spec(), "opportunity"};
  if (segment == "needs") return {importers::ImportKind::needs, &importers::need_spec(), "need"};
  throw not_found(fmt::format("no resource /api/{}", segment));
}

void require_writer(const Context& ctx, const WriteTarget& target) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "writing needs a token");
  bool allowed = ctx.role == Role::admin ||
                 (ctx.role == Role::animator && target.kind == importers::ImportKind::needs);
  if (!allowed) {
    throw Problem(403, "Forbidden",
                  fmt::format("the {} role cannot write {}s", role_name(ctx.role), target.entity));
  }
}

// An animator's need must lie in its circle: checked inside the transaction.
void require_in_circle(const Context& ctx, db::ImportStore& store, long long id) {
  if (ctx.role == Role::animator &&
      (!ctx.territory || !store.need_in_territory(id, *ctx.territory))) {
    throw Problem(403, "Forbidden",
                  fmt::format("an animator writes needs inside its circle ({})",
                              ctx.territory.value_or("none")));
  }
}

db::StagedRow validated(const WriteTarget& target, const std::string& body,
                        db::ImportStore& store) {
  importers::JsonRow json_row;
  try {
    json_row = importers::validate_json_row(target.kind, body, store);
  } catch (const Error& e) {
    throw bad_request(e.what());
  } catch (const nlohmann::json::exception&) {
    throw bad_request("the body is not a JSON object of fields, or a GeoJSON Feature");
  }
  if (!json_row.row) {
    std::string detail;
    for (const auto& i : json_row.issues) {
      if (i.kind != importers::RowIssue::Kind::rejected) continue;
      detail += (detail.empty() ? "" : "; ") + i.column +
                (i.value.empty() ? "" : " '" + i.value + "'") + ": " + i.reason;
    }
    throw bad_request(detail);
  }
  return *json_row.row;
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

// The new version's ETag on a write's answer.
void add_etag(Response& r, pqxx::connection_base& conn, const std::string& collection, long long id,
              Role role) {
  if (auto etag = item_etag(conn, *db::parse_collection(collection), std::to_string(id), role)) {
    r.headers.emplace_back("ETag", *etag);
  }
}

}  // namespace

Response create_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto target = write_target(ctx.segments[1]);
  require_writer(ctx, target);
  auto conn = pool.acquire();
  long long id = 0;
  {
    db::ImportStore store(*conn);
    auto row = validated(target, ctx.request.body, store);
    // A client-chosen reference would merge into an existing row: only admins
    // may upsert that way; everyone else creates a new row.
    if (row.external_id && ctx.role != Role::admin) {
      throw bad_request("external_id: only admins choose a reference; leave it out");
    }
    if (!row.external_id) {
      row.external_id = "api-" + random_hex(8);
    }
    id = store.insert_row(*target.spec, "api", row);
    require_in_circle(ctx, store, id);
    auto after = store.row_json(*target.spec, id);
    store.record_audit(ctx.who, "create", target.entity, id, std::nullopt, after);
    store.commit();
  }
  Response r = json_response(nlohmann::json{{"id", id}}.dump());
  add_etag(r, *conn, ctx.segments[1], id, ctx.role);
  r.status = 201;
  r.headers.emplace_back("Location",
                         fmt::format("/ogcapi/collections/{}/items/{}", ctx.segments[1], id));
  return r;
}

// PATCH and DELETE of /api/{opportunities,needs}/{id}: the writer's rights,
// the stored row (404 without one), the animator's circle, the version
// If-Match names (412 with the row as it is now when it changed); then
// `change` runs in the same transaction with the row as it was.
template <class Change>
Response change_stored_row(Context& ctx, ConnectionPool& pool, Change change) {
  auto target = write_target(ctx.segments[1]);
  require_writer(ctx, target);
  long long id = id_or_404(ctx.segments[2], target.entity);
  auto expected = if_match_version(ctx.request, target.entity, id);
  auto conn = pool.acquire();
  std::optional<Response> done;
  {
    db::ImportStore store(*conn);
    auto before = store.row_json(*target.spec, id);
    if (!before) throw not_found(fmt::format("no {} '{}'", target.entity, id));
    require_in_circle(ctx, store, id);
    if (!expected || store.lock_at_version(*target.spec, id, *expected)) {
      done = change(target, id, store, *before);
    }
  }  // committed by `change`, or rolled back: the row changed meanwhile
  if (done) {
    if (done->status == 200) add_etag(*done, *conn, ctx.segments[1], id, ctx.role);
    return *done;
  }
  auto collection = *db::parse_collection(ctx.segments[1]);
  auto current = db::feature_by_id(*conn, collection, ctx.role, std::to_string(id));
  auto etag = item_etag(*conn, collection, std::to_string(id), ctx.role);
  if (!current || !etag) throw not_found(fmt::format("no {} '{}'", target.entity, id));
  return precondition_failed(*current, *etag);
}

Response update_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  return change_stored_row(
      ctx, pool,
      [&](const WriteTarget& target, long long id, db::ImportStore& store,
          const std::string& before) {
        std::string merged;
        try {
          merged = importers::merge_json_objects(before, verified_today(ctx.request.body));
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
        if (after) store.record_page_edits(*target.spec, id, before, *after, ctx.who);
        store.commit();
        // An animator's need: no contact, no notes back.
        return json_response(sees_confidential(ctx.role) ? after.value_or("{}")
                                                         : nlohmann::json{{"id", id}}.dump());
      });
}

Response delete_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  return change_stored_row(ctx, pool,
                           [&](const WriteTarget& target, long long id, db::ImportStore& store,
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

// POST /api/imports?kind=...&format=csv: the body is a file, run through the
// importer; its report comes back. Admins only.
Response import_file(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "imports need a token");
  if (ctx.role != Role::admin) throw Problem(403, "Forbidden", "only admins import files");
  for (const auto& [name, value] : ctx.params) {
    if (name != "kind" && name != "format" && name != "source" && name != "strict") {
      throw bad_request(fmt::format("unknown parameter '{}'", name));
    }
  }
  auto kind_it = ctx.params.find("kind");
  auto kind = kind_it == ctx.params.end() ? std::nullopt : importers::parse_kind(kind_it->second);
  if (!kind || (*kind != importers::ImportKind::opportunities &&
                *kind != importers::ImportKind::places && *kind != importers::ImportKind::needs)) {
    throw bad_request("kind: opportunities, places or needs");
  }
  std::string format = ctx.params.count("format") ? ctx.params.at("format") : "csv";
  static const std::vector<std::string> formats = {"csv", "geojson", "gpkg", "kml", "xlsx", "ods"};
  if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
    throw bad_request("format: csv, geojson, gpkg, kml, xlsx or ods");
  }
  if (ctx.request.body.empty()) throw bad_request("the body is empty: send the file itself");
  std::string suffix = "." + format;
  std::string path =
      (std::filesystem::temp_directory_path() / ("terrier-upload-XXXXXX" + suffix)).string();
  int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw Error("cannot store the upload");
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove_upload{path};
  bool written = write(fd, ctx.request.body.data(), ctx.request.body.size()) ==
                 static_cast<ssize_t>(ctx.request.body.size());
  close(fd);
  if (!written) throw Error("cannot store the upload (disk full?)");

  importers::ImportOptions options;
  options.kind = *kind;
  options.file = path;
  options.source = ctx.params.count("source") ? ctx.params.at("source") : "api-" + ctx.who;
  options.strict = ctx.params.count("strict") && ctx.params.at("strict") == "true";
  options.user = ctx.who;
  auto conn = pool.acquire();
  importers::ImportReport report;
  try {
    report = importers::run_import(*conn, options);
  } catch (const ImportError& e) {
    std::string message = e.what();  // names the temporary file: name the upload instead
    for (auto at = message.find(path); at != std::string::npos; at = message.find(path)) {
      message.replace(at, path.size(), "upload");
    }
    throw Problem(422, "Unprocessable Entity", message);
  }
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& i : report.issues) {
    issues.push_back({{report.position_name, i.position},
                      {"column", i.column},
                      {"value", i.value},
                      {"reason", i.reason},
                      {"type", i.kind == importers::RowIssue::Kind::rejected   ? "rejected"
                               : i.kind == importers::RowIssue::Kind::warning  ? "warning"
                               : i.kind == importers::RowIssue::Kind::conflict ? "conflict"
                                                                               : "flagged"}});
  }
  nlohmann::json out = {{"summary", report.summary()},
                        {"committed", report.committed},
                        {"read", report.read},
                        {"inserted", report.inserted},
                        {"updated", report.updated},
                        {"unchanged", report.unchanged},
                        {"rejected", report.rejected},
                        {"conflicts", report.conflicts},
                        {"issues", issues}};
  if (report.committed) {
    db::ImportStore audit(*conn);
    audit.record_audit(
        ctx.who, "import", importers::kind_name(*kind), std::nullopt, std::nullopt,
        nlohmann::json{{"source", *options.source}, {"summary", report.summary()}}.dump());
    audit.commit();
  }
  Response r = json_response(out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  r.status = report.committed ? 200 : 422;
  return r;
}

// One building per collective over a territory, best total score.

}  // namespace terrier::api
