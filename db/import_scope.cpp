// StagingStore's part for imports limited to a circle (a member's import,
// core/roles import_scope): which staged rows such an import may not write.

#include <fmt/core.h>

#include <pqxx/pqxx>

#include "core/text.hpp"
#include "db/staging_store.hpp"

namespace terrier::db {
namespace {

bool has_visibility(const TableSpec& spec) {
  for (const auto& c : spec.columns) {
    if (c.name == "visibility") return true;
  }
  return false;
}

// The point that stands for a row of `alias`: an opportunity's location, a
// need's search centre (or a point on its area).
std::string point_of(const TableSpec& spec, const std::string& alias) {
  if (spec.table == "needs") {
    return fmt::format(
        "coalesce({a}.search_center, ST_PointOnSurface(coalesce({a}.search_polygon, (SELECT "
        "g.geom FROM territories g WHERE g.id = {a}.search_territory_id))))",
        fmt::arg("a", alias));
  }
  return fmt::format("ST_PointOnSurface({}.geom)", alias);
}

// The person's circle (a token may name any territory, as for animators).
constexpr const char* kCircle = "(SELECT geom FROM territories WHERE slug = $1)";

}  // namespace

std::vector<OutOfScopeRow> StagingStore::drop_rows_out_of_scope(
    const TableSpec& spec, const std::string& slug, const std::vector<std::string>& visibilities) {
  pqxx::work& w = tx_.work();
  const std::string s = w.quote_name(tx_.stage_table());
  const std::string t = w.quote_name(spec.table);
  const std::string allowed = text::pg_array_literal(visibilities);
  std::vector<OutOfScopeRow> out;
  if (has_visibility(spec)) {
    for (const auto& r :
         w.exec_params(fmt::format("DELETE FROM {} s WHERE s.visibility IS NOT NULL AND NOT "
                                   "(s.visibility::text = ANY($1::text[])) RETURNING s.position, "
                                   "s.visibility::text",
                                   s),
                       allowed)) {
      out.push_back({r[0].as<std::size_t>(), "visibility", r[1].as<std::string>(),
                     OutOfScopeRow::Cause::visibility});
    }
  }
  for (const auto& r : w.exec_params(
           fmt::format("DELETE FROM {} s WHERE NOT coalesce(ST_Intersects({}, {}), false) "
                       "RETURNING s.position",
                       s, kCircle, point_of(spec, "s")),
           slug)) {
    out.push_back({r[0].as<std::size_t>(), "location", "", OutOfScopeRow::Cause::outside_circle});
  }
  // $2 is typed even for a table without visibility (never NULL: false).
  std::string hidden = has_visibility(spec) ? "NOT (t.visibility::text = ANY($2::text[])) OR "
                                            : "$2::text[] IS NULL OR ";
  std::string confidential =
      spec.private_table.empty()
          ? ""
          : fmt::format(" OR EXISTS (SELECT 1 FROM {} p WHERE p.{} = t.id)",
                        w.quote_name(spec.private_table), w.quote_name(spec.private_key));
  for (const auto& r : w.exec_params(
           fmt::format("DELETE FROM {s} s USING {t} t WHERE t.id = s.target_id "
                       "AND ({hidden}NOT coalesce(ST_Intersects({c}, {p}), false)"
                       "{conf}) RETURNING s.position, coalesce(s.external_id, '#' || t.id)",
                       fmt::arg("s", s), fmt::arg("t", t), fmt::arg("hidden", hidden),
                       fmt::arg("c", kCircle), fmt::arg("p", point_of(spec, "t")),
                       fmt::arg("conf", confidential)),
           slug, allowed)) {
    out.push_back({r[0].as<std::size_t>(), "external_id", r[1].as<std::string>(),
                   OutOfScopeRow::Cause::stored_row_out_of_reach});
  }
  return out;
}

bool StagingStore::readable_by(const TableSpec& spec, const std::string& source,
                               const std::string& external_id,
                               const std::vector<std::string>& visibilities) {
  if (!has_visibility(spec)) return true;
  pqxx::work& w = tx_.work();
  auto rows = w.exec_params(
      fmt::format("SELECT visibility::text = ANY($3::text[]) FROM {} WHERE source = $1 AND "
                  "external_id = $2",
                  w.quote_name(spec.table)),
      source, external_id, text::pg_array_literal(visibilities));
  return !rows.empty() && rows[0][0].as<bool>();
}

}  // namespace terrier::db
