#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/handlers.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
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
  if (!json_row.row) {
    std::string detail;
    for (const auto& i : json_row.issues) {
      if (i.kind != importers::RowIssue::Kind::rejected) continue;
      detail += (detail.empty() ? "" : "; ") + i.column + (i.value.empty() ? "" : " '" + i.value + "'") +
                ": " + i.reason;
    }
    throw bad_request(detail);
  }
  return *json_row.row;
}

}  // namespace

Response create_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto target = write_target(ctx.segments[1]);
  require_writer(ctx, target);
  auto conn = pool.acquire();
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
  if (!kind || (*kind != importers::ImportKind::opportunities && *kind != importers::ImportKind::places &&
                *kind != importers::ImportKind::needs)) {
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
    issues.push_back({{report.position_name, i.position}, {"column", i.column}, {"value", i.value},
                      {"reason", i.reason},
                      {"type", i.kind == importers::RowIssue::Kind::rejected  ? "rejected"
                               : i.kind == importers::RowIssue::Kind::warning ? "warning"
                                                                                : "flagged"}});
  }
  nlohmann::json header = nlohmann::json::array();  // how each column was read
  for (const auto& c : report.header) {
    header.push_back({{"column", c.column}, {"field", c.field ? nlohmann::json(*c.field) : nlohmann::json()},
                      {"suggestion", c.suggestion ? nlohmann::json(*c.suggestion) : nlohmann::json()}});
  }
  nlohmann::json out = {{"summary", report.summary()}, {"committed", report.committed}, {"header", header},
                        {"read", report.read}, {"inserted", report.inserted},
                        {"updated", report.updated}, {"unchanged", report.unchanged},
                        {"rejected", report.rejected}, {"issues", issues}};
  if (report.committed) {
    db::ImportStore audit(*conn);
    audit.record_audit(ctx.who, "import", importers::kind_name(*kind), std::nullopt, std::nullopt,
                       nlohmann::json{{"source", *options.source}, {"summary", report.summary()}}.dump());
    audit.commit();
  }
  Response r = json_response(out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  r.status = report.committed ? 200 : 422;
  return r;
}

// One building per collective over a territory, best total score.

}  // namespace terrier::api
