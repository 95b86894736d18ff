#include "db/match_store.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "core/error.hpp"
#include "core/huge_pages.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "db/copy_reader.hpp"
#include "db/foreign_keys.hpp"
#include "db/select_list.hpp"

namespace terrier::db {
namespace {

std::vector<std::string> split_bar(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < s.size();) {
    auto bar = s.find('|', start);
    if (bar == std::string::npos) bar = s.size();
    out.push_back(s.substr(start, bar - start));
    start = bar + 1;
  }
  return out;
}

// libpqxx 6.4 reads a double through a stream, which is most of the cost of
// loading a million opportunities: from_chars reads PostgreSQL's output.
double number(const pqxx::field& f) {
  double v = 0;
  auto [end, ec] = std::from_chars(f.c_str(), f.c_str() + f.size(), v);
  if (ec != std::errc() || end != f.c_str() + f.size()) {
    throw DbError(fmt::format("column {}: '{}' is not a number", f.name(), f.c_str()));
  }
  return v;
}

template <typename T>
std::optional<T> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  if constexpr (std::is_same_v<T, double>) {
    return number(f);
  } else {
    return f.as<T>();
  }
}

// An opportunity as the matching engine reads it (without its title for
// the ranking, which streams every available one).
const SelectList& opportunity_columns() {
  static const SelectList list{{"id", "o.id"},
                               {"title", "o.title"},
                               {"kind", "o.kind"},
                               {"lon", "ST_X(o.point)"},
                               {"lat", "ST_Y(o.point)"},
                               {"location_precision", "o.location_precision"},
                               {"built_surface_m2", "o.built_surface_m2::float8"},
                               {"land_surface_m2", "o.land_surface_m2::float8"},
                               {"tenures", "array_to_string(o.tenures, '|')"},
                               {"price_eur", "o.price_eur::float8"},
                               {"rent_eur_month", "o.rent_eur_month::float8"},
                               {"available_from", "o.available_from - DATE '1970-01-01'"},
                               {"available_until", "o.available_until - DATE '1970-01-01'"},
                               {"status", "o.status"},
                               {"visibility", "o.visibility"}};
  return list;
}

const SelectList& ranking_columns() {
  static const SelectList list = opportunity_columns().without("title");
  return list;
}

matching::Opportunity opportunity_from(const pqxx::row& r) {
  const SelectList& c = opportunity_columns();
  auto f = [&](const char* name) { return r[static_cast<pqxx::row::size_type>(c[name])]; };
  matching::Opportunity o;
  o.id = f("id").as<long long>();
  o.title = f("title").as<std::string>();
  o.kind = f("kind").as<std::string>();
  o.lon = number(f("lon"));
  o.lat = number(f("lat"));
  o.precision = f("location_precision").as<std::string>();
  o.built_surface_m2 = opt<double>(f("built_surface_m2"));
  o.land_surface_m2 = opt<double>(f("land_surface_m2"));
  o.tenures = split_bar(f("tenures").as<std::string>());
  o.price_eur = opt<double>(f("price_eur"));
  o.rent_eur_month = opt<double>(f("rent_eur_month"));
  o.available_from = opt<int>(f("available_from"));
  o.available_until = opt<int>(f("available_until"));
  o.status = f("status").as<std::string>();
  o.visibility = f("visibility").as<std::string>();
  return o;
}

// A need without its territory's area, which many needs share (1,924 of
// the benchmark's 9,549 needs name one of 9 territories): sent once per need,
// the areas were 36 MB of the needs' answer and a point on the surface of a
// large polygon computed per need (needs_from reads them once).
const SelectList& need_columns() {
  static const SelectList list{
      {"id", "n.id"},
      {"collective_name", "n.collective_name"},
      {"surface_min_m2", "n.surface_min_m2::float8"},
      {"surface_ideal_m2", "n.surface_ideal_m2::float8"},
      {"surface_max_m2", "n.surface_max_m2::float8"},
      {"surface_tolerance_pct", "n.surface_tolerance_pct::float8"},
      {"kinds_wanted", "array_to_string(n.kinds_wanted, '|')"},
      {"tenures_accepted", "array_to_string(n.tenures_accepted, '|')"},
      {"rent_max_eur_month", "n.rent_max_eur_month::float8"},
      {"price_max_eur", "n.price_max_eur::float8"},
      {"needed_from", "n.needed_from - DATE '1970-01-01'"},
      {"status", "n.status"},
      {"area_kind",
       "CASE WHEN n.search_territory_id IS NOT NULL THEN 'territory' "
       "WHEN n.search_center IS NOT NULL THEN 'radius' ELSE 'polygon' END"},
      {"territory_id", "n.search_territory_id"},
      {"center_lon", "ST_X(c.p)"},
      {"center_lat", "ST_Y(c.p)"},
      {"search_radius_m", "n.search_radius_m::float8"},
      {"area_wkb", "ST_AsBinary(n.search_polygon)"},
      {"place_lon", "ST_X(pl.geom)"},
      {"place_lat", "ST_Y(pl.geom)"}};
  return list;
}

const std::string& need_query() {
  static const std::string sql =
      "SELECT " + need_columns().sql() +
      " FROM needs n LEFT JOIN territories t ON t.id = n.search_territory_id "
      "LEFT JOIN places pl ON pl.id = n.place_id "
      "CROSS JOIN LATERAL (SELECT coalesce(n.search_center, "
      "  ST_PointOnSurface(n.search_polygon)) AS p) c ";
  return sql;
}

// A territory as the needs that name it see it.
struct TerritoryArea {
  std::string wkb, name;
  std::optional<double> lon, lat;  // a point on its surface
};

const SelectList& territory_area_columns() {
  static const SelectList list{{"id", "t.id"},
                               {"name", "t.name"},
                               {"wkb", "ST_AsBinary(t.geom)"},
                               {"lon", "ST_X(c.p)"},
                               {"lat", "ST_Y(c.p)"}};
  return list;
}

matching::Need need_from(const pqxx::row& r,
                         const std::unordered_map<long long, TerritoryArea>& territories) {
  const SelectList& c = need_columns();
  auto f = [&](const char* name) { return r[static_cast<pqxx::row::size_type>(c[name])]; };
  matching::Need n;
  n.id = f("id").as<long long>();
  n.collective_name = f("collective_name").as<std::string>();
  n.surface_min_m2 = opt<double>(f("surface_min_m2"));
  n.surface_ideal_m2 = opt<double>(f("surface_ideal_m2"));
  n.surface_max_m2 = opt<double>(f("surface_max_m2"));
  n.surface_tolerance_pct = f("surface_tolerance_pct").as<double>();
  n.kinds_wanted = split_bar(f("kinds_wanted").as<std::string>());
  n.tenures_accepted = split_bar(f("tenures_accepted").as<std::string>());
  n.rent_max_eur_month = opt<double>(f("rent_max_eur_month"));
  n.price_max_eur = opt<double>(f("price_max_eur"));
  n.needed_from = opt<int>(f("needed_from"));
  n.status = f("status").as<std::string>();
  std::optional<double> lon = opt<double>(f("center_lon")), lat = opt<double>(f("center_lat"));
  std::string area = f("area_kind").as<std::string>();
  n.area = area == "territory" ? matching::AreaKind::territory
           : area == "radius"  ? matching::AreaKind::radius
                               : matching::AreaKind::polygon;
  if (n.area == matching::AreaKind::territory) {
    auto t = territories.find(f("territory_id").as<long long>());
    if (t != territories.end()) {
      n.area_wkb = t->second.wkb;
      n.area_name = t->second.name;
      lon = t->second.lon;
      lat = t->second.lat;
    }
  } else if (!f("area_wkb").is_null()) {
    n.area_wkb = pqxx::binarystring(f("area_wkb")).str();
  }
  if (!lon || !lat) throw DbError(fmt::format("need {}: its search area has no geometry", n.id));
  n.center_lon = *lon;
  n.center_lat = *lat;
  n.radius_m = opt<double>(f("search_radius_m")).value_or(0);
  n.place_lon = opt<double>(f("place_lon"));
  n.place_lat = opt<double>(f("place_lat"));
  return n;
}

// The needs of `rows` (need_query's), their territories' areas read once.
std::vector<matching::Need> needs_from(pqxx::transaction_base& t, const pqxx::result& rows) {
  const auto territory_id = static_cast<pqxx::row::size_type>(need_columns()["territory_id"]);
  std::vector<long long> ids;
  for (const auto& row : rows) {
    if (!row[territory_id].is_null()) ids.push_back(row[territory_id].as<long long>());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::unordered_map<long long, TerritoryArea> territories;
  if (!ids.empty()) {
    std::string list;
    for (long long id : ids) list += (list.empty() ? "{" : ",") + std::to_string(id);
    const SelectList& c = territory_area_columns();
    auto col = [&](const char* name) { return static_cast<pqxx::row::size_type>(c[name]); };
    for (const auto& row : t.exec_params(
             "SELECT " + c.sql() +
                 " FROM territories t CROSS JOIN LATERAL (SELECT ST_PointOnSurface(t.geom) AS p) c "
                 "WHERE t.id = ANY($1::bigint[])",
             list + "}")) {
      TerritoryArea& area = territories[row[col("id")].as<long long>()];
      if (!row[col("wkb")].is_null()) area.wkb = pqxx::binarystring(row[col("wkb")]).str();
      area.name = row[col("name")].as<std::string>();
      area.lon = opt<double>(row[col("lon")]);
      area.lat = opt<double>(row[col("lat")]);
    }
  }
  std::vector<matching::Need> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(need_from(row, territories));
  return out;
}

}  // namespace

bool MatchStore::territory_exists(const std::string& slug) {
  pqxx::read_transaction r(conn_);
  return !r.exec_params("SELECT 1 FROM territories WHERE slug = $1 AND geom IS NOT NULL", slug)
              .empty();
}

std::vector<matching::Opportunity> MatchStore::available_opportunities(
    const std::optional<std::string>& territory) {
  pqxx::read_transaction r(conn_);
  std::string sql = fmt::format("SELECT {} FROM opportunities o WHERE o.status = 'disponible'",
                                opportunity_columns().sql());
  pqxx::result rows =
      territory ? r.exec_params(sql +
                                    " AND ST_Intersects(o.point, (SELECT geom FROM territories "
                                    "WHERE slug = $1)) ORDER BY o.id",
                                *territory)
                : r.exec(sql + " ORDER BY o.id");
  std::vector<matching::Opportunity> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(opportunity_from(row));
  return out;
}

namespace {
// The available opportunities streamed through COPY: a million rows in a
// PGresult cost more to allocate than to read.
std::vector<matching::Opportunity> ranking_rows(pqxx::transaction_base& t) {
  // Room for them all at once (the planner's row count): growing a vector of
  // 700,000 opportunities by doubling moved and faulted in twice the memory;
  // in huge pages, its 200 MB cost 100 page faults rather than 50,000.
  std::vector<matching::Opportunity> out;
  reserve_in_huge_pages(
      out, static_cast<std::size_t>(std::clamp(
               t.exec1("SELECT reltuples FROM pg_class WHERE oid = 'opportunities'::regclass")[0]
                   .as<double>(),
               0.0, 5e7)));
  const SelectList& c = ranking_columns();
  CopyReader rows(
      t, fmt::format("SELECT {} FROM opportunities o WHERE o.status = 'disponible'", c.sql()),
      c.size());
  // Positions looked up once: a million rows follow.
  const std::size_t id = c["id"], kind = c["kind"], lon = c["lon"], lat = c["lat"],
                    precision = c["location_precision"], built = c["built_surface_m2"],
                    land = c["land_surface_m2"], tenures = c["tenures"], price = c["price_eur"],
                    rent = c["rent_eur_month"], from = c["available_from"],
                    until = c["available_until"], status = c["status"],
                    visibility = c["visibility"];
  while (rows.next()) {
    matching::Opportunity o;
    o.id = rows.number<long long>(id).value_or(0);
    o.kind = rows.text(kind).value_or("");
    o.lon = rows.number<double>(lon).value_or(0);
    o.lat = rows.number<double>(lat).value_or(0);
    o.precision = rows.text(precision).value_or("");
    o.built_surface_m2 = rows.number<double>(built);
    o.land_surface_m2 = rows.number<double>(land);
    if (auto bars = rows.text(tenures)) o.tenures = split_bar(*bars);
    o.price_eur = rows.number<double>(price);
    o.rent_eur_month = rows.number<double>(rent);
    o.available_from = rows.number<int>(from);
    o.available_until = rows.number<int>(until);
    o.status = rows.text(status).value_or("");
    o.visibility = rows.text(visibility).value_or("");
    out.push_back(std::move(o));
  }
  return out;
}
}  // namespace

std::vector<matching::Opportunity> MatchStore::available_opportunities_for_ranking() {
  pqxx::read_transaction r(conn_);
  return ranking_rows(r);
}

std::optional<matching::Opportunity> MatchStore::opportunity(long long id) {
  pqxx::read_transaction r(conn_);
  auto rows = r.exec_params(
      fmt::format("SELECT {} FROM opportunities o WHERE o.id = $1", opportunity_columns().sql()),
      id);
  if (rows.empty()) return std::nullopt;
  return opportunity_from(rows[0]);
}

std::vector<matching::Need> MatchStore::active_needs(const std::optional<std::string>& territory) {
  pqxx::read_transaction r(conn_);
  std::string sql = need_query() + "WHERE n.status = 'active'";
  pqxx::result rows =
      territory ? r.exec_params(
                      sql +
                          " AND ST_Intersects(coalesce(t.geom, n.search_polygon, "
                          "ST_Buffer(n.search_center::geography, n.search_radius_m)::geometry), "
                          "(SELECT geom FROM territories WHERE slug = $1)) ORDER BY n.id",
                      *territory)
                : r.exec(sql + " ORDER BY n.id");
  return needs_from(r, rows);
}

std::optional<matching::Need> MatchStore::need(long long id) {
  pqxx::read_transaction r(conn_);
  auto rows = r.exec_params(need_query() + "WHERE n.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return needs_from(r, rows).front();
}

std::vector<long long> MatchStore::needs_matched_to(long long opportunity_id) {
  pqxx::read_transaction r(conn_);
  std::vector<long long> out;
  for (const auto& row :
       r.exec_params("SELECT need_id FROM matches WHERE opportunity_id = $1 ORDER BY need_id",
                     opportunity_id)) {
    out.push_back(row[0].as<long long>());
  }
  return out;
}

void MatchStore::save_need_matches(long long need_id, const std::vector<matching::Match>& matches) {
  save_matches({{need_id, matches}});
}

namespace {

using ByNeed = std::vector<std::pair<long long, std::vector<matching::Match>>>;

// The pairs streamed into `table` (the stage, or matches itself at a first
// computation): their needs, scores, components and French reasons.
void copy_matches(pqxx::work& w, const std::string& table, const ByNeed& by_need) {
  static const std::vector<std::string> columns{"need_id",     "opportunity_id", "score",
                                                "reliability", "components",     "reasons"};
  pqxx::stream_to stage(w, table, columns);
  for (const auto& [need_id, matches] : by_need) {
    for (const auto& m : matches) {
      nlohmann::json components = {
          {"surface", m.components.surface}, {"distance", m.components.distance},
          {"budget", m.components.budget},   {"tenure", m.components.tenure},
          {"timing", m.components.timing},   {"distance_m", std::round(m.distance_m)},
          {"tenure_chosen", m.tenure}};
      stage << std::make_tuple(need_id, m.opportunity_id, m.score, m.reliability, components.dump(),
                               text::pg_array_literal(m.reasons));
    }
  }
  stage.complete();
}

// Whether any of the needs in match_needs has a match row, valid or not.
bool needs_have_matches(pqxx::work& w) {
  return w
      .exec1(
          "SELECT EXISTS (SELECT 1 FROM matches m JOIN match_needs n ON n.need_id = m.need_id)")[0]
      .as<bool>();
}

}  // namespace

void MatchStore::save_matches(const ByNeed& by_need) {
  // The new matches and the needs they replace go in through COPY (the
  // pairs straight into matches at a first computation, below); two
  // statements then retire the pairs that fell out and upsert the others.
  pqxx::work w(conn_);
  w.exec("CREATE TEMP TABLE match_needs (need_id bigint PRIMARY KEY) ON COMMIT DROP");
  {
    pqxx::stream_to needs(w, "match_needs");
    for (const auto& entry : by_need) needs << std::make_tuple(entry.first);
    needs.complete();
  }
  std::size_t pairs = 0;
  for (const auto& entry : by_need) pairs += entry.second.size();
  // Many new pairs: their keys are validated by one join each rather than a
  // lookup and a row lock in needs and opportunities per row. Set aside
  // before any write to matches (ALTER TABLE refuses a table with pending
  // trigger events), at most once.
  std::optional<ForeignKeys> aside;
  bool tried = false;
  auto set_aside = [&](std::size_t fresh) {
    if (tried) return aside.has_value();
    tried = true;
    if (lock_for_foreign_keys(w, "matches", bulk_.lock_wait)) {
      aside = drop_foreign_keys(w, "matches");
      log::debug("match: {} new pairs, the foreign keys set aside", fresh);
    } else {
      log::info("match: {} new pairs checked row by row: the tables are busy", fresh);
    }
    return aside.has_value();
  };
  // A first computation of these needs (the benchmark's `match --all`):
  // every pair is new and nothing is retired, so the pairs go straight into
  // matches, without a stage (0.5 s of COPY for 87,603 pairs) or an upsert.
  // Checked again once the tables are locked.
  if (pairs >= bulk_.from_new_pairs && !needs_have_matches(w) && set_aside(pairs) &&
      !needs_have_matches(w)) {
    copy_matches(w, "matches", by_need);
    restore_foreign_keys(w, *aside);
    w.commit();
    return;
  }
  w.exec(
      "CREATE TEMP TABLE match_stage (need_id bigint, opportunity_id bigint, score float8, "
      "reliability float8, components jsonb, reasons text[]) ON COMMIT DROP");
  copy_matches(w, "match_stage", by_need);
  if (pairs >= bulk_.from_new_pairs) {
    auto fresh = w.exec1(
                      "SELECT count(*) FROM match_stage s WHERE NOT EXISTS (SELECT 1 FROM "
                      "matches m WHERE m.need_id = s.need_id AND m.opportunity_id = "
                      "s.opportunity_id)")[0]
                     .as<std::size_t>();
    if (fresh >= bulk_.from_new_pairs) set_aside(fresh);
  }
  // Pairs that fell out of the needs' lists are kept, no longer valid (their
  // status was set by people). Nothing to retire when these needs have no
  // valid match yet, as at a first computation.
  if (w.exec1("SELECT EXISTS (SELECT 1 FROM matches m JOIN match_needs n ON n.need_id = m.need_id "
              "WHERE m.still_valid)")[0]
          .as<bool>()) {
    w.exec("ANALYZE match_stage");  // for the anti-join's plan
    w.exec(
        "UPDATE matches m SET still_valid = false, computed_at = now() FROM match_needs n "
        "WHERE m.need_id = n.need_id AND m.still_valid AND NOT EXISTS (SELECT 1 FROM match_stage s "
        "WHERE s.need_id = m.need_id AND s.opportunity_id = m.opportunity_id)");
  }
  w.exec(
      "INSERT INTO matches (need_id, opportunity_id, score, reliability, components, reasons) "
      "SELECT need_id, opportunity_id, score, reliability, components, reasons FROM match_stage "
      "ON CONFLICT (need_id, opportunity_id) DO UPDATE SET score = EXCLUDED.score, "
      "reliability = EXCLUDED.reliability, components = EXCLUDED.components, "
      "reasons = EXCLUDED.reasons, still_valid = true, computed_at = now()");
  if (aside) restore_foreign_keys(w, *aside);
  w.commit();
}

void MatchStore::set_status(long long match_id, const std::string& status, const std::string& who,
                            const std::vector<std::string>& visibilities) {
  pqxx::work w(conn_);
  auto r = w.exec_params(
      "UPDATE matches SET status = $2, status_changed_at = now(), status_changed_by = $3 "
      "WHERE id = $1 AND opportunity_id IN (SELECT id FROM opportunities "
      "WHERE visibility = ANY($4::text[]))",
      match_id, status, who, text::pg_array_literal(visibilities));
  if (r.affected_rows() == 0) throw DbError(fmt::format("no match has id {}", match_id));
  w.commit();
}

}  // namespace terrier::db
