#include "db/dashboard_store.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "core/text.hpp"
#include "core/vocabulary.hpp"
#include "db/feature_sql.hpp"

namespace terrier::db {

namespace {

using nlohmann::ordered_json;

// Every value of a vocabulary at 0, in its order, then the counts read.
ordered_json counts(vocabulary::Values values, const pqxx::result& rows) {
  ordered_json out = ordered_json::object();
  for (auto v : values) out[std::string(v)] = 0;
  for (const auto& row : rows) out[row[0].as<std::string>()] = row[1].as<long long>();
  return out;
}

// The territory's outline, as a scalar subquery over $1 (the slug).
constexpr const char* kArea = "(SELECT geom FROM territories WHERE slug = $1)";

// The surface a building offers, as the items' surface filter reads it:
// land for a terrain or a friche, else built.
constexpr const char* kSurface =
    "(CASE WHEN o.kind IN ('terrain', 'friche') THEN o.land_surface_m2 ELSE o.built_surface_m2 "
    "END)";

// The matches the follow-up board shows ($2 the visibilities): still valid,
// or given a status by someone; their building in the territory.
constexpr const char* kMatchesInArea =
    " FROM matches m JOIN opportunities o ON o.id = m.opportunity_id "
    "WHERE o.visibility = ANY($2::text[]) AND (m.still_valid OR m.status <> 'proposé') "
    "AND ST_Intersects(o.point, (SELECT geom FROM territories WHERE slug = $1)) ";

}  // namespace

std::optional<std::string> dashboard(pqxx::connection_base& conn, const std::string& slug,
                                     Role role, int reverify_months) {
  pqxx::read_transaction r(conn);
  if (r.exec_params("SELECT 1 FROM territories WHERE slug = $1", slug).empty()) {
    return std::nullopt;
  }
  const std::string visibilities = text::pg_array_literal(readable_visibilities(role));
  const std::string opportunities = fmt::format(
      " FROM opportunities o WHERE o.visibility = ANY($2::text[]) "
      "AND ST_Intersects(o.point, {}) ",
      kArea);
  ordered_json out;
  out["territory"] = slug;
  out["opportunities"]["by_status"] =
      counts(vocabulary::kOpportunityStatuses,
             r.exec_params("SELECT o.status::text, count(*)" + opportunities + "GROUP BY 1", slug,
                           visibilities));
  out["opportunities"]["by_kind"] =
      counts(vocabulary::kOpportunityKinds,
             r.exec_params("SELECT o.kind::text, count(*)" + opportunities + "GROUP BY 1", slug,
                           visibilities));
  // A need lies where the items' territory filter puts it.
  const feature_sql::Sql needs = feature_sql::sql_for(Collection::needs, role);
  out["needs"]["by_status"] =
      counts(vocabulary::kNeedStatuses,
             r.exec_params(fmt::format("SELECT o.status::text, count(*) FROM needs o "
                                       "WHERE ST_Intersects({}, {}) GROUP BY 1",
                                       needs.point, kArea),
                           slug));
  out["to_reverify"] = r.exec_params1("SELECT count(*)" + opportunities + "AND " +
                                          feature_sql::to_reverify_sql(reverify_months),
                                      slug, visibilities)[0]
                           .as<long long>();
  if (!may_read_followup(role)) {
    out["matches"] = nullptr;
    out["surface_found_m2"] = nullptr;
    out["median_days_proposed_to_agreement"] = nullptr;
    return out.dump();
  }
  out["matches"]["by_stage"] = counts(
      vocabulary::kMatchStatuses,
      r.exec_params(std::string("SELECT m.status::text, count(*)") + kMatchesInArea + "GROUP BY 1",
                    slug, visibilities));
  // Each building once, however many of its matches are at "accord".
  const std::string agreed = std::string(kMatchesInArea) + "AND m.status = 'accord'";
  auto surface = r.exec_params1(
      fmt::format("SELECT sum({}) FROM opportunities o WHERE o.id IN (SELECT o.id{})", kSurface,
                  agreed),
      slug, visibilities);
  out["surface_found_m2"] = surface[0].is_null() ? 0.0 : surface[0].as<double>();
  // From the pair's first proposal to the first time the follow-up set it
  // to "accord" (audit_log), in days to the tenth.
  auto median = r.exec_params1(
      "SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM agreed_at - "
      "proposed_at)::float8 / 86400))::numeric, 1) FROM (SELECT m.first_computed_at AS "
      "proposed_at, "
      "coalesce((SELECT min(a.at) FROM audit_log a WHERE a.entity = 'match' AND a.entity_id = "
      "m.id AND a.after->>'status' = 'accord'), m.status_changed_at) AS agreed_at" +
          agreed + ") t",
      slug, visibilities);
  out["median_days_proposed_to_agreement"] =
      median[0].is_null() ? ordered_json() : ordered_json(median[0].as<double>());
  return out.dump();
}

}  // namespace terrier::db
