#include "api/tile_cache.hpp"

namespace terrier::api {

std::shared_ptr<const std::string> TileCache::get(const std::string& key,
                                                  std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end() || it->second->generation != generation) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->tile;
}

std::shared_ptr<const std::string> TileCache::put(const std::string& key, std::uint64_t generation,
                                                  std::string tile) {
  Entry entry{key, generation, std::make_shared<const std::string>(std::move(tile))};
  auto kept = entry.tile;
  if (cost(entry) > max_bytes_) return kept;
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= cost(*it->second);
    order_.erase(it->second);
    index_.erase(it);
  }
  bytes_ += cost(entry);
  order_.push_front(std::move(entry));
  index_.emplace(key, order_.begin());
  while (bytes_ > max_bytes_ && !order_.empty()) {
    bytes_ -= cost(order_.back());
    index_.erase(order_.back().key);
    order_.pop_back();
  }
  return kept;
}

void TileCache::clear() {
  std::lock_guard lock(mutex_);
  order_.clear();
  index_.clear();
  bytes_ = 0;
}

std::size_t TileCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace terrier::api
