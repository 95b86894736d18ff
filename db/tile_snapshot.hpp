#pragma once

// The opportunities' tiles in memory: a compact, columnar copy of the
// fields a tile's filters, clusters and points read (position, kind,
// status, visibility, tenures, surfaces, rent, price, dates, title,
// location precision), sorted along a Z-order curve so that a tile is one
// contiguous range, and the grid that sums a tile's points per cell. The
// same clustering runs over rows read by SQL for the filters the copy
// cannot evaluate (territory, q, competence), so both paths give the same
// clusters. The point tiles above the clusters are in db/tile_points.

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
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

// A list of tenures as stored (array_to_string(tenures, ',')), its first
// (0xff: none) and the bitmask the filters test.
struct TenureList {
  std::string text;
  std::uint8_t first = 0xff;
  std::uint8_t mask = 0;
};

// The columns, one entry per opportunity with a point. Absent dates are
// kNoDate. 54 bytes per opportunity, plus its title once per distinct title.
struct OpportunitySnapshot {
  static constexpr std::int32_t kNoDate = std::numeric_limits<std::int32_t>::min();
  // The numbers, in hundredths (m², euros): n / 100.0 is the double nearest
  // to a decimal of at most two places, which is what numeric::float8 gives,
  // so the tiles write SQL's value and the filters compare it. kNull: none;
  // kOdd: a value with more places or too large, in `odd`.
  static constexpr std::uint32_t kNull = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t kOdd = kNull - 1;
  enum Number : std::uint8_t { built = 0, land = 1, rent = 2, price = 3 };

  // Longitude and latitude in ten-millionths of a degree, as the importers
  // round points (nearbyint(d * 1e7) / 1e7): n / 1e7 is then the stored
  // double itself to the last bit, which the point tiles need (a division
  // of two exact numbers is correctly rounded, as the parsing of the
  // decimal is). kOddDegrees: another value, kept in `odd_degrees`.
  static constexpr std::int32_t kOddDegrees = std::numeric_limits<std::int32_t>::min();

  std::vector<std::uint32_t> x, y, id;
  std::vector<std::int32_t> lon7, lat7;
  std::unordered_map<std::uint64_t, double> odd_degrees;          // by index * 2 + (0: lon, 1: lat)
  std::vector<std::uint8_t> kind, status, visibility, precision;  // codes
  std::vector<std::uint16_t> tenures;                             // index in tenure_lists
  std::vector<TenureList> tenure_lists;
  std::array<std::vector<std::uint32_t>, 4> numbers;  // by Number
  std::vector<std::int32_t> available_from;           // days since 1970-01-01
  std::vector<std::int32_t> verified;                 // coalesce(last_verified, created_at::date)
  std::vector<std::uint32_t> title;                   // offset in titles, each title ended by a NUL
  std::string titles;                                 // each distinct title once
  std::unordered_map<std::uint64_t, double> odd;      // by index * 4 + Number
  // The rows whose geometry is not a point (a footprint), and the float
  // box PostGIS's && compares (xmin, ymin, xmax, ymax): a point tile that
  // one of them reaches is drawn by SQL.
  std::vector<std::uint32_t> footprints;
  std::vector<std::array<float, 4>> footprint_boxes;

  std::size_t size() const { return x.size(); }
  std::size_t bytes() const;
  // Exactly as stored.
  double lon(std::size_t i) const { return degrees(lon7[i], i * 2); }
  double lat(std::size_t i) const { return degrees(lat7[i], i * 2 + 1); }
  double degrees(std::int32_t v, std::uint64_t key) const {
    return v == kOddDegrees ? odd_degrees.at(key) : v / 1e7;
  }
  // NaN when absent.
  double number(Number n, std::size_t i) const {
    const std::uint32_t v = numbers[n][i];
    if (v == kNull) return std::numeric_limits<double>::quiet_NaN();
    if (v == kOdd) return odd.at(static_cast<std::uint64_t>(i) * 4 + n);
    return v / 100.0;
  }
  // What surface_min and surface_max compare: land for terrain and friche.
  double surface(std::size_t i) const;
  std::string_view title_of(std::size_t i) const { return titles.c_str() + title[i]; }
  const TenureList& tenure_list(std::size_t i) const { return tenure_lists[tenures[i]]; }
};

// The float box PostGIS keeps of a double box (next_float_down, _up).
inline float float_down(double d) {
  auto f = static_cast<float>(d);
  return static_cast<double>(f) <= d ? f : std::nextafter(f, -std::numeric_limits<float>::max());
}
inline float float_up(double d) {
  auto f = static_cast<float>(d);
  return static_cast<double>(f) >= d ? f : std::nextafter(f, std::numeric_limits<float>::max());
}

// Bits of x and y interleaved (x in the even bits): the Z-order curve, on
// which every tile at every zoom is one contiguous range.
std::uint64_t z_order(std::uint32_t x, std::uint32_t y);
// The snapshot's indexes in [begin, end) whose codes lie in [lo, hi].
std::pair<std::size_t, std::size_t> code_range(const OpportunitySnapshot& s, std::uint64_t lo,
                                               std::uint64_t hi, std::size_t begin,
                                               std::size_t end);

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

// How many of the opportunities a role may read have their point in a
// lon/lat box, or a footprint whose box reaches it: at least the rows a
// bbox query of the role keeps, whatever its other filters, and without a
// statement (the items' pages choose how to count and order by it).
// Counting stops past `enough`.
std::size_t rows_in_box(const OpportunitySnapshot& s, Role role, const std::array<double, 4>& box,
                        std::size_t enough);

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
