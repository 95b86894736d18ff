#include "geo/proj.hpp"

#include <fmt/core.h>
#include <geodesic.h>
#include <proj.h>

#include <cmath>

#include "core/error.hpp"
#include "core/log.hpp"

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

namespace {
struct ContextFree {
  void operator()(PJ_CONTEXT* c) const noexcept { proj_context_destroy(c); }
};
struct PjFree {
  void operator()(PJ* p) const noexcept { proj_destroy(p); }
};
using ProjContext = std::unique_ptr<PJ_CONTEXT, ContextFree>;
using Pj = std::unique_ptr<PJ, PjFree>;

// PROJ's messages go to Terrier's log, not to stderr.
void route_proj_log(void*, int level, const char* message) {
  if (level <= PJ_LOG_ERROR) {
    log::debug("PROJ error: {}", message);
  } else {
    log::debug("PROJ: {}", message);
  }
}
}  // namespace

struct ProjTransform::Handles {
  ProjContext ctx;  // declared first: destroyed after pj
  Pj pj;
};

ProjTransform::ProjTransform(const std::string& from, const std::string& to)
    : handles_(std::make_unique<Handles>()), from_(from), to_(to) {
  handles_->ctx.reset(proj_context_create());
  PJ_CONTEXT* ctx = handles_->ctx.get();
  proj_log_func(ctx, nullptr, route_proj_log);
  // PROJ must not go to the network for grids: this machine has none.
  proj_context_set_enable_network(ctx, 0);
  Pj raw(proj_create_crs_to_crs(ctx, from.c_str(), to.c_str(), nullptr));
  if (!raw) {
    throw ProjectionError(fmt::format("cannot transform from {} to {}: {}", from, to,
                                      proj_context_errno_string(ctx, proj_context_errno(ctx))));
  }
  handles_->pj.reset(proj_normalize_for_visualization(ctx, raw.get()));
  if (!handles_->pj) {
    throw ProjectionError(fmt::format("cannot normalise the axis order of {} -> {}", from, to));
  }
}

ProjTransform::~ProjTransform() = default;
ProjTransform::ProjTransform(ProjTransform&&) noexcept = default;
ProjTransform& ProjTransform::operator=(ProjTransform&&) noexcept = default;

XY ProjTransform::transform(XY in) const {
  PJ_COORD c = proj_coord(in.x, in.y, 0, 0);
  PJ_COORD out = proj_trans(handles_->pj.get(), PJ_FWD, c);
  if (!std::isfinite(out.xy.x) || !std::isfinite(out.xy.y)) {
    throw ProjectionError(
        fmt::format("cannot transform ({}, {}) from {} to {}", in.x, in.y, from_, to_));
  }
  return {out.xy.x, out.xy.y};
}

}  // namespace terrier::geo
