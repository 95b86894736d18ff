#include "api/import_upload.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/field_problem.hpp"
#include "core/text.hpp"
#include "db/import_job_store.hpp"
#include "db/import_progress_store.hpp"
#include "db/row_write_store.hpp"
#include "importers/importer.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

const char* entity_of(const ImportParams& p) {
  switch (p.kind) {
    case importers::ImportKind::opportunities:
      return "opportunity";
    case importers::ImportKind::needs:
      return "need";
    case importers::ImportKind::requests:
      return "request";
    default:
      return "place";
  }
}

// A column feeding a field the role may not read is refused before any row
// is read: what a role may not read it may not write.
void require_readable_columns(Role role, const ImportParams& params,
                              const std::vector<importers::ColumnReading>& reading) {
  for (const auto& c : reading) {
    if (!c.field) continue;
    for (const auto& field : text::split_any(*c.field, {", "})) {
      if (may_write_field(role, entity_of(params), field)) continue;
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

// How the importer read the file's header (importers/headers): each column,
// the field it feeds or null, for an ignored column a close field, and
// whether it is kept in the rows' attributes (false: a column of Terrier's
// own export, or one the mapping ignores).
json header_json(const std::vector<importers::ColumnReading>& reading) {
  json out = json::array();
  for (const auto& c : reading) {
    out.push_back({{"column", c.column},
                   {"field", c.field ? json(*c.field) : json()},
                   {"suggestion", c.suggestion ? json(*c.suggestion) : json()},
                   {"kept", !c.field && c.kept}});
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
                      {"code", importers::code_name(i.reason.code)},
                      {"params", i.reason.params},
                      {"reason", importers::french(i.reason)},
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

UploadFile::UploadFile(const std::string& format) {
  std::string suffix = "." + format;
  path_ = (std::filesystem::temp_directory_path() / ("terrier-upload-XXXXXX" + suffix)).string();
  int fd = mkstemps(path_.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw Error("cannot store the upload");
  close(fd);
}

UploadFile::UploadFile(const std::string& body, const std::string& format) : UploadFile(format) {
  try {
    append(body);
  } catch (...) {
    std::remove(path_.c_str());
    throw;
  }
}

UploadFile::~UploadFile() {
  std::remove(path_.c_str());
}

void UploadFile::append(std::string_view bytes) {
  int fd = open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot store the upload");
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = pwrite(fd, bytes.data() + written, bytes.size() - written,
                       static_cast<off_t>(size_ + written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  // A piece half written is taken back: the file stays as it was (and the
  // next piece is written at the same place anyway).
  if (written != bytes.size()) (void)!ftruncate(fd, static_cast<off_t>(size_));
  close(fd);
  if (written != bytes.size()) throw Error("cannot store the upload (disk full?)");
  size_ += written;
}

std::string UploadFile::hide_path(std::string message) const {
  // "PATH: ligne 4 : …": the person knows which file they sent.
  if (message.rfind(path_ + ": ", 0) == 0) message.erase(0, path_.size() + 2);
  for (auto at = message.find(path_); at != std::string::npos; at = message.find(path_)) {
    message.replace(at, path_.size(), "le fichier envoyé");
  }
  return message;
}

const char* kind_label(const ImportParams& p) {
  return importers::kind_name(p.kind);
}

Problem key_taken() {
  return field_problem(409, "Conflict", "progress",
                       "progress : cette clé sert déjà à un autre import ; tirez-en une autre");
}

// Problem details as the synchronous import would have answered them.
std::string problem_body(const Problem& p) {
  return problem_json(p.status(), p.title(), p.what(), p.extensions());
}

// What a progress record of an import whose server died says.
std::string abandoned_problem() {
  return problem_json(500, "Internal Server Error",
                      "L'import s'est interrompu (le serveur qui le faisait s'est arrêté) : rien "
                      "n'a été enregistré. Envoyez le fichier à nouveau.");
}

// The person's import lock on `conn`, or 409. Waited for a moment: an
// import whose record just said "done" releases it right after (the wait
// ends at the release, so an HTTP thread is not held for a fixed time).
void lock_importer_or_409(pqxx::connection_base& conn, const std::string& who) {
  auto still_running = [] {
    return Problem(409, "Conflict",
                   "Un import que vous avez lancé est encore en cours : attendez qu'il se "
                   "termine avant d'en lancer un autre.");
  };
  if (!db::lock_importer_within(conn, who, 200)) throw still_running();
  // A background import of theirs waits for a worker (import_jobs).
  if (db::has_import_job(conn, who)) {
    db::unlock_importer(conn, who);
    throw still_running();
  }
  // Holding the lock, none of this person's imports runs: a record still
  // "reading" is one whose server died.
  db::fail_abandoned_imports(conn, who, abandoned_problem(), 500);
}

ImportAnswer import_upload(pqxx::connection_base& conn, const ImportCall& call,
                           const UploadFile& upload, const ProgressCallback& on_progress) {
  const auto& params = call.params;
  importers::ImportOptions options;
  options.kind = params.kind;
  options.file = upload.path();
  options.source = params.source.value_or("api-" + call.who);
  options.strict = params.strict;
  options.dry_run = params.dry_run;
  options.user = call.who;
  options.on_header = [&](const std::vector<importers::ColumnReading>& reading) {
    require_readable_columns(call.role, params, reading);
  };
  if (call.scope == ImportScope::circle) {
    options.circle = call.territory;
    options.visibilities = settable_visibilities(call.role);
  }
  options.on_progress = on_progress;
  importers::ImportReport report;
  try {
    report = importers::run_import(conn, options);
  } catch (const ImportError& e) {
    throw Problem(422, "Unprocessable Entity", upload.hide_path(e.what()));
  }
  if (report.committed) {
    db::ImportTransaction tx(conn);
    db::RowWriteStore audit(tx);
    audit.record_audit(call.who, "import", kind_label(params), std::nullopt, std::nullopt,
                       json{{"source", *options.source}, {"summary", report.summary()}}.dump());
    audit.commit();
  }
  return {report.committed || params.dry_run ? 200 : 422,
          report_json(report, params.dry_run, header_json(report.header))
              .dump(-1, ' ', false, json::error_handler_t::replace),
          report.read, report.summary()};
}

}  // namespace terrier::api
