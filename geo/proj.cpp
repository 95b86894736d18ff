#include "geo/proj.hpp"

#include <fmt/core.h>
#include <geodesic.h>
#include <proj.h>

#include <cmath>

#include "core/error.hpp"

namespace terrier::geo {

double geodesic_distance_m(double lon1, double lat1, double lon2, double lat2) {
  static const geod_geodesic wgs84 = [] {
    geod_geodesic g{};
    geod_init(&g, 6378137.0, 1 / 298.257223563);
    return g;
  }();
  double s12 = 0;
  geod_inverse(&wgs84, lat1, lon1, lat2, lon2, &s12, nullptr, nullptr);
  return s12;
}

struct ProjTransform::Handles {
  PJ_CONTEXT* ctx = nullptr;
  PJ* pj = nullptr;
  ~Handles() {
    if (pj) proj_destroy(pj);
    if (ctx) proj_context_destroy(ctx);
  }
};

ProjTransform::ProjTransform(const std::string& from, const std::string& to)
    : handles_(std::make_unique<Handles>()), from_(from), to_(to) {
  handles_->ctx = proj_context_create();
  // PROJ must not go to the network for grids: this machine has none.
  proj_context_set_enable_network(handles_->ctx, 0);
  PJ* raw = proj_create_crs_to_crs(handles_->ctx, from.c_str(), to.c_str(), nullptr);
  if (!raw) {
    throw ProjectionError(fmt::format("cannot transform from {} to {}: {}", from, to,
                                      proj_context_errno_string(handles_->ctx,
                                                                proj_context_errno(handles_->ctx))));
  }
  handles_->pj = proj_normalize_for_visualization(handles_->ctx, raw);
  proj_destroy(raw);
  if (!handles_->pj) {
    throw ProjectionError(fmt::format("cannot normalise the axis order of {} -> {}", from, to));
  }
}

ProjTransform::~ProjTransform() = default;
ProjTransform::ProjTransform(ProjTransform&&) noexcept = default;
ProjTransform& ProjTransform::operator=(ProjTransform&&) noexcept = default;

XY ProjTransform::transform(XY in) const {
  PJ_COORD c = proj_coord(in.x, in.y, 0, 0);
  PJ_COORD out = proj_trans(handles_->pj, PJ_FWD, c);
  if (!std::isfinite(out.xy.x) || !std::isfinite(out.xy.y)) {
    throw ProjectionError(fmt::format("cannot transform ({}, {}) from {} to {}", in.x, in.y, from_,
                                      to_));
  }
  return {out.xy.x, out.xy.y};
}

}  // namespace terrier::geo
