#pragma once

// The tiles already answered, bounded in bytes, least recently used out
// first. Each entry is stamped with the generation it was computed at and
// is never served at another: a write anywhere (any server process) moves
// the generation on (sql/012), and the cache is emptied.

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace terrier::api {

class TileCache {
 public:
  explicit TileCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  std::shared_ptr<const std::string> get(const std::string& key, std::uint64_t generation);
  // Keeps the tile (unless larger than the whole bound) and hands it back.
  std::shared_ptr<const std::string> put(const std::string& key, std::uint64_t generation,
                                         std::string tile);
  // Drops what another generation computed.
  void clear();
  std::size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    std::uint64_t generation;
    std::shared_ptr<const std::string> tile;
  };
  static std::size_t cost(const Entry& e) { return e.key.size() + e.tile->size() + 96; }

  std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::size_t bytes_ = 0;
};

}  // namespace terrier::api
