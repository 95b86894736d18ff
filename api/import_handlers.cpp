// POST /api/imports: a spreadsheet or a GIS file sent whole by a script (the
// page sends it in pieces and imports it from there: upload_handlers.cpp,
// through run_import below), run through the importer. With dry_run=true
// nothing is written: the page shows how the header was read and what the
// import would do, then imports the same upload. With async=true (the
// page's way) the import runs on a worker (import_jobs.cpp) and its answer
// ends up in its progress record; one import at a time per person either
// way.

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/field_problem.hpp"
#include "api/handlers.hpp"
#include "api/import_upload.hpp"
#include "db/import_job_store.hpp"
#include "db/import_progress_store.hpp"
#include "importers/importer.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

bool flag(const std::map<std::string, std::string>& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end()) return false;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  throw bad_request(fmt::format("{}: true or false", name))
      .with_extensions(json{{"field", name}}.dump());
}

bool is_progress_key(const std::string& key) {
  return key.size() >= 16 && key.size() <= 64 &&
         key.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// A synchronous import's lock, on the pool connection it imports on.
class ImporterLock {
 public:
  ImporterLock(ConnectionPool::Lease& lease, std::string who)
      : lease_(lease), who_(std::move(who)) {
    lock_importer_or_409(*lease_, who_);
  }
  ~ImporterLock() {
    try {
      db::unlock_importer(*lease_, who_);
    } catch (const std::exception&) {
      lease_.discard();  // closed, the connection releases the lock
    }
  }
  ImporterLock(const ImporterLock&) = delete;
  ImporterLock& operator=(const ImporterLock&) = delete;

 private:
  ConnectionPool::Lease& lease_;
  std::string who_;
};

// A synchronous import's progress in import_progress, on a connection of
// its own (the import's transaction shows nothing until it commits).
class ProgressRecord {
 public:
  ProgressRecord(ConnectionPool& pool, const Context& ctx, const ImportParams& params)
      : key_(params.progress) {
    if (!key_) return;
    lease_.emplace(pool.acquire());
    if (!db::start_import_progress(**lease_, *key_, ctx.who, kind_label(params))) {
      throw key_taken();
    }
  }
  void record(importers::ImportPhase phase, long long rows, std::optional<double> fraction) {
    if (key_)
      db::record_import_progress(**lease_, *key_, importers::phase_name(phase), rows, fraction);
  }
  void finished(const std::string& state, long long rows, const std::optional<std::string>& summary,
                const std::string& answer, int status) {
    if (!key_) return;
    try {
      db::finish_import_progress(**lease_, *key_, state, rows, summary, answer, status);
    } catch (const std::exception&) {
      // The import's answer matters more than its progress bar.
    }
  }
  bool enabled() const { return key_.has_value(); }

 private:
  std::optional<std::string> key_;
  std::optional<ConnectionPool::Lease> lease_;
};

}  // namespace

const std::vector<std::string>& import_formats() {
  static const std::vector<std::string> formats = {"csv", "geojson", "gpkg", "kml", "xlsx", "ods"};
  return formats;
}

std::string import_format(const std::map<std::string, std::string>& params) {
  auto it = params.find("format");
  std::string format = it == params.end() ? "csv" : it->second;
  const auto& formats = import_formats();
  if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
    throw bad_request("format: csv, geojson, gpkg, kml, xlsx or ods");
  }
  return format;
}

ImportParams parse_import_params(const std::map<std::string, std::string>& params) {
  for (const auto& [name, value] : params) {
    if (name != "kind" && name != "format" && name != "source" && name != "strict" &&
        name != "dry_run" && name != "progress" && name != "async") {
      throw bad_request(fmt::format("unknown parameter '{}'", name));
    }
  }
  ImportParams p;
  auto kind_it = params.find("kind");
  auto kind = kind_it == params.end() ? std::nullopt : importers::parse_kind(kind_it->second);
  if (!kind ||
      (*kind != importers::ImportKind::opportunities && *kind != importers::ImportKind::places &&
       *kind != importers::ImportKind::needs && *kind != importers::ImportKind::requests)) {
    throw bad_request("kind: opportunities, places, needs or requests")
        .with_extensions(json{{"field", "kind"}}.dump());
  }
  p.kind = *kind;
  p.format = import_format(params);
  if (params.count("source")) p.source = params.at("source");
  p.strict = flag(params, "strict");
  p.dry_run = flag(params, "dry_run");
  p.async = flag(params, "async");
  if (params.count("progress")) {
    p.progress = params.at("progress");
    if (!is_progress_key(*p.progress)) {
      throw bad_request("progress : une clé de 16 à 64 chiffres hexadécimaux (minuscules)")
          .with_extensions(json{{"field", "progress"}}.dump());
    }
  }
  return p;
}

// Who may import what (core/roles): 401 without credentials, 403 with a
// French reason otherwise.
ImportScope require_importer(const Context& ctx) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "importer demande un compte");
  auto scope = import_scope(ctx.role, ctx.territory.has_value());
  if (scope == ImportScope::none) {
    throw Problem(403, "Forbidden",
                  ctx.role == Role::member
                      ? "Importer un tableau demande un cercle : demandez à un administrateur de "
                        "rattacher votre compte au cercle de votre territoire."
                      : fmt::format("le rôle {} n'importe pas de tableau", role_name(ctx.role)));
  }
  return scope;
}

void require_importable_kind(const Context& ctx, const ImportParams& params) {
  if (!may_import_kind(ctx.role, kind_label(params))) {
    throw field_problem(403, "Forbidden", "kind",
                        fmt::format("kind : le rôle {} n'importe pas de {}", role_name(ctx.role),
                                    kind_label(params)));
  }
}

// POST /api/imports?kind=...&format=csv[&dry_run=true][&strict=true]
// [&source=NAME][&progress=KEY][&async=true]: the body is the file itself. Admins anywhere, a
// member with a circle rows of its circle (core/roles import_scope). The report (and, for a dry
// run, nothing else) comes back; a committed import is in import_runs and audit_log. With
// progress=KEY, GET /api/imports/progress/KEY says how far the reading got, from any server
// process. With async=true: 202 and the progress URL at once, the report at that URL in the end. A
// person with an import running gets 409.
Response import_file(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  ImportCall call;
  call.scope = require_importer(ctx);
  call.params = parse_import_params(ctx.params);
  require_importable_kind(ctx, call.params);
  if (ctx.request.body.empty()) throw bad_request("the body is empty: send the file itself");
  auto upload = std::make_shared<const UploadFile>(ctx.request.body, call.params.format);
  return run_import(ctx, pool, std::move(call), std::move(upload));
}

Response run_import(Context& ctx, ConnectionPool& pool, ImportCall call,
                    std::shared_ptr<const UploadFile> upload) {
  call.role = ctx.role;
  call.who = ctx.who;
  call.territory = ctx.territory;
  if (call.params.async) return start_background_import(ctx, std::move(call), std::move(upload));

  auto conn = pool.acquire();
  ImporterLock lock(conn, call.who);
  ProgressRecord progress(pool, ctx, call.params);
  ProgressCallback on_progress;
  if (progress.enabled()) {
    on_progress = [&](importers::ImportPhase phase, long long rows,
                      std::optional<double> fraction) { progress.record(phase, rows, fraction); };
  }
  ImportAnswer answer;
  try {
    answer = import_upload(*conn, call, *upload, on_progress);
  } catch (const Problem& p) {
    progress.finished("failed", 0, std::nullopt, problem_body(p), p.status());
    throw;
  } catch (...) {
    progress.finished(
        "failed", 0, std::nullopt,
        problem_json(500, "Internal Server Error", "the request failed; it was logged"), 500);
    throw;
  }
  progress.finished("done", answer.read, answer.summary, answer.body, answer.status);
  Response r = json_response(std::move(answer.body));
  r.status = answer.status;
  return r;
}

// GET /api/imports/progress/{key}: how far the import named `key` got, for
// the person who started it, and once it ended its whole answer (the report
// or the problem, with its "status"). A key not (yet) known to be theirs is
// "pending": the page asks as soon as its upload is sent, before the server
// has started the import, and nobody learns of another person's imports.
Response import_progress(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "importer demande un compte");
  const std::string& key = ctx.segments[3];
  if (!is_progress_key(key)) {
    throw field_problem(400, "Bad Request", "progress",
                        "progress : une clé de 16 à 64 chiffres hexadécimaux (minuscules)");
  }
  auto conn = pool.acquire();
  auto p = db::import_progress(*conn, key);
  json j = {{"state", "pending"}, {"rows_read", 0}, {"fraction", nullptr}, {"summary", nullptr}};
  if (p && p->actor == ctx.who) {
    bool running = p->state == "reading" || p->state == "merging";
    // Running, with nobody holding the person's lock and no job waiting for
    // a worker: its server died (read again after the lock, which an import
    // releases once its end is recorded).
    if (running && !db::importer_locked(*conn, ctx.who) && !db::has_import_job(*conn, ctx.who)) {
      p = db::import_progress(*conn, key);
      running = p->state == "reading" || p->state == "merging";
      if (running) {
        p->state = "failed";
        p->answer = abandoned_problem();
        p->status = 500;
      }
    }
    j = json::object();
    if (p->answer) {
      j = json::parse(*p->answer, nullptr, false);
      if (!j.is_object()) j = json::object();
    }
    j["kind"] = p->kind;
    j["state"] = p->state;
    j["rows_read"] = p->rows_read;
    j["fraction"] = p->fraction ? json(*p->fraction) : json();
    if (!j.contains("summary")) j["summary"] = p->summary ? json(*p->summary) : json();
    if (p->status) j["status"] = *p->status;
  }
  Response r = json_response(j.dump(-1, ' ', false, json::error_handler_t::replace));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace terrier::api
