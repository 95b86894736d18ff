#include "api/upload_registry.hpp"

#include <algorithm>
#include <vector>

#include "api/import_upload.hpp"
#include "core/hash.hpp"

namespace terrier::api {

using Clock = std::chrono::steady_clock;

struct UploadRegistry::Upload {
  std::string owner;
  std::string format;
  std::shared_ptr<UploadFile> file;
  // Guards the file's pieces and `sealed`: two pieces of one upload never
  // interleave, and none is added once an import reads the file.
  std::mutex mutex;
  bool sealed = false;
  Clock::time_point used;  // under the registry's mutex
};

UploadRegistry::UploadRegistry(UploadLimits limits) : limits_(limits) {}

// The files go with their uploads (and those an import still reads, once it
// ended).
UploadRegistry::~UploadRegistry() = default;

std::string UploadRegistry::create(const std::string& owner, const std::string& format) {
  auto upload = std::make_shared<Upload>();
  upload->owner = owner;
  upload->format = format;
  upload->file = std::make_shared<UploadFile>(format);
  std::string id = random_hex(16);
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  remove_idle(now);
  // The person's uploads beyond the limit: the ones used longest ago go.
  std::vector<std::map<std::string, std::shared_ptr<Upload>>::iterator> theirs;
  for (auto it = uploads_.begin(); it != uploads_.end(); ++it) {
    if (it->second->owner == owner) theirs.push_back(it);
  }
  std::sort(theirs.begin(), theirs.end(),
            [](const auto& a, const auto& b) { return a->second->used < b->second->used; });
  std::size_t kept = limits_.per_person > 0 ? limits_.per_person - 1 : 0;
  for (std::size_t i = 0; i + kept < theirs.size(); ++i) uploads_.erase(theirs[i]);
  upload->used = now;
  uploads_.emplace(id, std::move(upload));
  return id;
}

UploadRegistry::Appended UploadRegistry::append(const std::string& id, const std::string& owner,
                                                std::size_t offset, std::string_view bytes,
                                                std::size_t max_bytes) {
  auto upload = find(id, owner);
  if (!upload) return {Outcome::unknown, 0};
  std::lock_guard lock(upload->mutex);
  std::size_t received = upload->file->size();
  if (upload->sealed) return {Outcome::sealed, received};
  if (offset != received) return {Outcome::wrong_offset, received};
  if (bytes.size() > max_bytes || received > max_bytes - bytes.size()) {
    return {Outcome::too_large, received};
  }
  upload->file->append(bytes);
  return {Outcome::appended, upload->file->size()};
}

std::optional<UploadRegistry::Sealed> UploadRegistry::seal(const std::string& id,
                                                           const std::string& owner) {
  auto upload = find(id, owner);
  if (!upload) return std::nullopt;
  std::lock_guard lock(upload->mutex);
  upload->sealed = upload->file->size() > 0;
  return Sealed{upload->file, upload->format};
}

bool UploadRegistry::remove(const std::string& id, const std::string& owner) {
  std::lock_guard lock(mutex_);
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second->owner != owner) return false;
  uploads_.erase(it);
  return true;
}

std::size_t UploadRegistry::size() const {
  std::lock_guard lock(mutex_);
  return uploads_.size();
}

// The owner's upload, marked used now; the idle ones removed first.
std::shared_ptr<UploadRegistry::Upload> UploadRegistry::find(const std::string& id,
                                                             const std::string& owner) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  remove_idle(now);
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second->owner != owner) return nullptr;
  it->second->used = now;
  return it->second;
}

void UploadRegistry::remove_idle(Clock::time_point now) {
  for (auto it = uploads_.begin(); it != uploads_.end();) {
    if (now - it->second->used > limits_.idle_limit) {
      it = uploads_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace terrier::api
