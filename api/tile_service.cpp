#include "api/tile_service.hpp"

#include <fmt/core.h>
#include <malloc.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <pqxx/pqxx>
#include <utility>

#include "api/mvt.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/vocabulary.hpp"
#include "db/tile_points.hpp"

namespace terrier::api {
namespace {

std::int64_t steady_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Collects the notifications of one wait.
class GenerationReceiver : public pqxx::notification_receiver {
 public:
  explicit GenerationReceiver(pqxx::connection_base& conn)
      : pqxx::notification_receiver(conn, db::kTileGenerationChannel) {}
  void operator()(const std::string& payload, int) override {
    // "<generation>:<table>"
    auto colon = payload.find(':');
    try {
      generation = std::max<std::uint64_t>(generation, std::stoull(payload.substr(0, colon)));
    } catch (const std::exception&) {
    }
    if (colon != std::string::npos && payload.substr(colon + 1) == "opportunities") {
      opportunities = true;
    }
    any = true;
  }
  bool any = false, opportunities = false;
  std::uint64_t generation = 0;
};

// The clusters as MVT features: count, per kind and status counts
// (kind_<value>, status_<value>: MapLibre reads them with ["get", ...]),
// the sum of the built surfaces; a lone point also carries its id and
// what the points' style reads (kind, status, visibility, tenure).
std::string encode(const db::OpportunitySnapshot& s, const std::vector<db::Cluster>& clusters) {
  if (clusters.empty()) return {};
  MvtLayer layer("opportunities");
  for (const auto& c : clusters) {
    const bool lone = c.count == 1;
    layer.point(c.tile_x, c.tile_y,
                lone ? std::optional<std::uint64_t>(s.id[c.first]) : std::nullopt);
    layer.add("count", std::uint64_t{c.count});
    for (std::size_t k = 0; k < c.kinds.size(); ++k) {
      if (c.kinds[k]) {
        layer.add(fmt::format("kind_{}", vocabulary::kOpportunityKinds[k]),
                  std::uint64_t{c.kinds[k]});
      }
    }
    for (std::size_t k = 0; k < c.statuses.size(); ++k) {
      if (c.statuses[k]) {
        layer.add(fmt::format("status_{}", vocabulary::kOpportunityStatuses[k]),
                  std::uint64_t{c.statuses[k]});
      }
    }
    if (c.any_built) layer.add("built_surface_m2", c.built_sum);
    if (!lone) continue;
    const std::size_t i = c.first;
    layer.add("id", std::uint64_t{s.id[i]});
    layer.add("kind", vocabulary::kOpportunityKinds[s.kind[i]]);
    layer.add("status", vocabulary::kOpportunityStatuses[s.status[i]]);
    layer.add("visibility", vocabulary::kVisibilities[s.visibility[i]]);
    if (s.tenure_list(i).first < vocabulary::kTenures.size()) {
      layer.add("tenure", vocabulary::kTenures[s.tenure_list(i).first]);
    }
    const auto kind = vocabulary::kOpportunityKinds[s.kind[i]];
    const double land = s.number(db::OpportunitySnapshot::land, i);
    if ((kind == "terrain" || kind == "friche") && !std::isnan(land)) {
      layer.add("land_surface_m2", land);
    }
  }
  return layer.tile();
}

// The points as db::query_tile writes them (tile_columns, in its order):
// the same keys, values and value types, a null column left out as
// ST_AsMVT leaves it out, no feature id.
std::string encode_points(const db::OpportunitySnapshot& s,
                          const std::vector<db::TilePoint>& points, std::int32_t reverify_cutoff) {
  if (points.empty()) return {};
  MvtLayer layer("opportunities");
  for (const auto& p : points) {
    const std::size_t i = p.index;
    layer.point(p.x, p.y);
    layer.add("id", std::uint64_t{s.id[i]});
    layer.add("title", s.title_of(i));
    layer.add("kind", vocabulary::kOpportunityKinds[s.kind[i]]);
    layer.add("status", vocabulary::kOpportunityStatuses[s.status[i]]);
    layer.add("visibility", vocabulary::kVisibilities[s.visibility[i]]);
    layer.add_bool("to_reverify", s.verified[i] < reverify_cutoff);
    const auto& tenures = s.tenure_list(i);
    if (tenures.first < vocabulary::kTenures.size()) {
      layer.add("tenure", vocabulary::kTenures[tenures.first]);
    }
    layer.add("tenures", std::string_view(tenures.text));
    using N = db::OpportunitySnapshot::Number;
    for (auto [n, key] : {std::pair{N::built, "built_surface_m2"},
                          {N::land, "land_surface_m2"},
                          {N::rent, "rent_eur_month"},
                          {N::price, "price_eur"}}) {
      const double v = s.number(n, i);
      if (!std::isnan(v)) layer.add(key, v);
    }
    layer.add("location_precision", vocabulary::kLocationPrecisions[s.precision[i]]);
  }
  return layer.tile();
}

}  // namespace

void TileConfig::validate() const {
  if (cluster_max_zoom < -1 || cluster_max_zoom > 16) {
    throw ConfigError("--cluster-max-zoom: from -1 (no clusters) to 16");
  }
}

TileService::TileService(TileConfig config)
    : config_(std::move(config)),
      cache_(config_.cache_bytes),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  config_.validate();
  if (wake_fd_ < 0) throw Error(fmt::format("tiles: eventfd: {}", std::strerror(errno)));
  listener_ = std::thread([this] { listen(); });
}

TileService::~TileService() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  // The listener waits on its connection's socket and on this descriptor:
  // it leaves at once instead of at the end of its wait.
  const std::uint64_t one = 1;
  if (write(wake_fd_, &one, sizeof one) < 0) {
    // Cannot fail for an eventfd below its maximum; the flag is checked at
    // least every second anyway.
  }
  stop_cv_.notify_all();
  listener_.join();
  close(wake_fd_);
}

bool TileService::wait_for_notification(int socket) const {
  pollfd fds[2] = {{socket, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  // A second at most, so that a lost wake-up costs no more than the old wait.
  const int n = poll(fds, 2, 1000);
  if (n < 0 && errno != EINTR) {
    throw Error(fmt::format("tiles: poll: {}", std::strerror(errno)));
  }
  return !stopping_;
}

std::shared_ptr<const db::OpportunitySnapshot> TileService::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

void TileService::refresh(pqxx::connection& conn, bool reload_snapshot) {
  const auto db_generation = db::current_tile_generation(conn);
  if (reload_snapshot && config_.cluster_max_zoom >= 0) {
    auto started = std::chrono::steady_clock::now();
    // When the last reader drops a copy, its columns go back to the
    // system: glibc would keep the freed pages (the next copy is built
    // beside this one, and a reload left the process 13 MB larger at 100k).
    auto fresh = std::shared_ptr<const db::OpportunitySnapshot>(
        new db::OpportunitySnapshot(db::load_opportunity_snapshot(conn)),
        [](const db::OpportunitySnapshot* old) {
          delete old;
          malloc_trim(0);
        });
    log::info("tiles: {} opportunities in memory ({:.1f} MB) in {:.2f} s", fresh->size(),
              static_cast<double>(fresh->bytes()) / 1e6,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    const bool match = db::point_tiles_match_postgis(conn, *fresh);
    if (!match && points_match_postgis_) {
      log::warn("tiles: this process projects points otherwise than PostGIS: point tiles by SQL");
    }
    points_match_postgis_ = match;
    std::shared_ptr<const db::OpportunitySnapshot> old;
    {
      std::lock_guard lock(snapshot_mutex_);
      old = std::exchange(snapshot_, std::move(fresh));
    }
    old.reset();  // freed here unless a request still reads it
  }
  db_generation_ = std::max(db_generation_.load(), db_generation);
  ++generation_;
  cache_.clear();
  // The cached tiles, and a load's own buffers (rows read, the titles'
  // index, the sort's), back to the system.
  malloc_trim(0);
}

void TileService::listen() {
  bool connected = true;  // until the first failure is logged
  while (!stopping_) {
    try {
      // Told apart from the request sessions in pg_stat_activity.
      auto conn = db::connect(config_.database_url, {"terrier tiles"});
      GenerationReceiver receiver(*conn);
      if (!connected) log::info("tiles: generation listener connected again");
      connected = true;
      // LISTEN is on: whatever commits from now on is notified, so the
      // snapshot read now misses nothing.
      refresh(*conn, true);
      while (!stopping_) {
        receiver.any = receiver.opportunities = false;
        if (!wait_for_notification(conn->sock())) break;
        conn->get_notifs();
        if (!receiver.any) continue;
        db_generation_ = std::max(db_generation_.load(), receiver.generation);
        refresh(*conn, receiver.opportunities);
      }
    } catch (const std::exception& e) {
      // The database is gone (restarted, stopped): clusters fall back to
      // SQL, which answers 503 like every route, until it is back.
      // Once per outage, not once per attempt.
      if (connected) log::warn("tiles: generation listener: {}", e.what());
      connected = false;
      {
        std::lock_guard lock(snapshot_mutex_);
        snapshot_.reset();
      }
      ++generation_;
      cache_.clear();
      std::unique_lock lock(stop_mutex_);
      stop_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
    }
  }
}

std::string TileService::etag(const std::string& key) const {
  return fmt::format("\"t{}.{}-{:016x}\"", db_generation_.load(), generation_.load(),
                     std::hash<std::string>{}(key));
}

std::int32_t TileService::reverify_cutoff(ConnectionPool& pool) {
  std::lock_guard lock(cutoff_mutex_);
  const auto now = steady_seconds();
  if (cutoff_read_at_ < 0 || now - cutoff_read_at_ > 600) {
    auto conn = pool.acquire();
    cutoff_ = db::reverify_cutoff_day(*conn, config_.reverify_months);
    cutoff_read_at_ = now;
  }
  return cutoff_;
}

std::string TileService::clusters(ConnectionPool& pool, const db::FeatureQuery& query, int z, int x,
                                  int y) {
  auto s = snapshot();
  if (s) {
    auto filter = db::snapshot_filter(query.filters, query.role,
                                      query.filters.to_reverify ? reverify_cutoff(pool) : 0);
    if (filter) return encode(*s, db::cluster_tile(*s, *filter, z, x, y));
  }
  // A filter only SQL evaluates (territory, q, competence), or no snapshot
  // yet: the same clusters from the rows SQL gives.
  auto conn = pool.acquire();
  auto sql = db::cluster_tile_sql(*conn, query, z, x, y);
  return encode(sql.rows, sql.clusters);
}

std::string TileService::points(ConnectionPool& pool, const db::FeatureQuery& query, int z, int x,
                                int y) {
  auto s = points_match_postgis_ ? snapshot() : nullptr;
  if (s) {
    const auto cutoff = reverify_cutoff(pool);
    if (auto filter = db::snapshot_filter(query.filters, query.role, cutoff)) {
      if (auto points = db::point_tile(*s, *filter, z, x, y)) {
        return encode_points(*s, *points, cutoff);
      }
    }
  }
  // A filter only SQL evaluates, a footprint in the tile, or no snapshot.
  auto conn = pool.acquire();
  return db::query_tile(*conn, query, z, x, y);
}

std::shared_ptr<const std::string> TileService::tile(ConnectionPool& pool,
                                                     const db::FeatureQuery& query, int z, int x,
                                                     int y, const std::string& key) {
  const auto generation = generation_.load();
  if (auto hit = cache_.get(key, generation)) return hit;
  std::string body;
  if (query.collection == db::Collection::opportunities && z <= config_.cluster_max_zoom) {
    body = clusters(pool, query, z, x, y);
  } else if (query.collection == db::Collection::opportunities) {
    body = points(pool, query, z, x, y);
  } else {
    auto conn = pool.acquire();
    body = db::query_tile(*conn, query, z, x, y);
  }
  return cache_.put(key, generation, std::move(body));
}

}  // namespace terrier::api
