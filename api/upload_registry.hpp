#pragma once

// Files sent in pieces before they are imported (POST /api/uploads, PUT
// /api/uploads/{id}?offset=N, POST /api/uploads/{id}/import): the page
// sends a large spreadsheet 1 MiB at a time, so that no server thread reads
// one request body for long (Pistache reads a body on the thread that owns
// its connection, and /healthz or the map asked on that thread wait for
// it). Each upload is a temporary file of this server process, like the body
// of POST /api/imports, known to the person who created it only. Pieces come
// in order: each names the offset it starts at, and one that does not start
// where the file ends is refused, so a repeated or lost piece never goes
// unnoticed. The first import seals the upload (no more pieces); it can be
// imported again (the page's dry run, then the import). Uploads left alone
// for `idle_limit` are removed, and a person's oldest beyond `per_person`.

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace terrier::api {

class UploadFile;

struct UploadLimits {
  std::chrono::milliseconds idle_limit = std::chrono::hours(1);
  std::size_t per_person = 4;
};

class UploadRegistry {
 public:
  explicit UploadRegistry(UploadLimits limits = {});
  ~UploadRegistry();
  UploadRegistry(const UploadRegistry&) = delete;
  UploadRegistry& operator=(const UploadRegistry&) = delete;

  // A new empty upload of `owner` for a file of `format` (its suffix); its
  // id, 32 random hexadecimal digits. Throws Error when no file can be made.
  std::string create(const std::string& owner, const std::string& format);

  enum class Outcome {
    appended,
    unknown,       // no such upload, or another person's
    wrong_offset,  // the piece does not start where the file ends
    too_large,     // the file would outgrow `max_bytes`
    sealed,        // an import of it started: no more pieces
  };
  struct Appended {
    Outcome outcome;
    std::size_t received = 0;  // the file's size after the call
  };
  // Adds the piece `bytes` that starts at `offset` to the owner's upload;
  // throws Error when the disk refuses it (the file left as it was).
  Appended append(const std::string& id, const std::string& owner, std::size_t offset,
                  std::string_view bytes, std::size_t max_bytes);

  struct Sealed {
    std::shared_ptr<const UploadFile> file;  // stays until its last import ended
    std::string format;
  };
  // The owner's upload, sealed unless still empty; none when unknown or
  // another person's.
  std::optional<Sealed> seal(const std::string& id, const std::string& owner);

  // Forgets the owner's upload (its file goes once no import reads it);
  // false when unknown or another person's.
  bool remove(const std::string& id, const std::string& owner);

  // Uploads kept, all people together.
  std::size_t size() const;

 private:
  struct Upload;
  std::shared_ptr<Upload> find(const std::string& id, const std::string& owner);
  void remove_idle(std::chrono::steady_clock::time_point now);

  UploadLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Upload>> uploads_;
};

}  // namespace terrier::api
