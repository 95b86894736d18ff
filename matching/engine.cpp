#include "matching/engine.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "geo/geos.hpp"
#include "matching/rules.hpp"

namespace terrier::matching {
namespace {

constexpr double kMetresPerDegree = 111320;

GEOSContextHandle_t h(const geo::GeosContext& ctx) {
  return static_cast<GEOSContextHandle_t>(ctx.handle());
}

// An STRtree of item indices; the geometries giving the envelopes are kept.
class StrTree {
 public:
  explicit StrTree(const geo::GeosContext& ctx)
      : ctx_(ctx), tree_(GEOSSTRtree_create_r(h(ctx), 10)) {
    if (!tree_) throw GeometryError("cannot create an STRtree");
  }
  ~StrTree() { GEOSSTRtree_destroy_r(h(ctx_), tree_); }
  StrTree(const StrTree&) = delete;
  StrTree& operator=(const StrTree&) = delete;

  void insert(geo::GeosGeometry envelope, std::size_t item) {
    GEOSSTRtree_insert_r(h(ctx_), tree_, static_cast<GEOSGeometry*>(envelope.handle()),
                         reinterpret_cast<void*>(item));
    envelopes_.push_back(std::move(envelope));
  }

  std::vector<std::size_t> query(const geo::GeosGeometry& envelope) const {
    std::vector<std::size_t> out;
    GEOSSTRtree_query_r(
        h(ctx_), tree_, static_cast<const GEOSGeometry*>(envelope.handle()),
        [](void* item, void* user) {
          static_cast<std::vector<std::size_t>*>(user)->push_back(reinterpret_cast<std::size_t>(item));
        },
        &out);
    return out;
  }

 private:
  const geo::GeosContext& ctx_;
  GEOSSTRtree* tree_;
  std::vector<geo::GeosGeometry> envelopes_;
};

geo::GeosGeometry box(const geo::GeosContext& ctx, double minx, double miny, double maxx,
                      double maxy) {
  GEOSGeometry* g = GEOSGeom_createRectangle_r(h(ctx), minx, miny, maxx, maxy);
  if (!g) throw GeometryError("cannot create a rectangle");
  return geo::GeosGeometry(ctx, g);
}

}  // namespace

struct MatchEngine::Index {
  geo::GeosContext ctx;
  StrTree opportunities{ctx};
  // Prepared area polygons, shared by the needs of the same territory.
  mutable std::map<std::string, std::pair<std::unique_ptr<geo::GeosGeometry>,
                                          std::unique_ptr<geo::GeosPrepared>>>
      areas;

  const geo::GeosPrepared& prepared(const std::string& wkb) const {
    auto& slot = areas[wkb];
    if (!slot.second) {
      slot.first = std::make_unique<geo::GeosGeometry>(ctx.from_wkb(wkb));
      slot.second = std::make_unique<geo::GeosPrepared>(*slot.first);
    }
    return *slot.second;
  }

  // The bounding box of a need's area.
  geo::GeosGeometry area_box(const Need& need) const {
    if (need.area == AreaKind::radius) {
      double dlat = need.radius_m / kMetresPerDegree * 1.01;
      double dlon = dlat / std::max(0.01, std::cos(need.center_lat * M_PI / 180));
      return box(ctx, need.center_lon - dlon, need.center_lat - dlat, need.center_lon + dlon,
                 need.center_lat + dlat);
    }
    auto g = ctx.from_wkb(need.area_wkb);
    GEOSGeometry* env = GEOSEnvelope_r(h(ctx), static_cast<GEOSGeometry*>(g.handle()));
    if (!env) throw GeometryError("cannot compute an envelope");
    return geo::GeosGeometry(ctx, env);
  }
};

MatchEngine::MatchEngine(std::vector<Opportunity> opportunities, MatchConfig config)
    : opportunities_(std::move(opportunities)), config_(config), index_(std::make_unique<Index>()) {
  config_.validate();
  for (std::size_t i = 0; i < opportunities_.size(); ++i) {
    index_->opportunities.insert(index_->ctx.point(opportunities_[i].lon, opportunities_[i].lat), i);
  }
}

MatchEngine::~MatchEngine() = default;

bool MatchEngine::in_area(const Need& need, double lon, double lat) const {
  if (need.area == AreaKind::radius) {
    return geodesic_distance_m(need.center_lon, need.center_lat, lon, lat) <= need.radius_m;
  }
  return index_->prepared(need.area_wkb).intersects(index_->ctx.point(lon, lat));
}

namespace {
double reference_distance(const Need& need, const Opportunity& opp) {
  double lon = need.place_lon ? *need.place_lon : need.center_lon;
  double lat = need.place_lat ? *need.place_lat : need.center_lat;
  return geodesic_distance_m(lon, lat, opp.lon, opp.lat);
}
}  // namespace

namespace {
// Best score first, then reliability; ids break ties so the order is stable.
bool ranks_before(const Match& a, const Match& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.reliability != b.reliability) return a.reliability > b.reliability;
  if (a.opportunity_id != b.opportunity_id) return a.opportunity_id < b.opportunity_id;
  return a.need_id < b.need_id;
}
}  // namespace

void sort_matches(std::vector<Match>& matches) { std::sort(matches.begin(), matches.end(), ranks_before); }

std::vector<Match> MatchEngine::matches_for_need(const Need& need) const {
  std::vector<Match> out;
  if (need.status != "active") return out;
  for (std::size_t i : index_->opportunities.query(index_->area_box(need))) {
    const Opportunity& opp = opportunities_[i];
    // The attribute rules first: they cost a comparison, the area test a
    // geodesic or a point-in-polygon.
    if (!may_match(need, opp) || !in_area(need, opp.lon, opp.lat)) continue;
    if (auto m = evaluate(need, opp, reference_distance(need, opp), config_)) {
      out.push_back(std::move(*m));
    }
  }
  sort_matches(out);
  return out;
}

std::vector<Match> MatchEngine::top_for_need(const Need& need, std::size_t k) const {
  if (need.status != "active") return {};
  // Rank every candidate on its score alone, then write the reasons of the
  // k kept: formatting them for every candidate is wasted work.
  std::vector<std::pair<Match, std::size_t>> ranked;
  for (std::size_t i : index_->opportunities.query(index_->area_box(need))) {
    const Opportunity& opp = opportunities_[i];
    if (!may_match(need, opp) || !in_area(need, opp.lon, opp.lat)) continue;
    if (auto m = evaluate(need, opp, reference_distance(need, opp), config_, /*with_reasons=*/false)) {
      ranked.emplace_back(std::move(*m), i);
    }
  }
  std::size_t keep = std::min(ranked.size(), k ? k : config_.top_k);
  auto before = [](const auto& a, const auto& b) { return ranks_before(a.first, b.first); };
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end(), before);
  std::vector<Match> out;
  out.reserve(keep);
  for (std::size_t j = 0; j < keep; ++j) {
    const Opportunity& opp = opportunities_[ranked[j].second];
    out.push_back(*evaluate(need, opp, reference_distance(need, opp), config_));
  }
  return out;
}

std::vector<Match> MatchEngine::top_for_opportunity(const Opportunity& opp,
                                                    const std::vector<Need>& needs,
                                                    std::size_t k) const {
  StrTree tree(index_->ctx);
  for (std::size_t i = 0; i < needs.size(); ++i) tree.insert(index_->area_box(needs[i]), i);
  std::vector<Match> out;
  for (std::size_t i : tree.query(index_->ctx.point(opp.lon, opp.lat))) {
    const Need& need = needs[i];
    if (need.status != "active" || !in_area(need, opp.lon, opp.lat)) continue;
    if (auto m = evaluate(need, opp, reference_distance(need, opp), config_)) {
      out.push_back(std::move(*m));
    }
  }
  sort_matches(out);
  out.resize(std::min(out.size(), k ? k : config_.top_k));
  return out;
}

}  // namespace terrier::matching
