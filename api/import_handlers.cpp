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

#include "api/handlers.hpp"
#include "core/error.hpp"
#include "db/row_write_store.hpp"
#include "importers/importer.hpp"
#include "importers/mapping.hpp"
#include "importers/record_source.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

struct ImportParams {
  importers::ImportKind kind = importers::ImportKind::opportunities;
  std::string format = "csv";
  std::optional<std::string> source;
  bool strict = false;
  bool dry_run = false;
};

bool flag(const std::map<std::string, std::string>& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end()) return false;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  throw bad_request(fmt::format("{}: true or false", name))
      .with_extensions(json{{"field", name}}.dump());
}

ImportParams parse_import_params(const std::map<std::string, std::string>& params) {
  for (const auto& [name, value] : params) {
    if (name != "kind" && name != "format" && name != "source" && name != "strict" &&
        name != "dry_run") {
      throw bad_request(fmt::format("unknown parameter '{}'", name));
    }
  }
  ImportParams p;
  auto kind_it = params.find("kind");
  auto kind = kind_it == params.end() ? std::nullopt : importers::parse_kind(kind_it->second);
  if (!kind || (*kind != importers::ImportKind::opportunities &&
                *kind != importers::ImportKind::places && *kind != importers::ImportKind::needs)) {
    throw bad_request("kind: opportunities, places or needs");
  }
  p.kind = *kind;
  if (params.count("format")) p.format = params.at("format");
  static const std::vector<std::string> formats = {"csv", "geojson", "gpkg", "kml", "xlsx", "ods"};
  if (std::find(formats.begin(), formats.end(), p.format) == formats.end()) {
    throw bad_request("format: csv, geojson, gpkg, kml, xlsx or ods");
  }
  if (params.count("source")) p.source = params.at("source");
  p.strict = flag(params, "strict");
  p.dry_run = flag(params, "dry_run");
  return p;
}

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

const char* issue_type(importers::RowIssue::Kind kind) {
  switch (kind) {
    case importers::RowIssue::Kind::rejected:
      return "rejected";
    case importers::RowIssue::Kind::warning:
      return "warning";
    case importers::RowIssue::Kind::flagged:
      return "flagged";
    case importers::RowIssue::Kind::conflict:
      return "conflict";
  }
  return "warning";
}

json report_json(const importers::ImportReport& report, bool dry_run, json header) {
  json issues = json::array();
  for (const auto& i : report.issues) {
    issues.push_back({{report.position_name, i.position},
                      {"position", i.position},
                      {"column", i.column},
                      {"value", i.value},
                      {"reason", i.reason},
                      {"type", issue_type(i.kind)}});
  }
  return {{"summary", report.summary()}, {"committed", report.committed},
          {"dry_run", dry_run},          {"position_name", report.position_name},
          {"read", report.read},         {"inserted", report.inserted},
          {"updated", report.updated},   {"unchanged", report.unchanged},
          {"rejected", report.rejected}, {"flagged", report.flagged},
          {"conflicts", report.conflicts},
          {"header", std::move(header)}, {"issues", issues}};
}

}  // namespace

// POST /api/imports?kind=...&format=csv[&dry_run=true][&strict=true][&source=NAME]:
// the body is the file itself. Admins only. The report (and, for a dry run,
// nothing else) comes back; a committed import is in import_runs and
// audit_log.
Response import_file(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "imports need a token");
  if (ctx.role != Role::admin) throw Problem(403, "Forbidden", "only admins import files");
  auto params = parse_import_params(ctx.params);
  if (ctx.request.body.empty()) throw bad_request("the body is empty: send the file itself");
  UploadFile upload(ctx.request.body, params.format);

  importers::ImportOptions options;
  options.kind = params.kind;
  options.file = upload.path();
  options.source = params.source.value_or("api-" + ctx.who);
  options.strict = params.strict;
  options.dry_run = params.dry_run;
  options.user = ctx.who;
  auto conn = pool.acquire();
  importers::ImportReport report;
  try {
    report = importers::run_import(*conn, options);
  } catch (const ImportError& e) {
    throw Problem(422, "Unprocessable Entity", upload.hide_path(e.what()));
  }
  if (report.committed) {
    db::ImportTransaction tx(*conn);
    db::RowWriteStore audit(tx);
    audit.record_audit(ctx.who, "import", importers::kind_name(params.kind), std::nullopt,
                       std::nullopt,
                       json{{"source", *options.source}, {"summary", report.summary()}}.dump());
    audit.commit();
  }
  Response r = json_response(report_json(report, params.dry_run, header_json(report.header))
                                 .dump(-1, ' ', false, json::error_handler_t::replace));
  r.status = report.committed || params.dry_run ? 200 : 422;
  return r;
}

}  // namespace terrier::api
