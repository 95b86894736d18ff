#pragma once

// An upload sent to POST /api/imports and its import, shared by the
// handlers (import_handlers.cpp: the synchronous import and the progress)
// and the background imports (import_jobs.cpp, async=true): the parameters,
// the uploaded file, the import itself and its answer, and the lock that
// keeps one import at a time per person.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/handlers.hpp"
#include "core/error.hpp"
#include "importers/importer.hpp"
#include "importers/mapping.hpp"

namespace terrier::api {

struct ImportParams {
  importers::ImportKind kind = importers::ImportKind::opportunities;
  bool requests = false;  // kind=requests: the land group's requests
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

using ProgressCallback = std::function<void(long long rows, std::optional<double> fraction)>;

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
Response start_background_import(Context& ctx, ImportCall call, std::unique_ptr<UploadFile> upload);

}  // namespace terrier::api
