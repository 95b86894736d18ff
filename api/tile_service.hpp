#pragma once

// The vector tiles of /tiles: clusters of opportunities up to a zoom,
// their points above it (both computed from an in-memory snapshot, or by
// SQL for the filters the snapshot cannot evaluate; the other collections
// by PostGIS), and the cache in front of them. A thread LISTENs for the generation that every write
// and import moves on (sql/012), reloads the snapshot when opportunities changed and empties the
// cache; it reconnects when the database comes back.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/pool.hpp"
#include "api/tile_cache.hpp"
#include "db/feature_store.hpp"
#include "db/tile_snapshot.hpp"

namespace terrier::api {

struct TileConfig {
  std::string database_url;  // the listener's own connection
  int cluster_max_zoom = 11;
  std::size_t cache_bytes = 16u << 20;
  int reverify_months = db::kDefaultReverifyMonths;
  void validate() const;  // throws ConfigError
};

class TileService {
 public:
  explicit TileService(TileConfig config);
  ~TileService();
  TileService(const TileService&) = delete;
  TileService& operator=(const TileService&) = delete;

  int cluster_max_zoom() const { return config_.cluster_max_zoom; }

  // `key` names the request apart from the generation: collection, tile,
  // normalised filters, what the role may read.
  std::string etag(const std::string& key) const;
  // The tile's bytes (empty: no feature), from the cache or computed.
  std::shared_ptr<const std::string> tile(ConnectionPool& pool, const db::FeatureQuery& query,
                                          int z, int x, int y, const std::string& key);
  // The in-memory copy of the opportunities (null while none is loaded).
  std::shared_ptr<const db::OpportunitySnapshot> snapshot() const;

 private:
  void listen();
  // Waits for input on the listener's `socket` (a second at most) or for the
  // destructor's wake-up; false once the service stops.
  bool wait_for_notification(int socket) const;
  void refresh(pqxx::connection& conn, bool reload_snapshot);
  std::string clusters(ConnectionPool& pool, const db::FeatureQuery& query, int z, int x, int y);
  std::string points(ConnectionPool& pool, const db::FeatureQuery& query, int z, int x, int y);
  std::int32_t reverify_cutoff(ConnectionPool& pool);

  TileConfig config_;
  TileCache cache_;
  // The database's generation as last read or notified, and this process's
  // count of refreshes (the cache's stamp: a notified change whose number
  // the sequence had already handed out still empties the cache).
  std::atomic<std::uint64_t> db_generation_{0};
  std::atomic<std::uint64_t> generation_{0};
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const db::OpportunitySnapshot> snapshot_;
  // Whether this process's projection gives PostGIS's pixels (checked at
  // each load): otherwise the point tiles come from SQL.
  std::atomic<bool> points_match_postgis_{true};
  std::mutex cutoff_mutex_;
  std::int32_t cutoff_ = 0;
  std::int64_t cutoff_read_at_ = -1;  // steady clock, seconds
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  // Written by the destructor: wakes the listener out of its wait.
  int wake_fd_ = -1;
  std::thread listener_;
};

}  // namespace terrier::api
