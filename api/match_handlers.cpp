#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/export.hpp"
#include "api/handlers.hpp"
#include "api/match_service.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "db/feature_store.hpp"
#include "db/match_store.hpp"
#include "matching/assignment.hpp"
#include "matching/engine.hpp"

namespace terrier::api {

Response need_matches(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto conn = pool.acquire();
  auto doc = db::need_matches(*conn, id_or_404(ctx.segments[2], "need"), ctx.role);
  if (!doc) throw not_found(fmt::format("no need '{}'", ctx.segments[2]));
  return json_response(*doc, "application/geo+json");
}

Response opportunity_matches(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto conn = pool.acquire();
  auto doc = db::opportunity_matches(*conn, id_or_404(ctx.segments[2], "opportunity"), ctx.role);
  if (!doc) throw not_found(fmt::format("no opportunity '{}'", ctx.segments[2]));
  return json_response(*doc, "application/geo+json");
}

// A territory's map for circle animators (their own circle) and foundations.
Response export_territory(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  const std::string& slug = ctx.segments[2];
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "exports need a token");
  if (!may_export_territory(ctx.role, ctx.territory, slug)) {
    throw Problem(
        403, "Forbidden",
        ctx.role == Role::animator
            ? fmt::format("an animator exports its own circle ({})", ctx.territory.value_or("none"))
            : std::string("members do not export; ask your circle's animator"));
  }
  ExportRequest request = parse_export_params(slug, ctx.params, config.limits);
  request.role = ctx.role;
  request.link_base = ctx.base_url;
  auto conn = pool.acquire();
  db::MatchStore store(*conn);
  if (!store.territory_exists(slug)) throw not_found(fmt::format("no territory '{}'", slug));
  // The extension matters to GDAL's drivers (CSV makes a folder without it).
  std::string suffix = "." + request.format;
  std::string tmpl =
      (std::filesystem::temp_directory_path() / ("terrier-download-XXXXXX" + suffix)).string();
  int fd = mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw Error("cannot create a temporary file for the export");
  close(fd);
  write_export(*conn, request, tmpl);
  Response r;
  r.content_type = export_content_type(request.format);
  r.file = tmpl;
  r.headers.emplace_back("Content-Disposition",
                         fmt::format("attachment; filename=\"{}\"", export_file_name(request)));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response assignment(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  // A whole territory's assignment costs CPU: the network's roles only.
  if (ctx.role == Role::anonymous)
    throw Problem(401, "Unauthorized", "the assignment needs a token");
  const std::string territory = parse_assignment_params(ctx.params).territory;
  auto conn = pool.acquire();
  db::MatchStore store(*conn);
  if (!store.territory_exists(territory)) {
    throw bad_request(fmt::format("territory: no territory has the slug '{}'", territory));
  }
  MatchService service(store, config.matching);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : service.assignment(territory, readable_visibilities(ctx.role))) {
    out.push_back({{"need_id", m.need_id},
                   {"opportunity_id", m.opportunity_id},
                   {"score", m.score},
                   {"reliability", m.reliability},
                   {"reasons", m.reasons}});
  }
  return json_response(nlohmann::json{{"territory", territory}, {"assignment", out}}.dump());
}

}  // namespace terrier::api
