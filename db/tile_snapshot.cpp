#include "db/tile_snapshot.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <pqxx/pqxx>

#include "core/error.hpp"
#include "core/text.hpp"
#include "db/feature_sql.hpp"

namespace terrier::db {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kWorld = 4294967296.0;  // 2^32

template <std::size_t N>
std::uint8_t code_of(const std::array<std::string_view, N>& values, std::string_view v) {
  for (std::size_t i = 0; i < N; ++i) {
    if (values[i] == v) return static_cast<std::uint8_t>(i);
  }
  throw DbError(fmt::format("tile snapshot: unknown value '{}'", v));
}

template <std::size_t N>
std::uint32_t mask_of(const std::array<std::string_view, N>& values,
                      const std::vector<std::string>& chosen) {
  std::uint32_t mask = 0;
  for (const auto& v : chosen) mask |= 1u << code_of(values, v);
  return mask;
}

// Bits of x and y interleaved (x in the even bits): the Z-order curve, on
// which every tile at every zoom is one contiguous range.
std::uint64_t spread(std::uint32_t v) {
  std::uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Full;
  x = (x | (x << 2)) & 0x3333333333333333ull;
  x = (x | (x << 1)) & 0x5555555555555555ull;
  return x;
}
std::uint64_t z_order(std::uint32_t x, std::uint32_t y) {
  return spread(x) | (spread(y) << 1);
}

float nullable_float(const pqxx::field& f) {
  return f.is_null() ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(f.as<double>());
}

// Puts every column in the order of `order`.
template <typename T>
void permute(std::vector<T>& v, const std::vector<std::uint32_t>& order) {
  std::vector<T> out(v.size());
  for (std::size_t i = 0; i < order.size(); ++i) out[i] = v[order[i]];
  v.swap(out);
}

void sort_by_z_order(OpportunitySnapshot& s,
                     const std::unordered_map<std::uint32_t, std::array<double, 3>>& exact_rows) {
  std::vector<std::uint64_t> codes(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) codes[i] = z_order(s.x[i], s.y[i]);
  std::vector<std::uint32_t> order(s.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return codes[a] < codes[b]; });
  codes = {};
  permute(s.x, order), permute(s.y, order), permute(s.id, order);
  permute(s.kind, order), permute(s.status, order), permute(s.visibility, order);
  permute(s.first_tenure, order), permute(s.tenures, order), permute(s.surface, order);
  permute(s.built, order), permute(s.rent, order), permute(s.price, order);
  permute(s.available_from, order), permute(s.verified, order), permute(s.inexact, order);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (s.inexact[i]) s.exact.emplace(static_cast<std::uint32_t>(i), exact_rows.at(order[i]));
  }
}

bool below(double value, double bound, bool inclusive) {
  return inclusive ? value <= bound : value < bound;
}

}  // namespace

WorldPoint world_point(double lon, double lat) {
  constexpr double kMaxLat = 85.0511287798066;
  lat = std::clamp(lat, -kMaxLat, kMaxLat);
  double fx = (lon + 180.0) / 360.0;
  double r = lat * kPi / 180.0;
  double fy = (1.0 - std::log(std::tan(r) + 1.0 / std::cos(r)) / kPi) / 2.0;
  auto clamp = [](double f) {
    return static_cast<std::uint32_t>(std::clamp(std::floor(f * kWorld), 0.0, kWorld - 1));
  };
  return {clamp(fx), clamp(fy)};
}

std::size_t OpportunitySnapshot::bytes() const {
  return size() * (4 * 3 + 1 * 6 + 4 * 4 + 4 * 2) + exact.size() * 48;
}

OpportunitySnapshot load_opportunity_snapshot(pqxx::connection_base& conn, const std::string& where,
                                              const std::vector<std::string>& params) {
  OpportunitySnapshot s;
  // The exact values of the rows a float does not hold, by row number.
  std::unordered_map<std::uint32_t, std::array<double, 3>> exact_rows;
  pqxx::read_transaction tx(conn);
  tx.exec_params(
      "DECLARE tile_snapshot NO SCROLL CURSOR FOR SELECT o.id, ST_X(o.point), ST_Y(o.point), "
      "o.kind::text, o.status::text, o.visibility::text, array_to_string(o.tenures, ','), "
      "(CASE WHEN o.kind IN ('terrain', 'friche') THEN o.land_surface_m2 ELSE "
      "o.built_surface_m2 END)::float8, o.built_surface_m2::float8, o.rent_eur_month::float8, "
      "o.price_eur::float8, o.available_from - DATE '1970-01-01', "
      "coalesce(o.last_verified, o.created_at::date) - DATE '1970-01-01' "
      "FROM opportunities o WHERE o.point IS NOT NULL" +
          (where.empty() ? "" : " AND " + where),
      pqxx::prepare::make_dynamic_params(params));
  for (;;) {
    auto rows = tx.exec("FETCH 20000 FROM tile_snapshot");
    if (rows.empty()) break;
    for (const auto& r : rows) {
      auto id = r[0].as<long long>();
      if (id < 0 || id > static_cast<long long>(UINT32_MAX)) {
        throw DbError(fmt::format("tile snapshot: opportunity id {} beyond 32 bits", id));
      }
      auto p = world_point(r[1].as<double>(), r[2].as<double>());
      s.x.push_back(p.x);
      s.y.push_back(p.y);
      s.id.push_back(static_cast<std::uint32_t>(id));
      s.kind.push_back(code_of(vocabulary::kOpportunityKinds, r[3].c_str()));
      s.status.push_back(code_of(vocabulary::kOpportunityStatuses, r[4].c_str()));
      s.visibility.push_back(code_of(vocabulary::kVisibilities, r[5].c_str()));
      std::uint8_t tenures = 0, first = 0xff;
      std::string_view list = r[6].c_str();
      while (!list.empty()) {
        auto comma = list.find(',');
        auto code = code_of(vocabulary::kTenures, list.substr(0, comma));
        if (first == 0xff) first = code;
        tenures |= static_cast<std::uint8_t>(1u << code);
        list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
      }
      s.tenures.push_back(tenures);
      s.first_tenure.push_back(first);
      s.surface.push_back(nullable_float(r[7]));
      s.built.push_back(nullable_float(r[8]));
      s.rent.push_back(nullable_float(r[9]));
      s.price.push_back(nullable_float(r[10]));
      s.available_from.push_back(r[11].is_null() ? OpportunitySnapshot::kNoDate
                                                 : r[11].as<std::int32_t>());
      s.verified.push_back(r[12].as<std::int32_t>());
      // A value a float does not hold is kept exactly too.
      auto exact = [&](const pqxx::field& f, std::size_t at, std::array<double, 3>& out) {
        if (f.is_null()) return 0u;
        out[at] = f.as<double>();
        return static_cast<double>(static_cast<float>(out[at])) == out[at] ? 0u : 1u << at;
      };
      std::array<double, 3> values{};
      auto inexact = static_cast<std::uint8_t>(exact(r[7], 0, values) | exact(r[9], 1, values) |
                                               exact(r[10], 2, values));
      s.inexact.push_back(inexact);
      if (inexact) exact_rows.emplace(static_cast<std::uint32_t>(s.inexact.size() - 1), values);
    }
  }
  tx.exec("CLOSE tile_snapshot");
  sort_by_z_order(s, exact_rows);
  return s;
}

bool SnapshotFilter::keeps(const OpportunitySnapshot& s, std::size_t i) const {
  if (!(visibilities >> s.visibility[i] & 1u)) return false;
  if (!(kinds >> s.kind[i] & 1u) || !(statuses >> s.status[i] & 1u)) return false;
  if (tenures && !(tenures & s.tenures[i])) return false;
  if (verified_before && !(s.verified[i] < *verified_before)) return false;
  if (available_before && s.available_from[i] != OpportunitySnapshot::kNoDate &&
      s.available_from[i] > *available_before) {
    return false;
  }
  // NaN (no value) fails every comparison, as NULL does in SQL.
  auto value = [&](const std::vector<float>& column, int slot) {
    if (s.inexact[i] >> slot & 1u) return s.exact.at(static_cast<std::uint32_t>(i))[slot];
    return static_cast<double>(column[i]);
  };
  if (surface_min && !(value(s.surface, 0) >= *surface_min)) return false;
  if (surface_max && !below(value(s.surface, 0), *surface_max, true)) return false;
  if (rent_max && !below(value(s.rent, 1), *rent_max, true)) return false;
  if (price_max && !below(value(s.price, 2), *price_max, true)) return false;
  return true;
}

std::optional<SnapshotFilter> snapshot_filter(const FeatureFilters& f, Role role,
                                              std::int32_t reverify_cutoff) {
  if (f.territory || f.q || f.competence || f.slug || !f.levels.empty()) return std::nullopt;
  SnapshotFilter out;
  out.visibilities = mask_of(vocabulary::kVisibilities, readable_visibilities(role));
  if (!f.kinds.empty()) out.kinds = mask_of(vocabulary::kOpportunityKinds, f.kinds);
  if (!f.statuses.empty()) out.statuses = mask_of(vocabulary::kOpportunityStatuses, f.statuses);
  if (!f.tenures.empty()) out.tenures = mask_of(vocabulary::kTenures, f.tenures);
  out.surface_min = f.surface_min;
  out.surface_max = f.surface_max;
  out.rent_max = f.rent_max;
  out.price_max = f.price_max;
  if (f.available_before) {
    // An ISO date the API validated: days since 1970-01-01.
    int y = std::stoi(f.available_before->substr(0, 4));
    unsigned m = static_cast<unsigned>(std::stoi(f.available_before->substr(5, 2)));
    unsigned d = static_cast<unsigned>(std::stoi(f.available_before->substr(8, 2)));
    auto days =
        std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d));
    out.available_before = static_cast<std::int32_t>(days.time_since_epoch().count());
  }
  if (f.to_reverify) out.verified_before = reverify_cutoff;
  return out;
}

SnapshotFilter keep_all() {
  SnapshotFilter out;
  out.visibilities = ~0u;
  return out;
}

std::vector<Cluster> cluster_tile(const OpportunitySnapshot& s, const SnapshotFilter& filter, int z,
                                  int x, int y) {
  const int shift = 32 - z;  // a tile's side is 2^shift world units
  const std::uint64_t x0 = static_cast<std::uint64_t>(x) << shift;
  const std::uint64_t y0 = static_cast<std::uint64_t>(y) << shift;
  const std::uint64_t side = std::uint64_t{1} << shift;
  const std::uint64_t lo = z_order(static_cast<std::uint32_t>(x0), static_cast<std::uint32_t>(y0));
  const std::uint64_t hi =
      z_order(static_cast<std::uint32_t>(x0 + side - 1), static_cast<std::uint32_t>(y0 + side - 1));
  // The tile's points are the range of codes [lo, hi].
  std::size_t begin = 0, end = s.size();
  {
    std::size_t n = s.size();
    while (n > 0) {
      std::size_t half = n / 2;
      if (z_order(s.x[begin + half], s.y[begin + half]) < lo) {
        begin += half + 1;
        n -= half + 1;
      } else {
        n = half;
      }
    }
    std::size_t first = begin;
    n = s.size() - begin;
    while (n > 0) {
      std::size_t half = n / 2;
      if (z_order(s.x[first + half], s.y[first + half]) <= hi) {
        first += half + 1;
        n -= half + 1;
      } else {
        n = half;
      }
    }
    end = first;
  }
  constexpr int kCells = 1 << kClusterGridBits;
  const int cell_shift = shift - kClusterGridBits;
  struct Sum {
    std::uint64_t x = 0, y = 0;
  };
  std::array<int, kCells * kCells> slot;
  slot.fill(-1);
  std::vector<Cluster> clusters;
  std::vector<Sum> sums;
  for (std::size_t i = begin; i < end; ++i) {
    if (!filter.keeps(s, i)) continue;
    const std::uint64_t dx = s.x[i] - x0, dy = s.y[i] - y0;
    const auto cell = static_cast<std::size_t>((dy >> cell_shift) * kCells + (dx >> cell_shift));
    if (slot[cell] < 0) {
      slot[cell] = static_cast<int>(clusters.size());
      clusters.emplace_back();
      clusters.back().first = i;
      sums.emplace_back();
    }
    Cluster& c = clusters[static_cast<std::size_t>(slot[cell])];
    Sum& sum = sums[static_cast<std::size_t>(slot[cell])];
    ++c.count;
    ++c.kinds[s.kind[i]];
    ++c.statuses[s.status[i]];
    if (!std::isnan(s.built[i])) {
      c.built_sum += s.built[i];
      c.any_built = true;
    }
    sum.x += dx;
    sum.y += dy;
  }
  const double scale = 4096.0 / static_cast<double>(side);
  for (std::size_t k = 0; k < clusters.size(); ++k) {
    Cluster& c = clusters[k];
    double mx = static_cast<double>(sums[k].x) / c.count,
           my = static_cast<double>(sums[k].y) / c.count;
    c.tile_x = std::clamp(static_cast<int>(std::floor(mx * scale)), 0, 4095);
    c.tile_y = std::clamp(static_cast<int>(std::floor(my * scale)), 0, 4095);
  }
  return clusters;
}

SqlClusters cluster_tile_sql(pqxx::connection_base& conn, const FeatureQuery& query, int z, int x,
                             int y) {
  using namespace feature_sql;  // NOLINT: the items' builders
  Sql s = sql_for(Collection::opportunities, Role::anonymous);
  Where w;
  restrict_to_role(w, Collection::opportunities, query.role);
  w.add(fmt::format("o.point && ST_Transform(ST_TileEnvelope({}::int, {}::int, {}::int), 4326)",
                    w.param(std::to_string(z)), w.param(std::to_string(x)),
                    w.param(std::to_string(y))));
  add_filters(w, s, Collection::opportunities, query.filters, query.reverify_months);
  std::string where = w.sql();
  where = where.substr(std::string(" WHERE ").size());
  SqlClusters out;
  out.rows = load_opportunity_snapshot(conn, where, w.params());
  out.clusters = cluster_tile(out.rows, keep_all(), z, x, y);
  return out;
}

std::uint64_t current_tile_generation(pqxx::connection_base& conn) {
  pqxx::nontransaction tx(conn);
  return tx.exec1("SELECT last_value FROM tile_generation")[0].as<std::uint64_t>();
}

std::int32_t reverify_cutoff_day(pqxx::connection_base& conn, int months) {
  pqxx::read_transaction tx(conn);
  return tx
      .exec_params1("SELECT (current_date - make_interval(months => $1))::date - DATE '1970-01-01'",
                    months)[0]
      .as<std::int32_t>();
}

}  // namespace terrier::db
