#pragma once

// An upload (the body of POST /api/imports, or a file sent in pieces to
// /api/uploads) and its import, shared by the handlers (import_handlers.cpp:
// the synchronous import and the progress; upload_handlers.cpp) and the
// background imports (import_jobs.cpp, async=true): the parameters, the
// uploaded file, the import itself and its answer, and the lock that keeps
// one import at a time per person.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/handlers.hpp"
#include "core/error.hpp"
#include "importers/importer.hpp"
#include "importers/mapping.hpp"

namespace terrier::api {

struct ImportParams {
  importers::ImportKind kind = importers::ImportKind::opportunities;
  std::string format = "csv";
  std::optional<std::string> source;
  bool strict = false;
  bool dry_run = false;
  std::optional<std::string> progress;  // the key GET /api/imports/progress/{key} answers
  bool async = false;                   // 202 at once, the answer in the progress record
};

// What an import needs from its request, copied: a background import
// outlives the request.
struct ImportCall {
  ImportParams params;
  ImportScope scope = ImportScope::none;
  Role role = Role::anonymous;
  std::string who;
  std::optional<std::string> territory;
};

// A synchronous import's answer: status and body, and for the progress
// record the rows read and the summary.
struct ImportAnswer {
  int status = 200;
  std::string body;
  long long read = 0;
  std::string summary;
};

using ProgressCallback = std::function<void(importers::ImportPhase phase, long long rows,
                                            std::optional<double> fraction)>;

// The upload in a private temporary file, removed when this goes out of
// scope: written at once (POST /api/imports), or piece by piece
// (upload_registry: PUT /api/uploads/{id}).
class UploadFile {
 public:
  // An empty file named with the format's suffix (GDAL reads it).
  explicit UploadFile(const std::string& format);
  UploadFile(const std::string& body, const std::string& format);
  ~UploadFile();
  UploadFile(const UploadFile&) = delete;
  UploadFile& operator=(const UploadFile&) = delete;
  const std::string& path() const { return path_; }
  std::size_t size() const { return size_; }

  // Adds `bytes` at the end; throws Error (disk full), the file left as it
  // was. Not thread-safe: upload_registry serialises the pieces.
  void append(std::string_view bytes);

  // An importer's message names the temporary file: without it ("ligne 4 :
  // …"), or "le fichier envoyé" within a sentence.
  std::string hide_path(std::string message) const;

 private:
  std::string path_;
  std::size_t size_ = 0;
};

const char* kind_label(const ImportParams& p);

// 409: the progress key names another import.
Problem key_taken();
// Problem details as the synchronous import would have answered them.
std::string problem_body(const Problem& p);
// What the record of an import whose server died says.
std::string abandoned_problem();

// Takes the person's import lock on `conn` (db/import_progress_store), or
// throws 409; marks the person's abandoned records failed.
void lock_importer_or_409(pqxx::connection_base& conn, const std::string& who);

// The import itself, on `conn`, and the answer a synchronous import gives.
// A file that cannot be imported throws Problem (422 for a file that
// cannot be read, 403 for a refused column).
ImportAnswer import_upload(pqxx::connection_base& conn, const ImportCall& call,
                           const UploadFile& upload, const ProgressCallback& on_progress);

// async=true (import_jobs.cpp): the lock, the record and the queued job;
// 202 with the progress URL.
Response start_background_import(Context& ctx, ImportCall call,
                                 std::shared_ptr<const UploadFile> upload);

// import_handlers.cpp, shared by POST /api/imports and POST
// /api/uploads/{id}/import (upload_handlers.cpp):
// The formats an import reads, by the name `format` takes.
const std::vector<std::string>& import_formats();
// The query's `format` (csv when absent); 400 for another.
std::string import_format(const std::map<std::string, std::string>& params);
// The query's import parameters (kind, format, source, strict, dry_run,
// progress, async); 400 naming the parameter.
ImportParams parse_import_params(const std::map<std::string, std::string>& params);
// Who may import: 401 without credentials, 403 with a French reason for a
// role that imports nothing (core/roles import_scope).
ImportScope require_importer(const Context& ctx);
// 403 (field kind) for a kind the role does not import.
void require_importable_kind(const Context& ctx, const ImportParams& params);
// The import of `upload` as `call` says: on this thread (the report, 200 or
// 422), or with async=true in the background (202 and the progress URL).
Response run_import(Context& ctx, ConnectionPool& pool, ImportCall call,
                    std::shared_ptr<const UploadFile> upload);

}  // namespace terrier::api
