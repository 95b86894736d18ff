// POST /api/imports: a spreadsheet or a GIS file uploaded from the page (or a
// script), run through the importer. With dry_run=true nothing is written:
// the page shows how the header was read and what the import would do, then
// sends the same file again to import it.

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/field_problem.hpp"
#include "api/handlers.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/import_progress_store.hpp"
#include "db/row_write_store.hpp"
#include "importers/importer.hpp"
#include "importers/mapping.hpp"
#include "importers/record_source.hpp"
#include "importers/request_rows.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

struct ImportParams {
  importers::ImportKind kind = importers::ImportKind::opportunities;
  bool requests = false;  // kind=requests: the land group's requests
  std::string format = "csv";
  std::optional<std::string> source;
  bool strict = false;
  bool dry_run = false;
  std::optional<std::string> progress;  // the key GET /api/imports/progress/{key} answers
};

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

ImportParams parse_import_params(const std::map<std::string, std::string>& params) {
  for (const auto& [name, value] : params) {
    if (name != "kind" && name != "format" && name != "source" && name != "strict" &&
        name != "dry_run" && name != "progress") {
      throw bad_request(fmt::format("unknown parameter '{}'", name));
    }
  }
  ImportParams p;
  auto kind_it = params.find("kind");
  if (kind_it != params.end() && kind_it->second == "requests") {
    p.requests = true;
  } else {
    auto kind = kind_it == params.end() ? std::nullopt : importers::parse_kind(kind_it->second);
    if (!kind ||
        (*kind != importers::ImportKind::opportunities && *kind != importers::ImportKind::places &&
         *kind != importers::ImportKind::needs)) {
      throw bad_request("kind: opportunities, places, needs or requests")
          .with_extensions(json{{"field", "kind"}}.dump());
    }
    p.kind = *kind;
  }
  if (params.count("format")) p.format = params.at("format");
  static const std::vector<std::string> formats = {"csv", "geojson", "gpkg", "kml", "xlsx", "ods"};
  if (std::find(formats.begin(), formats.end(), p.format) == formats.end()) {
    throw bad_request("format: csv, geojson, gpkg, kml, xlsx or ods");
  }
  if (params.count("source")) p.source = params.at("source");
  p.strict = flag(params, "strict");
  p.dry_run = flag(params, "dry_run");
  if (params.count("progress")) {
    p.progress = params.at("progress");
    if (!is_progress_key(*p.progress)) {
      throw bad_request("progress : une clé de 16 à 64 chiffres hexadécimaux (minuscules)")
          .with_extensions(json{{"field", "progress"}}.dump());
    }
  }
  return p;
}

const char* kind_label(const ImportParams& p) {
  return p.requests ? "requests" : importers::kind_name(p.kind);
}

const char* entity_of(const ImportParams& p) {
  if (p.requests) return "request";
  switch (p.kind) {
    case importers::ImportKind::opportunities:
      return "opportunity";
    case importers::ImportKind::needs:
      return "need";
    default:
      return "place";
  }
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

// A column feeding a field the role may not read is refused before any row
// is read: what a role may not read it may not write.
void require_readable_columns(const Context& ctx, const ImportParams& params,
                              const std::vector<importers::ColumnReading>& reading) {
  for (const auto& c : reading) {
    if (!c.field) continue;
    for (const auto& field : text::split_any(*c.field, {", "})) {
      if (may_write_field(ctx.role, entity_of(params), field)) continue;
      Problem p(403, "Forbidden",
                fmt::format("La colonne « {} » donne le champ {} : votre rôle ne peut ni le lire "
                            "ni l'écrire. Retirez cette colonne du tableau.",
                            c.column, field));
      p.with_extensions(json{{"field", field}, {"column", c.column}}.dump(
          -1, ' ', false, json::error_handler_t::replace));
      throw p;
    }
  }
}

// The import's progress in import_progress, on a connection of its own (the
// import's transaction shows nothing until it commits).
class ProgressRecord {
 public:
  ProgressRecord(ConnectionPool& pool, const Context& ctx, const ImportParams& params)
      : key_(params.progress) {
    if (!key_) return;
    lease_.emplace(pool.acquire());
    if (!db::start_import_progress(**lease_, *key_, ctx.who, kind_label(params))) {
      throw field_problem(409, "Conflict", "progress",
                          "progress : cette clé sert déjà à un autre import ; tirez-en une autre");
    }
  }
  void reading(long long rows, std::optional<double> fraction) {
    if (key_) db::record_import_progress(**lease_, *key_, "reading", rows, fraction);
  }
  void finished(const std::string& state, long long rows, const std::string& summary) {
    if (!key_) return;
    try {
      db::record_import_progress(**lease_, *key_, state, rows, 1.0, summary);
    } catch (const std::exception&) {
      // The import's answer matters more than its progress bar.
    }
  }
  bool enabled() const { return key_.has_value(); }

 private:
  std::optional<std::string> key_;
  std::optional<ConnectionPool::Lease> lease_;
};

// The upload in a private temporary file, removed when this goes out of scope.
class UploadFile {
 public:
  UploadFile(const std::string& body, const std::string& format) {
    std::string suffix = "." + format;
    path_ = (std::filesystem::temp_directory_path() / ("terrier-upload-XXXXXX" + suffix)).string();
    int fd = mkstemps(path_.data(), static_cast<int>(suffix.size()));
    if (fd < 0) throw Error("cannot store the upload");
    bool written = write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
    close(fd);
    if (!written) {
      std::remove(path_.c_str());
      throw Error("cannot store the upload (disk full?)");
    }
  }
  ~UploadFile() { std::remove(path_.c_str()); }
  UploadFile(const UploadFile&) = delete;
  UploadFile& operator=(const UploadFile&) = delete;
  const std::string& path() const { return path_; }

  // An importer's message names the temporary file: name the upload instead.
  std::string hide_path(std::string message) const {
    for (auto at = message.find(path_); at != std::string::npos; at = message.find(path_)) {
      message.replace(at, path_.size(), "upload");
    }
    return message;
  }

 private:
  std::string path_;
};

// How the importer read the file's header (importers/headers): each column,
// the field it feeds or null, and for an ignored column a close field.
json header_json(const std::vector<importers::ColumnReading>& reading) {
  json out = json::array();
  for (const auto& c : reading) {
    out.push_back({{"column", c.column},
                   {"field", c.field ? json(*c.field) : json()},
                   {"suggestion", c.suggestion ? json(*c.suggestion) : json()}});
  }
  return out;
}

json report_json(const importers::ImportReport& report, bool dry_run, json header) {
  json issues = json::array();
  for (const auto& i : report.issues) {
    issues.push_back({{report.position_name, i.position},
                      {"position", i.position},
                      {"column", i.column},
                      {"value", i.value},
                      {"reason", i.reason},
                      {"type", importers::issue_kind_name(i.kind)}});
  }
  return {{"summary", report.summary()},
          {"committed", report.committed},
          {"dry_run", dry_run},
          {"position_name", report.position_name},
          {"read", report.read},
          {"inserted", report.inserted},
          {"updated", report.updated},
          {"unchanged", report.unchanged},
          {"rejected", report.rejected},
          {"flagged", report.flagged},
          {"conflicts", report.conflicts},
          {"header", std::move(header)},
          {"issues", issues}};
}

}  // namespace

// POST /api/imports?kind=...&format=csv[&dry_run=true][&strict=true][&source=NAME][&progress=KEY]:
// the body is the file itself. Admins anywhere, a member with a circle rows
// of its circle (core/roles import_scope). The report (and, for a dry run,
// nothing else) comes back; a committed import is in import_runs and
// audit_log. With progress=KEY, GET /api/imports/progress/KEY says how far
// the reading got, from any server process.
Response import_file(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto scope = require_importer(ctx);
  auto params = parse_import_params(ctx.params);
  require_importable_kind(ctx, params);
  if (ctx.request.body.empty()) throw bad_request("the body is empty: send the file itself");
  UploadFile upload(ctx.request.body, params.format);

  importers::ImportOptions options;
  options.kind = params.kind;
  options.file = upload.path();
  options.source = params.source.value_or("api-" + ctx.who);
  options.strict = params.strict;
  options.dry_run = params.dry_run;
  options.user = ctx.who;
  options.on_header = [&](const std::vector<importers::ColumnReading>& reading) {
    require_readable_columns(ctx, params, reading);
  };
  if (scope == ImportScope::circle) {
    options.circle = ctx.territory;
    options.visibilities = settable_visibilities(ctx.role);
  }
  ProgressRecord progress(pool, ctx, params);
  if (progress.enabled()) {
    options.on_progress = [&](long long rows, std::optional<double> fraction) {
      progress.reading(rows, fraction);
    };
  }
  auto conn = pool.acquire();
  importers::ImportReport report;
  try {
    report = params.requests ? importers::import_requests(*conn, options)
                             : importers::run_import(*conn, options);
  } catch (const ImportError& e) {
    progress.finished("failed", 0, "");
    throw Problem(422, "Unprocessable Entity", upload.hide_path(e.what()));
  } catch (...) {
    progress.finished("failed", 0, "");
    throw;
  }
  if (report.committed) {
    db::ImportTransaction tx(*conn);
    db::RowWriteStore audit(tx);
    audit.record_audit(ctx.who, "import", kind_label(params), std::nullopt, std::nullopt,
                       json{{"source", *options.source}, {"summary", report.summary()}}.dump());
    audit.commit();
  }
  progress.finished("done", report.read, report.summary());
  Response r = json_response(report_json(report, params.dry_run, header_json(report.header))
                                 .dump(-1, ' ', false, json::error_handler_t::replace));
  r.status = report.committed || params.dry_run ? 200 : 422;
  return r;
}

// GET /api/imports/progress/{key}: how far the import named `key` got, for
// the person who started it. A key not (yet) known to be theirs is
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
    j = {{"kind", p->kind},
         {"state", p->state},
         {"rows_read", p->rows_read},
         {"fraction", p->fraction ? json(*p->fraction) : json()},
         {"summary", p->summary ? json(*p->summary) : json()}};
  }
  Response r = json_response(j.dump());
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace terrier::api
