#include "matching/engine.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>

#include "core/error.hpp"
#include "core/huge_pages.hpp"
#include "core/vocabulary.hpp"
#include "geo/geos.hpp"
#include "matching/area_cells.hpp"
#include "matching/distance.hpp"
#include "matching/point_grid.hpp"
#include "matching/rules.hpp"

namespace terrier::matching {
namespace {

constexpr double kMetresPerDegree = 111320;

// A polygonal area laid over the grid; shared by the needs of a territory
// and by the threads (read-only once built).
struct Area {
  std::string wkb;
  std::vector<CellSpan> spans;
};

// What the candidate loop reads of an opportunity, in grid order.
struct Hot {
  double lon = 0, lat = 0;
  std::optional<double> surface;  // judged_surface
  std::optional<Day> available_from, available_until;
  std::optional<double> price, rent;
  std::uint32_t tenures = 0;      // bits of Index::tenures; 0: not known
  bool costs_bounded = true;      // no negative price or rent: the budget component is at most 1
  std::uint32_t opportunity = 0;  // index in opportunities_
};

// Best score first, then reliability; ids break ties so the order is stable.
bool ranks_before(const Match& a, const Match& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.reliability != b.reliability) return a.reliability > b.reliability;
  if (a.opportunity_id != b.opportunity_id) return a.opportunity_id < b.opportunity_id;
  return a.need_id < b.need_id;
}

double reference_distance(const Need& need, double lon, double lat, bool approx) {
  double from_lon = need.place_lon ? *need.place_lon : need.center_lon;
  double from_lat = need.place_lat ? *need.place_lat : need.center_lat;
  return approx ? approx_distance_m(from_lon, from_lat, lon, lat)
                : geodesic_distance_m(from_lon, from_lat, lon, lat);
}

// Whether the approximate distance may rank the need's candidates (its error
// is bounded up to that range).
bool ranks_on_approx(const Need& need, const MatchConfig& config) {
  return distance_scale_m(need, config) <= kApproxDistanceRange / 3 &&
         (need.area != AreaKind::radius || need.radius_m <= kApproxDistanceRange / 3);
}

}  // namespace

// Exact point-in-area tests, with one GEOS context: one per thread.
struct MatchEngine::Tester {
  geo::GeosContext ctx;
  std::unordered_map<const Area*, std::pair<std::unique_ptr<geo::GeosGeometry>,
                                            std::unique_ptr<geo::GeosPrepared>>>
      prepared;

  const geo::GeosPrepared& prepare(const Area& area) {
    auto& slot = prepared[&area];
    if (!slot.second) {
      slot.first = std::make_unique<geo::GeosGeometry>(ctx.from_wkb(area.wkb));
      slot.second = std::make_unique<geo::GeosPrepared>(*slot.first);
    }
    return *slot.second;
  }
  bool contains(const Area& area, double lon, double lat) {
    return prepare(area).intersects(ctx.point(lon, lat));
  }
};

struct MatchEngine::Index {
  PointGrid grid;
  std::vector<Hot> hot;  // grid order
  std::unordered_map<std::string, std::uint8_t> kinds;
  std::unordered_map<std::string, std::uint32_t> tenures;  // a bit each
  std::uint32_t sale_bits = 0;                             // the purchases'

  std::uint32_t tenure_bits(const std::vector<std::string>& names) const {
    std::uint32_t bits = 0;
    for (const auto& t : names) {
      if (auto it = tenures.find(t); it != tenures.end()) bits |= it->second;
    }
    return bits;
  }
  std::mutex areas_mutex;
  std::unordered_map<std::string, std::unique_ptr<Area>> areas;

  const Area& area(const std::string& wkb, Tester& tester) {
    std::lock_guard lock(areas_mutex);
    auto& slot = areas[wkb];
    if (!slot) {
      auto built = std::make_unique<Area>();
      built->wkb = wkb;
      const auto& prepared = tester.prepare(*built);
      built->spans = area_cells(grid, tester.ctx, *tester.prepared[built.get()].first, prepared);
      slot = std::move(built);
    }
    return *slot;
  }

  std::vector<std::uint8_t> kinds_of(const Need& need) const {
    std::vector<std::uint8_t> out;
    if (need.kinds_wanted.empty()) {
      for (const auto& [name, id] : kinds) out.push_back(id);
    }
    for (const auto& k : need.kinds_wanted) {
      auto it = kinds.find(k);
      if (it != kinds.end() && std::find(out.begin(), out.end(), it->second) == out.end()) {
        out.push_back(it->second);
      }
    }
    return out;
  }

  // Calls visit(hot) for each available opportunity of a wanted kind in the
  // need's area whose surface and dates pass: the rules that cost a
  // comparison go before the area test.
  // For a polygonal area, `part` restricts the visit to the cells of `near`
  // or to the others.
  enum class Part { all, near, far };
  template <typename Visit>
  void each_candidate(const Need& need, const MatchConfig& config, Tester& tester, Visit&& visit,
                      Part part = Part::all, CellBox near = {}) {
    const SurfaceRange surfaces =
        accepted_surfaces(need);  // (clang 14 cannot capture a structured binding)
    const double lo = surfaces.lo, hi = surfaces.hi;
    // The tenures the need accepts (all when it names none), and whether a
    // sale or a lease within its budget is still possible: choose_tenure's
    // refusal, on bits.
    std::uint32_t accepted =
        need.tenures_accepted.empty() ? ~0u : tenure_bits(need.tenures_accepted);
    auto within = [](const std::optional<double>& cost, const std::optional<double>& budget) {
      return !cost || !budget || *cost <= *budget;
    };
    auto tenure_possible = [&](const Hot& o) {
      if (!o.tenures) return true;
      std::uint32_t common = o.tenures & accepted;
      return ((common & sale_bits) && within(o.price, need.price_max_eur)) ||
             ((common & ~sale_bits) && within(o.rent, need.rent_max_eur_month));
    };
    auto cheap_rules = [&](const Hot& o) {
      return (!o.surface || (*o.surface >= lo && *o.surface <= hi)) && tenure_possible(o) &&
             dates_allow(need, o.available_from, o.available_until, config);
    };
    const auto wanted = kinds_of(need);
    auto each_in = [&](int row, int col0, int col1, auto&& test) {
      for (std::uint8_t kind : wanted) {
        for (auto pos = grid.first(kind, row, col0), end = grid.first(kind, row, col1); pos < end;
             ++pos) {
          const Hot& o = hot[pos];
          if (cheap_rules(o) && test(o)) visit(o);
        }
      }
    };
    if (need.area == AreaKind::radius) {
      double r = need.radius_m;
      double dlat = r / kMetresPerDegree * 1.01;
      double dlon = dlat / std::max(0.01, std::cos(need.center_lat * M_PI / 180));
      CellBox box = grid.cells_of(need.center_lon - dlon, need.center_lat - dlat,
                                  need.center_lon + dlon, need.center_lat + dlat);
      bool approx = r <= kApproxDistanceRange / 3;
      auto in_radius = [&](const Hot& o) {
        if (!approx)
          return geodesic_distance_m(need.center_lon, need.center_lat, o.lon, o.lat) <= r;
        double d = approx_distance_m(need.center_lon, need.center_lat, o.lon, o.lat);
        if (d > r * (1 + 2 * kApproxDistanceError)) return false;
        if (d < r * (1 - 2 * kApproxDistanceError)) return true;
        return geodesic_distance_m(need.center_lon, need.center_lat, o.lon, o.lat) <= r;
      };
      for (int row = box.row0; row < box.row1; ++row) each_in(row, box.col0, box.col1, in_radius);
      return;
    }
    const Area& a = area(need.area_wkb, tester);
    auto test_boundary = [&](const Hot& o) { return tester.contains(a, o.lon, o.lat); };
    auto visit_cells = [&](const CellSpan& span, int col0, int col1) {
      if (col0 >= col1) return;
      if (span.boundary) {
        each_in(span.row, col0, col1, test_boundary);
      } else {
        each_in(span.row, col0, col1, [](const Hot&) { return true; });
      }
    };
    for (const CellSpan& span : a.spans) {
      bool row_near = span.row >= near.row0 && span.row < near.row1;
      int col0 = row_near ? std::max(span.col0, near.col0) : span.col1;
      int col1 = row_near ? std::min(span.col1, near.col1) : span.col1;
      if (col0 >= col1) col0 = col1 = span.col1;  // no cell of the span is near
      if (part == Part::all) {
        visit_cells(span, span.col0, span.col1);
      } else if (part == Part::near) {
        visit_cells(span, col0, col1);
      } else {
        visit_cells(span, span.col0, col0);
        visit_cells(span, col1, span.col1);
      }
    }
  }

  // The cells within `metres` of a point (a box a little larger).
  CellBox cells_around(double lon, double lat, double metres) const {
    double dlat = metres / kMetresPerDegree * 1.02;
    double dlon = dlat / std::max(0.01, std::cos(lat * M_PI / 180));
    return grid.cells_of(lon - dlon, lat - dlat, lon + dlon, lat + dlat);
  }
};

MatchEngine::MatchEngine(std::vector<Opportunity> opportunities, MatchConfig config)
    : opportunities_(std::move(opportunities)),
      config_(config),
      index_(std::make_unique<Index>()),
      tester_(std::make_unique<Tester>()) {
  config_.validate();
  std::vector<double> lon, lat;
  std::vector<std::uint8_t> kind;
  std::vector<std::uint32_t> available;
  reserve_in_huge_pages(lon, opportunities_.size());
  reserve_in_huge_pages(lat, opportunities_.size());
  reserve_in_huge_pages(available, opportunities_.size());
  for (std::size_t i = 0; i < opportunities_.size(); ++i) {
    const Opportunity& o = opportunities_[i];
    if (o.status != vocabulary::kAvailable) continue;  // may_match refuses the others
    auto [it, added] =
        index_->kinds.emplace(o.kind, static_cast<std::uint8_t>(index_->kinds.size()));
    if (added && index_->kinds.size() > 250)
      throw Error("matching: more than 250 opportunity kinds");
    for (const auto& t : o.tenures) {
      if (index_->tenures.count(t)) continue;
      if (index_->tenures.size() == 32) throw Error("matching: more than 32 tenures");
      std::uint32_t bit = 1u << index_->tenures.size();
      index_->tenures.emplace(t, bit);
      if (is_purchase(t)) index_->sale_bits |= bit;
    }
    available.push_back(static_cast<std::uint32_t>(i));
    lon.push_back(o.lon);
    lat.push_back(o.lat);
    kind.push_back(it->second);
  }
  index_->grid = PointGrid(lon, lat, kind, static_cast<int>(index_->kinds.size()));
  reserve_in_huge_pages(index_->hot, available.size());
  index_->hot.resize(available.size());
  for (std::uint32_t pos = 0; pos < available.size(); ++pos) {
    const Opportunity& o = opportunities_[available[index_->grid.order(pos)]];
    index_->hot[pos] = {o.lon,
                        o.lat,
                        judged_surface(o),
                        o.available_from,
                        o.available_until,
                        o.price_eur,
                        o.rent_eur_month,
                        index_->tenure_bits(o.tenures),
                        o.price_eur.value_or(0) >= 0 && o.rent_eur_month.value_or(0) >= 0,
                        available[index_->grid.order(pos)]};
  }
}

MatchEngine::~MatchEngine() = default;

bool MatchEngine::in_area(const Need& need, double lon, double lat) const {
  if (need.area == AreaKind::radius) {
    return geodesic_distance_m(need.center_lon, need.center_lat, lon, lat) <= need.radius_m;
  }
  return tester_->contains(index_->area(need.area_wkb, *tester_), lon, lat);
}

void sort_matches(std::vector<Match>& matches) {
  std::sort(matches.begin(), matches.end(), ranks_before);
}

std::vector<Match> MatchEngine::matches_for_need(const Need& need) const {
  std::vector<Match> out;
  if (need.status != "active") return out;
  index_->each_candidate(need, config_, *tester_, [&](const Hot& o) {
    const Opportunity& opp = opportunities_[o.opportunity];
    if (auto m = score_pair(need, opp, reference_distance(need, o.lon, o.lat, false), config_)) {
      out.push_back(std::move(*m));
    }
  });
  sort_matches(out);
  return out;
}

std::vector<Match> MatchEngine::top_for_need(const Need& need, std::size_t k) const {
  return top_for_need(need, k, *tester_);
}

std::vector<Match> MatchEngine::top_for_need(const Need& need, std::size_t k,
                                             Tester& tester) const {
  if (need.status != "active") return {};
  // Rank every candidate on its score alone, with the approximate distance
  // when it is close enough; the French reasons are written for the k kept.
  bool approx = ranks_on_approx(need, config_);
  struct Ranked {
    double score, reliability;
    long long id;
    std::uint32_t opportunity;
  };
  auto rank = [&](std::uint32_t i, double d) -> std::optional<Ranked> {
    // The index holds what may_match accepts: available, of a wanted kind.
    auto m = score_pair(need, opportunities_[i], d, config_, /*with_reasons=*/false);
    if (!m) return std::nullopt;
    return Ranked{m->score, m->reliability, m->opportunity_id, i};
  };
  std::size_t wanted = k ? k : config_.top_k;
  // An approximate score is within `error` of the exact one.
  double total = config_.weight_surface + config_.weight_distance + config_.weight_budget +
                 config_.weight_tenure + config_.weight_timing;
  double error = 100 * config_.weight_distance / total * kApproxDistanceError * 1.01 + 0.01;
  std::vector<Ranked> ranked;
  // The k best approximate scores so far (a min-heap). A candidate whose
  // score, with the best tenure and budget, stays more than 2·error below
  // the k-th cannot be in the top k: it is not scored.
  std::priority_queue<double, std::vector<double>, std::greater<>> best;
  auto collect = [&](const Hot& o) {
    double d = reference_distance(need, o.lon, o.lat, approx);
    if (approx && best.size() == wanted && o.costs_bounded) {
      Components bound{o.surface ? surface_component(need, *o.surface) : 0.5,
                       distance_component(need, d, config_), 1, 1,
                       timing_component(need, o.available_from, config_)};
      if (weighted_score(bound, config_) + 0.01 < best.top() - 2 * error) return;
    }
    if (auto r = rank(o.opportunity, d)) {
      ranked.push_back(*r);
      if (!approx || wanted == 0) return;
      best.push(r->score);
      if (best.size() > wanted) best.pop();
    }
  };
  auto kth_score = [&] {
    std::nth_element(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(wanted - 1),
                     ranked.end(),
                     [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
    return ranked[wanted - 1].score;
  };
  if (approx && need.area != AreaKind::radius) {
    // A territory is large and its distance component is 0 beyond the
    // scale: rank the candidates within the scale first; when k of them
    // score more than a distant one can, the distant ones are not visited.
    double ref_lon = need.place_lon ? *need.place_lon : need.center_lon;
    double ref_lat = need.place_lat ? *need.place_lat : need.center_lat;
    CellBox near = index_->cells_around(ref_lon, ref_lat, distance_scale_m(need, config_));
    index_->each_candidate(need, config_, tester, collect, Index::Part::near, near);
    double distant_best = 100 * (total - config_.weight_distance) / total;
    if (ranked.size() < wanted || kth_score() - 2 * error <= distant_best) {
      index_->each_candidate(need, config_, tester, collect, Index::Part::far, near);
    }
  } else {
    index_->each_candidate(need, config_, tester, collect);
  }
  std::size_t keep = std::min(ranked.size(), wanted);
  auto before = [](const Ranked& a, const Ranked& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.reliability != b.reliability) return a.reliability > b.reliability;
    return a.id < b.id;
  };
  if (approx && ranked.size() > keep && keep > 0) {
    // A candidate more than twice `error` below the k-th approximate score
    // cannot be in the exact top k.
    double floor = kth_score() - 2 * error;
    ranked.erase(std::remove_if(ranked.begin(), ranked.end(),
                                [&](const Ranked& r) { return r.score < floor; }),
                 ranked.end());
  }
  auto exact_distance = [&](std::uint32_t i) {
    return reference_distance(need, opportunities_[i].lon, opportunities_[i].lat, false);
  };
  if (approx) {  // the candidates left are scored again with the geodesic
    for (auto& r : ranked) r = *rank(r.opportunity, exact_distance(r.opportunity));
  }
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep),
                    ranked.end(), before);
  std::vector<Match> out;
  out.reserve(keep);
  for (std::size_t j = 0; j < keep; ++j) {
    auto i = ranked[j].opportunity;
    out.push_back(*score_pair(need, opportunities_[i], exact_distance(i), config_));
  }
  return out;
}

std::vector<std::vector<Match>> MatchEngine::top_for_needs(const std::vector<Need>& needs,
                                                           std::size_t k, unsigned threads) const {
  std::vector<std::vector<Match>> out(needs.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads =
      static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(needs.size(), 1)));
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    try {
      Tester tester;
      for (std::size_t i; (i = next++) < needs.size();) out[i] = top_for_need(needs[i], k, tester);
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = needs.size();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  return out;
}

std::vector<Match> MatchEngine::top_for_opportunity(const Opportunity& opp,
                                                    const std::vector<Need>& needs,
                                                    std::size_t k) const {
  std::vector<Match> out;
  for (const Need& need : needs) {
    if (need.status != "active" || !in_area(need, opp.lon, opp.lat)) continue;
    if (auto m = evaluate(need, opp, reference_distance(need, opp.lon, opp.lat, false), config_)) {
      out.push_back(std::move(*m));
    }
  }
  sort_matches(out);
  out.resize(std::min(out.size(), k ? k : config_.top_k));
  return out;
}

}  // namespace terrier::matching
