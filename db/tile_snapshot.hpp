#pragma once

// The opportunities' clusters of the low-zoom tiles: a compact, columnar
// copy of the fields a tile's filters and clusters read (web-mercator
// position, kind, status, visibility, tenures, surfaces, rent, price,
// dates), sorted along a Z-order curve so that a tile is one contiguous
// range, and the grid that sums a tile's points per cell. The same
// clustering runs over rows read by SQL for the filters the copy cannot
// evaluate (territory, q, competence), so both paths give the same clusters.

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/roles.hpp"
#include "core/vocabulary.hpp"
#include "db/connection.hpp"
#include "db/feature_store.hpp"

namespace terrier::db {

inline constexpr std::size_t kKindCount = vocabulary::kOpportunityKinds.size();
inline constexpr std::size_t kStatusCount = vocabulary::kOpportunityStatuses.size();
// Cells per tile side: 16 × 16, a cell of 32 CSS pixels on a 512-pixel
// tile, room for a circle and its count; a finer grid (64, 128) drew
// circles over one another at the regional scale.
inline constexpr int kClusterGridBits = 4;

// Web-mercator position on 32 bits per axis: x from 180° W eastwards, y
// from 85.05° N southwards (a z-level tile is 2^(32 - z) units wide).
struct WorldPoint {
  std::uint32_t x = 0, y = 0;
};
WorldPoint world_point(double lon, double lat);

// The columns, one entry per opportunity with a point. Absent numbers are
// NaN, absent dates kNoDate. 42 bytes per opportunity.
struct OpportunitySnapshot {
  static constexpr std::int32_t kNoDate = std::numeric_limits<std::int32_t>::min();
  std::vector<std::uint32_t> x, y, id;
  std::vector<std::uint8_t> kind, status, visibility, first_tenure, tenures;  // codes, bitmask
  std::vector<float> surface;  // what surface_min/max compare: land for terrain and friche
  std::vector<float> built, rent, price;
  std::vector<std::int32_t> available_from;  // days since 1970-01-01
  std::vector<std::int32_t> verified;        // coalesce(last_verified, created_at::date)
  // Surface, rent and price that a float does not hold exactly (bit 0, 1,
  // 2), and their exact values by index: the filters compare those, so that
  // a bound between a value and its float gives SQL's answer.
  std::vector<std::uint8_t> inexact;
  std::unordered_map<std::uint32_t, std::array<double, 3>> exact;

  std::size_t size() const { return x.size(); }
  std::size_t bytes() const;
};

// Reads the opportunities (all, or those `where` keeps: an SQL condition
// on `o` with its parameters) through a cursor, then sorts them.
OpportunitySnapshot load_opportunity_snapshot(pqxx::connection_base& conn,
                                              const std::string& where = "",
                                              const std::vector<std::string>& params = {});

// The filters evaluated on the snapshot; nullopt from snapshot_filter when
// the query has one that only SQL evaluates.
struct SnapshotFilter {
  std::uint32_t visibilities = 0;                          // bit per code
  std::uint32_t kinds = ~0u, statuses = ~0u, tenures = 0;  // tenures: 0 = any
  std::optional<double> surface_min, surface_max, rent_max, price_max;
  std::optional<std::int32_t> available_before;  // days
  std::optional<std::int32_t> verified_before;   // to_reverify: verified < this day
  bool keeps(const OpportunitySnapshot& s, std::size_t i) const;
};
// `reverify_cutoff`: the day before which an opportunity is to re-verify
// (current_date - reverify_months, from the database).
std::optional<SnapshotFilter> snapshot_filter(const FeatureFilters& f, Role role,
                                              std::int32_t reverify_cutoff);
// Everything (the rows SQL already filtered).
SnapshotFilter keep_all();

struct Cluster {
  std::uint32_t count = 0;
  std::array<std::uint32_t, kKindCount> kinds{};
  std::array<std::uint32_t, kStatusCount> statuses{};
  double built_sum = 0;
  bool any_built = false;
  int tile_x = 0, tile_y = 0;  // in the tile's extent (4096)
  std::size_t first = 0;       // the snapshot's index of its point, when count = 1
};

// The clusters of tile z/x/y: the points the filter keeps, summed per cell,
// each placed at its points' mean (a lone point at its own position).
std::vector<Cluster> cluster_tile(const OpportunitySnapshot& s, const SnapshotFilter& filter, int z,
                                  int x, int y);

// The same clusters by SQL, for any filter: the tile's rows that the role
// and the filters keep, clustered like the snapshot's.
struct SqlClusters {
  OpportunitySnapshot rows;
  std::vector<Cluster> clusters;
};
SqlClusters cluster_tile_sql(pqxx::connection_base& conn, const FeatureQuery& query, int z, int x,
                             int y);

// The tiles' generation (sql/012): the sequence's last number.
std::uint64_t current_tile_generation(pqxx::connection_base& conn);
inline constexpr const char* kTileGenerationChannel = "terrier_generation";

// current_date minus the months, as days since 1970-01-01.
std::int32_t reverify_cutoff_day(pqxx::connection_base& conn, int months);

}  // namespace terrier::db
