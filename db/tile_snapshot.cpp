#include "db/tile_snapshot.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <numeric>
#include <pqxx/pqxx>
#include <unordered_set>

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

std::uint64_t spread(std::uint32_t v) {
  std::uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Full;
  x = (x | (x << 2)) & 0x3333333333333333ull;
  x = (x | (x << 1)) & 0x5555555555555555ull;
  return x;
}
constexpr std::uint32_t bit(std::string_view kind) {
  for (std::size_t i = 0; i < kKindCount; ++i) {
    if (vocabulary::kOpportunityKinds[i] == kind) return 1u << i;
  }
  return 0;
}
// The kinds whose surface filters compare the land's surface.
constexpr std::uint32_t kLandKinds = bit("terrain") | bit("friche");

// A number of the snapshot from its numeric text: hundredths when the
// decimal has at most two places and n / 100.0 is the float8 SQL gives.
std::uint32_t hundredths(const pqxx::field& f, double& exact) {
  if (f.is_null()) return OpportunitySnapshot::kNull;
  std::string_view text = f.c_str();
  const char* end = text.data() + text.size();
  std::from_chars(text.data(), end, exact);
  std::uint64_t n = 0;
  int places = -1;
  for (char c : text) {
    if (c == '.') {
      if (places >= 0) return OpportunitySnapshot::kOdd;
      places = 0;
      continue;
    }
    if (c < '0' || c > '9' || places == 2 || n > OpportunitySnapshot::kOdd) {
      return OpportunitySnapshot::kOdd;
    }
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
    if (places >= 0) ++places;
  }
  for (; places < 2; places = places < 0 ? 1 : places + 1) n *= 10;
  if (n >= OpportunitySnapshot::kOdd || static_cast<double>(n) / 100.0 != exact) {
    return OpportunitySnapshot::kOdd;
  }
  return static_cast<std::uint32_t>(n);
}

// A longitude or a latitude in ten-millionths of a degree, when n / 1e7
// gives it back to the last bit (-0 and NaN do not).
std::int32_t ten_millionths(double degrees) {
  const double n = std::nearbyint(degrees * 1e7);
  if (!(std::abs(n) < 2e9) || n / 1e7 != degrees || (n == 0 && std::signbit(degrees))) {
    return OpportunitySnapshot::kOddDegrees;
  }
  return static_cast<std::int32_t>(n);
}

// Puts every column in the order of `order`.
template <typename T>
void permute(std::vector<T>& v, const std::vector<std::uint32_t>& order) {
  std::vector<T> out(v.size());
  for (std::size_t i = 0; i < order.size(); ++i) out[i] = v[order[i]];
  v.swap(out);
}

void sort_by_z_order(OpportunitySnapshot& s) {
  std::vector<std::uint64_t> codes(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) codes[i] = z_order(s.x[i], s.y[i]);
  std::vector<std::uint32_t> order(s.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return codes[a] < codes[b]; });
  codes = {};
  permute(s.x, order), permute(s.y, order), permute(s.id, order);
  permute(s.lon7, order), permute(s.lat7, order);
  permute(s.kind, order), permute(s.status, order), permute(s.visibility, order);
  permute(s.precision, order), permute(s.tenures, order);
  for (auto& column : s.numbers) permute(column, order);
  permute(s.available_from, order), permute(s.verified, order), permute(s.title, order);
  // The rows named by index: where each went.
  std::vector<std::uint32_t> place(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) place[order[i]] = static_cast<std::uint32_t>(i);
  std::unordered_map<std::uint64_t, double> odd;
  for (const auto& [key, value] : s.odd)
    odd.emplace(std::uint64_t{place[key / 4]} * 4 + key % 4, value);
  s.odd.swap(odd);
  std::unordered_map<std::uint64_t, double> odd_degrees;
  for (const auto& [key, value] : s.odd_degrees)
    odd_degrees.emplace(std::uint64_t{place[key / 2]} * 2 + key % 2, value);
  s.odd_degrees.swap(odd_degrees);
  for (auto& f : s.footprints) f = place[f];
}

// Each distinct title once: its offset in the snapshot's titles, looked up
// by its text (40 bytes a title, where a map of strings took about 120: at
// a million rows it was tens of MB beside the copy while it loads).
struct TitleHash {
  using is_transparent = void;
  const std::string* titles;
  std::size_t operator()(std::string_view t) const { return std::hash<std::string_view>{}(t); }
  std::size_t operator()(std::uint32_t at) const { return (*this)(titles->c_str() + at); }
};
struct TitleEqual {
  using is_transparent = void;
  const std::string* titles;
  std::string_view text(std::string_view t) const { return t; }
  std::string_view text(std::uint32_t at) const { return titles->c_str() + at; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return text(a) == text(b);
  }
};
using TitleSet = std::unordered_set<std::uint32_t, TitleHash, TitleEqual>;

// Room for `rows` in every column, so that no column doubles while it
// fills (up to twice its size, and the old and new blocks at once).
void reserve(OpportunitySnapshot& s, std::size_t rows) {
  s.x.reserve(rows), s.y.reserve(rows), s.id.reserve(rows);
  s.lon7.reserve(rows), s.lat7.reserve(rows);
  s.kind.reserve(rows), s.status.reserve(rows), s.visibility.reserve(rows);
  s.precision.reserve(rows), s.tenures.reserve(rows);
  for (auto& column : s.numbers) column.reserve(rows);
  s.available_from.reserve(rows), s.verified.reserve(rows), s.title.reserve(rows);
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

std::uint64_t z_order(std::uint32_t x, std::uint32_t y) {
  return spread(x) | (spread(y) << 1);
}

std::pair<std::size_t, std::size_t> code_range(const OpportunitySnapshot& s, std::uint64_t lo,
                                               std::uint64_t hi, std::size_t begin,
                                               std::size_t end) {
  std::size_t n = end - begin;
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
  n = end - begin;
  while (n > 0) {
    std::size_t half = n / 2;
    if (z_order(s.x[first + half], s.y[first + half]) <= hi) {
      first += half + 1;
      n -= half + 1;
    } else {
      n = half;
    }
  }
  return {begin, first};
}

std::size_t OpportunitySnapshot::bytes() const {
  return size() * (4 * 3 + 4 * 2 + 1 * 4 + 2 + 4 * 4 + 4 * 2 + 4) + titles.size() +
         (odd.size() + odd_degrees.size()) * 48 + footprints.size() * 20 + tenure_lists.size() * 40;
}

double OpportunitySnapshot::surface(std::size_t i) const {
  return number(kLandKinds >> kind[i] & 1u ? land : built, i);
}

OpportunitySnapshot load_opportunity_snapshot(pqxx::connection_base& conn, const std::string& where,
                                              const std::vector<std::string>& params) {
  OpportunitySnapshot s;
  // Each distinct title and list of tenures once (titles repeat: "Local
  // d'activité" in one commune after another).
  TitleSet title_at(0, TitleHash{&s.titles}, TitleEqual{&s.titles});
  std::unordered_map<std::string, std::uint16_t> tenure_list_at;
  pqxx::read_transaction tx(conn);
  // The whole table (at start and on each write): the columns sized once.
  if (where.empty()) {
    reserve(s, tx.exec1("SELECT count(*) FROM opportunities WHERE point IS NOT NULL")[0]
                   .as<std::size_t>());
  }
  tx.exec_params(
      "DECLARE tile_snapshot NO SCROLL CURSOR FOR SELECT o.id, ST_X(o.point), ST_Y(o.point), "
      "o.kind::text, o.status::text, o.visibility::text, array_to_string(o.tenures, ','), "
      "o.built_surface_m2::text, o.land_surface_m2::text, o.rent_eur_month::text, "
      "o.price_eur::text, o.available_from - DATE '1970-01-01', "
      "coalesce(o.last_verified, o.created_at::date) - DATE '1970-01-01', o.title, "
      "o.location_precision::text, b.xmin, b.ymin, b.xmax, b.ymax "
      "FROM opportunities o LEFT JOIN LATERAL (SELECT ST_XMin(o.geom) AS xmin, ST_YMin(o.geom) "
      "AS ymin, ST_XMax(o.geom) AS xmax, ST_YMax(o.geom) AS ymax WHERE GeometryType(o.geom) <> "
      "'POINT') b ON true WHERE o.point IS NOT NULL" +
          (where.empty() ? "" : " AND " + where),
      pqxx::prepare::make_dynamic_params(params));
  for (;;) {
    // 5,000 rows at a time: libpq holds a batch as text beside the copy
    // being built (with 20,000 a reload at 100k peaked 5 MB higher).
    auto rows = tx.exec("FETCH 5000 FROM tile_snapshot");
    if (rows.empty()) break;
    for (const auto& r : rows) {
      auto id = r[0].as<long long>();
      if (id < 0 || id > static_cast<long long>(UINT32_MAX)) {
        throw DbError(fmt::format("tile snapshot: opportunity id {} beyond 32 bits", id));
      }
      const auto index = static_cast<std::uint32_t>(s.x.size());
      const double lon = r[1].as<double>(), lat = r[2].as<double>();
      auto p = world_point(lon, lat);
      s.x.push_back(p.x);
      s.y.push_back(p.y);
      s.lon7.push_back(ten_millionths(lon));
      s.lat7.push_back(ten_millionths(lat));
      if (s.lon7.back() == OpportunitySnapshot::kOddDegrees)
        s.odd_degrees.emplace(index * 2ull, lon);
      if (s.lat7.back() == OpportunitySnapshot::kOddDegrees) {
        s.odd_degrees.emplace(index * 2ull + 1, lat);
      }
      s.id.push_back(static_cast<std::uint32_t>(id));
      s.kind.push_back(code_of(vocabulary::kOpportunityKinds, r[3].c_str()));
      s.status.push_back(code_of(vocabulary::kOpportunityStatuses, r[4].c_str()));
      s.visibility.push_back(code_of(vocabulary::kVisibilities, r[5].c_str()));
      auto list = tenure_list_at.find(r[6].c_str());
      if (list == tenure_list_at.end()) {
        if (s.tenure_lists.size() > UINT16_MAX) {
          throw DbError("tile snapshot: more than 65,536 distinct lists of tenures");
        }
        TenureList t;
        t.text = r[6].c_str();
        for (std::string_view rest = t.text; !rest.empty();) {
          auto comma = rest.find(',');
          auto code = code_of(vocabulary::kTenures, rest.substr(0, comma));
          if (t.first == 0xff) t.first = code;
          t.mask |= static_cast<std::uint8_t>(1u << code);
          rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
        }
        list =
            tenure_list_at.emplace(t.text, static_cast<std::uint16_t>(s.tenure_lists.size())).first;
        s.tenure_lists.push_back(std::move(t));
      }
      s.tenures.push_back(list->second);
      for (std::uint8_t n = 0; n < 4; ++n) {
        double exact = 0;
        auto v = hundredths(r[7 + n], exact);
        if (v == OpportunitySnapshot::kOdd) s.odd.emplace(std::uint64_t{index} * 4 + n, exact);
        s.numbers[n].push_back(v);
      }
      s.available_from.push_back(r[11].is_null() ? OpportunitySnapshot::kNoDate
                                                 : r[11].as<std::int32_t>());
      s.verified.push_back(r[12].as<std::int32_t>());
      const std::string_view text(r[13].c_str(), r[13].size());
      auto title = title_at.find(text);
      if (title == title_at.end()) {
        if (s.titles.size() + text.size() + 1 > UINT32_MAX) {
          throw DbError("tile snapshot: titles beyond 4 GB");
        }
        const auto at = static_cast<std::uint32_t>(s.titles.size());
        s.titles.append(text).push_back('\0');
        title = title_at.insert(at).first;
      }
      s.title.push_back(*title);
      s.precision.push_back(code_of(vocabulary::kLocationPrecisions, r[14].c_str()));
      if (!r[15].is_null()) {
        s.footprints.push_back(index);
        s.footprint_boxes.push_back({float_down(r[15].as<double>()), float_down(r[16].as<double>()),
                                     float_up(r[17].as<double>()), float_up(r[18].as<double>())});
      }
    }
  }
  tx.exec("CLOSE tile_snapshot");
  TitleSet{}.swap(title_at);  // not beside the sort's buffers
  s.titles.shrink_to_fit();
  sort_by_z_order(s);
  return s;
}

bool SnapshotFilter::keeps(const OpportunitySnapshot& s, std::size_t i) const {
  if (!(visibilities >> s.visibility[i] & 1u)) return false;
  if (!(kinds >> s.kind[i] & 1u) || !(statuses >> s.status[i] & 1u)) return false;
  if (tenures && !(tenures & s.tenure_list(i).mask)) return false;
  if (verified_before && !(s.verified[i] < *verified_before)) return false;
  if (available_before && s.available_from[i] != OpportunitySnapshot::kNoDate &&
      s.available_from[i] > *available_before) {
    return false;
  }
  // NaN (no value) fails every comparison, as NULL does in SQL.
  if (surface_min && !(s.surface(i) >= *surface_min)) return false;
  if (surface_max && !below(s.surface(i), *surface_max, true)) return false;
  if (rent_max && !below(s.number(OpportunitySnapshot::rent, i), *rent_max, true)) return false;
  if (price_max && !below(s.number(OpportunitySnapshot::price, i), *price_max, true)) return false;
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

std::size_t rows_in_box(const OpportunitySnapshot& s, Role role, const std::array<double, 4>& box,
                        std::size_t enough) {
  const std::uint32_t visibilities =
      mask_of(vocabulary::kVisibilities, readable_visibilities(role));
  // The float boxes PostGIS's && compares, the box's and each point's, so
  // that a point on an edge counts as SQL counts it.
  const float xmin = float_down(box[0]), ymin = float_down(box[1]);
  const float xmax = float_up(box[2]), ymax = float_up(box[3]);
  auto inside = [&](std::size_t i) {
    const double lon = s.lon(i), lat = s.lat(i);
    return float_down(lon) <= xmax && float_up(lon) >= xmin && float_down(lat) <= ymax &&
           float_up(lat) >= ymin;
  };
  std::size_t n = 0;
  // The box lies in at most 2 × 2 aligned squares of the Z-order curve at
  // least as wide as it, each one contiguous range of the snapshot.
  const WorldPoint top_left = world_point(xmin, ymax), bottom_right = world_point(xmax, ymin);
  const std::uint32_t side =
      std::max(bottom_right.x - top_left.x, bottom_right.y - top_left.y) | 1u;
  const int shift = std::min(31, static_cast<int>(std::bit_width(side)));
  for (std::uint64_t ty = top_left.y >> shift; ty <= bottom_right.y >> shift; ++ty) {
    for (std::uint64_t tx = top_left.x >> shift; tx <= bottom_right.x >> shift; ++tx) {
      const std::uint64_t x0 = tx << shift, y0 = ty << shift,
                          last = (std::uint64_t{1} << shift) - 1;
      const auto [begin, end] = code_range(
          s, z_order(static_cast<std::uint32_t>(x0), static_cast<std::uint32_t>(y0)),
          z_order(static_cast<std::uint32_t>(x0 + last), static_cast<std::uint32_t>(y0 + last)), 0,
          s.size());
      for (std::size_t i = begin; i < end && n <= enough; ++i) {
        if ((visibilities >> s.visibility[i] & 1u) && inside(i)) ++n;
      }
    }
  }
  for (std::size_t f = 0; f < s.footprints.size() && n <= enough; ++f) {
    const std::size_t i = s.footprints[f];
    const auto& b = s.footprint_boxes[f];
    if ((visibilities >> s.visibility[i] & 1u) && !inside(i) && b[0] <= xmax && b[2] >= xmin &&
        b[1] <= ymax && b[3] >= ymin) {
      ++n;
    }
  }
  return n;
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
  const auto [begin, end] = code_range(s, lo, hi, 0, s.size());
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
    if (const double built = s.number(OpportunitySnapshot::built, i); !std::isnan(built)) {
      c.built_sum += built;
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
