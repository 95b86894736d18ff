#include "db/feature_store.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <utility>

#include "core/text.hpp"
#include "db/cql2_sql.hpp"
#include "db/feature_sql.hpp"
#include "db/geojson_writer.hpp"
#include "db/tile_snapshot.hpp"

namespace terrier::db {
using namespace feature_sql;  // NOLINT: the builders are this file's vocabulary

const char* collection_name(Collection c) {
  switch (c) {
    case Collection::places:
      return "places";
    case Collection::opportunities:
      return "opportunities";
    case Collection::needs:
      return "needs";
    case Collection::territories:
      return "territories";
  }
  return "";
}

const char* entity_name(Collection c) {
  switch (c) {
    case Collection::opportunities:
      return "opportunity";
    case Collection::needs:
      return "need";
    case Collection::places:
      return "place";
    case Collection::territories:
      return nullptr;
  }
  return nullptr;
}

std::optional<Collection> parse_collection(const std::string& name) {
  for (auto c : {Collection::places, Collection::opportunities, Collection::needs,
                 Collection::territories}) {
    if (name == collection_name(c)) return c;
  }
  return std::nullopt;
}

std::vector<PropertyInfo> readable_properties(Collection c, Role role) {
  std::vector<PropertyInfo> out;
  for (const auto& p : sql_for(c, role).properties) out.push_back({p.name, value_type(p)});
  return out;
}

std::optional<QueryRefusal> query_refusal(const FeatureQuery& query) {
  if (!query.cql2_filter && query.sortby.empty() && !query.properties) return std::nullopt;
  const Sql s = sql_for(query.collection, query.role, 4326, query.reverify_months);
  try {
    if (query.cql2_filter) {
      Where w;
      (void)cql2::condition(*query.cql2_filter, s, w);
    }
  } catch (const cql2::Untranslatable& e) {
    return QueryRefusal{"filter", std::string("filtre CQL2 : ") + e.what()};
  }
  try {
    (void)cql2::sort_order(query.sortby, s);
  } catch (const cql2::Untranslatable& e) {
    return QueryRefusal{"sortby", std::string("sortby : ") + e.what()};
  }
  if (query.properties) {
    for (const auto& name : *query.properties) {
      if (std::none_of(s.properties.begin(), s.properties.end(),
                       [&](const Property& p) { return p.name == name; })) {
        return QueryRefusal{"properties", "properties : " + cql2::unknown_property(name)};
      }
    }
  }
  return std::nullopt;
}

namespace {

// Runs `sql` as a prepared statement named after its text: the filters make
// the text vary (values are always parameters), so each distinct text is
// prepared once per connection, when first run (libpqxx registers it
// lazily and re-prepares it after a reconnection). The texts are bounded by
// the combinations of filters, collections, roles and output CRSs.
pqxx::result exec_prepared_text(pqxx::transaction_base& tx, const std::string& sql,
                                const std::vector<std::string>& params) {
  const std::string name = fmt::format("features_{:016x}", std::hash<std::string>{}(sql));
  tx.conn().prepare(name, sql);
  return tx.exec_prepared(name, pqxx::prepare::make_dynamic_params(params));
}

// The planner's row count of a collection's table, read again once a
// minute (per database: tests run many in one process): below
// small_table_rows a page needs no EXPLAIN to decide how to count and order.
double table_rows(pqxx::transaction_base& tx, Collection c) {
  using Clock = std::chrono::steady_clock;
  struct Known {
    double rows = 0;
    Clock::time_point read;
  };
  static std::mutex mutex;
  static std::map<std::string, Known> known;
  const std::string key = std::string(tx.conn().dbname()) + "/" + collection_name(c);
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex);
    auto it = known.find(key);
    if (it != known.end() && now - it->second.read < std::chrono::minutes(1)) {
      return it->second.rows;
    }
  }
  auto rows = tx.exec_params1("SELECT reltuples::float8 FROM pg_class WHERE oid = $1::regclass",
                              std::string(collection_name(c)))[0]
                  .as<double>();
  std::lock_guard lock(mutex);
  known[key] = {rows, now};
  return rows;
}

}  // namespace

FeaturePage query_features(pqxx::connection_base& conn, const FeatureQuery& query) {
  Sql s = sql_for(query.collection, query.role, query.output_srid, query.reverify_months);
  Where w;
  restrict_to_role(w, query.collection, query.role);
  if (query.bbox) {
    const auto& b = *query.bbox;
    std::string envelope = "ST_MakeEnvelope(" + w.param(number(b[0])) + "::float8, " +
                           w.param(number(b[1])) + "::float8, " + w.param(number(b[2])) +
                           "::float8, " + w.param(number(b[3])) + "::float8, " +
                           std::to_string(query.bbox_srid) + ")";
    if (query.bbox_srid != 4326) envelope = "ST_Transform(" + envelope + ", 4326)";
    w.add(s.geom + " && " + envelope);
  }
  add_filters(w, s, query.collection, query.filters, query.reverify_months);
  if (query.cql2_filter) w.add(cql2::condition(*query.cql2_filter, s, w));

  const std::vector<std::string> where_params = w.params();  // before ORDER BY adds its own
  std::string order = query.sortby.empty() ? order_by(w, s, query.collection, query.filters)
                                           : cql2::sort_order(query.sortby, s);
  // The filter and the order read every property the role may; the page
  // only those asked.
  if (query.properties || query.skip_geometry || query.max_allowable_offset > 0) {
    select_properties(s, query.properties, !query.skip_geometry, query.output_srid,
                      query.max_allowable_offset);
  }
  const long long cap = query.exact_count_limit;
  // Single statements need no BEGIN and COMMIT around them: two round trips
  // fewer for every page and tile.
  pqxx::nontransaction r(conn);
  // What the planner expects of the matching rows: how many, and what
  // reading them would cost. A small table needs no plan: counting it is
  // cheap whatever the filters (one round trip fewer).
  auto plan = [&] {
    auto text = r.exec_params1("EXPLAIN (FORMAT JSON) SELECT 1 FROM " + s.from + w.sql(),
                               pqxx::prepare::make_dynamic_params(where_params))[0]
                    .as<std::string>();
    auto number_at = [&](const char* key) {
      auto at = text.find(key);
      return at == std::string::npos ? 0.0 : std::atof(text.c_str() + at + std::strlen(key));
    };
    return std::pair{static_cast<long long>(number_at("\"Plan Rows\": ")),
                     number_at("\"Total Cost\": ")};
  };
  const double table = table_rows(r, query.collection);
  const bool small = table >= 0 && table <= static_cast<double>(query.small_table_rows);
  long long estimate = static_cast<long long>(table);
  bool count = true;
  // A bbox of points: the tiles' copy of the opportunities (no round trip),
  // else PostGIS's spatial statistics, bound its rows (the other filters
  // only remove some) without planning a statement. EXPLAIN
  // took a sixth of PostgreSQL's time under the benchmark's pages (perf,
  // docs/benchmarks.md); this asks only when the bound is not low enough to
  // count (a row read at random costs at most a page: 4).
  const bool points =
      query.collection == Collection::opportunities || query.collection == Collection::places;
  bool planned = small;
  if (!small && points && query.bbox && query.bbox_srid == 4326) {
    const auto& b = *query.bbox;
    double bound = -1;
    if (query.snapshot && query.collection == Collection::opportunities) {
      // Counted in memory past what the choices below need to know.
      const auto enough = static_cast<std::size_t>(
          std::max(std::min(static_cast<double>(cap), query.exact_count_cost / 4),
                   20.0 * static_cast<double>(query.limit + query.offset)));
      bound = static_cast<double>(rows_in_box(*query.snapshot, query.role, b, enough));
    } else {
      try {
        bound = table * exec_prepared_text(
                            r,
                            "SELECT _postgis_selectivity($1::regclass, 'geom', ST_MakeEnvelope("
                            "$2::float8, $3::float8, $4::float8, $5::float8, 4326))",
                            {collection_name(query.collection), number(b[0]), number(b[1]),
                             number(b[2]), number(b[3])})[0][0]
                            .as<double>();
      } catch (const pqxx::sql_error&) {
        // No statistics gathered yet: the planner decides, as for any filter.
      }
    }
    if (bound >= 0 && bound <= static_cast<double>(cap) && 4 * bound <= query.exact_count_cost) {
      estimate = static_cast<long long>(bound);
      planned = true;
    }
  }
  if (!planned) {
    auto [rows, cost] = plan();
    estimate = rows;
    count = estimate <= cap && cost <= query.exact_count_cost;
  }
  if (query.bbox && order == s.id &&
      estimate <= 20 * static_cast<long long>(query.limit + query.offset)) {
    // A bbox of a few thousand rows: fetch them through the spatial index
    // and sort the page out of them. Left to itself the planner walks the
    // primary key in order and filters on the bbox, which read 250,000 rows
    // of a million for a bbox of 6,700 (380 ms instead of 12). "+ 0" makes
    // the id an expression the key cannot order. Larger bboxes (a dense
    // city) keep the key walk: 500 of their rows come quickly.
    order = s.id + " + 0";
  }
  // Bounded: past the limit the estimate is enough.
  const std::string count_sql =
      fmt::format("SELECT count(*) FROM (SELECT 1 FROM {from}{where} LIMIT {cap}) x",
                  fmt::arg("from", s.from), fmt::arg("where", w.sql()), fmt::arg("cap", cap + 1));
  // A page the planner or the bbox's bound expects to be full carries its
  // count in a last column: an uncorrelated subquery, run once when the
  // first row is read, in the same round trip as the page (the dense pages
  // made the slowest requests with four round trips).
  const bool count_inline = count && !small && query.limit > 0 &&
                            estimate >= static_cast<long long>(query.limit + query.offset);
  // A CQL2 filter, an order or a choice of properties makes texts without
  // bound: run once, never prepared (each prepared text stays in the
  // connection's memory).
  const bool ad_hoc = query.cql2_filter || !query.sortby.empty() || query.properties;
  auto run = [&](const std::string& sql, const std::vector<std::string>& params) {
    return ad_hoc ? r.exec_params(sql, pqxx::prepare::make_dynamic_params(params))
                  : exec_prepared_text(r, sql, params);
  };
  // The page first: a page that is not full is the last one, and its
  // count is known without counting.
  const pqxx::result rows = run(
      fmt::format("SELECT {cols}{count} FROM {from}{where} ORDER BY {order} LIMIT {limit} OFFSET "
                  "{offset}",
                  fmt::arg("cols", s.columns),
                  fmt::arg("count", count_inline ? ", (" + count_sql + ")" : std::string()),
                  fmt::arg("from", s.from), fmt::arg("where", w.sql()), fmt::arg("order", order),
                  fmt::arg("limit", query.limit), fmt::arg("offset", query.offset)),
      w.params());
  FeaturePage page;
  const bool last_page = rows.size() < query.limit && (!rows.empty() || query.offset == 0);
  if (last_page) {
    page.matched = static_cast<long long>(query.offset + rows.size());
  } else if (count && count_inline && !rows.empty()) {
    page.matched = rows[0][rows.columns() - 1].as<long long>();
  } else if (count) {
    page.matched = run(count_sql, where_params)[0][0].as<long long>();
  }
  if (!last_page && (!count || page.matched > cap)) {
    if (small) estimate = plan().first;  // counted past the limit: the planner says how many
    // At least what was counted or seen.
    long long at_least = count ? cap + 1 : static_cast<long long>(query.offset + rows.size());
    page.matched = std::max(estimate, at_least);
    page.matched_is_estimate = true;
  }
  page.features.reserve(rows.size());
  for (const auto& row : rows) {
    std::string feature;
    feature.reserve(1024);
    append_feature(feature, s.layout, row, 0);
    page.features.push_back(std::move(feature));
  }
  return page;
}

void for_each_feature(pqxx::connection_base& conn, const FeatureQuery& query,
                      const std::function<void(const std::string&)>& sink) {
  Sql s = sql_for(query.collection, query.role, 4326, query.reverify_months);
  if (query.spreadsheet && query.collection != Collection::territories) {
    constexpr std::string_view cast = "::text";
    std::string feature = s.select.substr(0, s.select.size() - cast.size());
    if (query.collection != Collection::needs) {
      feature = "jsonb_set(" + feature + ", '{properties,exact_lonlat}', CASE WHEN " +
                "GeometryType(" + s.point + ") = 'POINT' THEN jsonb_build_array(ST_X(" + s.point +
                "), ST_Y(" + s.point + ")) ELSE 'null'::jsonb END)";
    }
    // Read back by the importer ("Vérifié"): a sheet that leaves it out
    // would clear it on the way round.
    if (query.collection == Collection::opportunities) {
      feature = "jsonb_set(" + feature +
                ", '{properties,source_checked}', coalesce(to_jsonb(o.source_checked), "
                "'null'::jsonb))";
    }
    // A file's free columns may hold anything: only for the roles that read
    // confidential fields.
    if (sees_confidential(query.role)) {
      feature = "jsonb_set(" + feature + ", '{properties,attributes}', o.attributes)";
    }
    s.select = feature + "::text";
  }
  Where w;
  restrict_to_role(w, query.collection, query.role);
  add_filters(w, s, query.collection, query.filters, query.reverify_months);
  pqxx::work tx(conn);
  tx.exec_params("DECLARE export_cursor NO SCROLL CURSOR FOR SELECT " + s.select + " FROM " +
                     s.from + w.sql() + " ORDER BY " + s.id,
                 pqxx::prepare::make_dynamic_params(w.params()));
  for (;;) {
    auto rows = tx.exec("FETCH 1000 FROM export_cursor");
    if (rows.empty()) break;
    for (const auto& row : rows) sink(row[0].as<std::string>());
  }
  tx.exec("CLOSE export_cursor");
  tx.commit();
}

std::optional<std::string> feature_by_id(pqxx::connection_base& conn, Collection collection,
                                         Role role, const std::string& id, int output_srid,
                                         int reverify_months) {
  Sql s = sql_for(collection, role, output_srid, reverify_months);
  Where w;
  restrict_to_role(w, collection, role);
  if (collection == Collection::territories) {
    w.add("o.slug = " + w.param(id));
  } else {
    if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    w.add(s.id + " = " + w.param(id) + "::bigint");
  }
  pqxx::read_transaction r(conn);
  auto rows = r.exec_params("SELECT " + s.select + " FROM " + s.from + w.sql(),
                            pqxx::prepare::make_dynamic_params(w.params()));
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::optional<std::array<double, 4>> collection_extent(pqxx::connection_base& conn,
                                                       Collection collection, Role role) {
  Sql s = sql_for(collection, role);
  Where w;
  restrict_to_role(w, collection, role);
  pqxx::read_transaction r(conn);
  auto row = r.exec_params1(
      "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT "
      "ST_Extent(" +
          s.geom + ") AS e FROM " + s.from + w.sql() + ") x",
      pqxx::prepare::make_dynamic_params(w.params()));
  if (row[0].is_null()) return std::nullopt;
  return std::array<double, 4>{row[0].as<double>(), row[1].as<double>(), row[2].as<double>(),
                               row[3].as<double>()};
}

namespace {

// Per collection: the tile's attributes (never a confidential one).
std::string tile_columns(Collection c, int reverify_months) {
  switch (c) {
    case Collection::opportunities:
      return "o.id, o.title, o.kind, o.status, o.visibility, " + to_reverify_sql(reverify_months) +
             " AS to_reverify, o.tenures[1]::text AS tenure, "
             "array_to_string(o.tenures, ',') AS "
             "tenures, o.built_surface_m2::float8 AS built_surface_m2, o.land_surface_m2::float8 "
             "AS land_surface_m2, o.rent_eur_month::float8 AS rent_eur_month, "
             "o.price_eur::float8 AS price_eur, o.location_precision";
    case Collection::places:
      return "o.id, o.name, o.kind, o.location_precision, (SELECT slug FROM territories c WHERE "
             "c.id = o.circle_id) AS circle";
    case Collection::needs:
      return "o.id, o.collective_name, o.status, o.surface_min_m2::float8 AS surface_min_m2, "
             "o.surface_max_m2::float8 AS surface_max_m2";
    case Collection::territories:
      return "o.slug AS id, o.name, o.level, o.code";
  }
  return "o.id";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> tile_fields(Collection c) {
  const std::string text = "String", number = "Number";
  switch (c) {
    case Collection::opportunities:
      return {{"id", number},
              {"title", text},
              {"kind", text},
              {"status", text},
              {"visibility", text},
              {"to_reverify", "Boolean"},
              {"tenure", text},
              {"tenures", text},
              {"built_surface_m2", number},
              {"land_surface_m2", number},
              {"rent_eur_month", number},
              {"price_eur", number},
              {"location_precision", text}};
    case Collection::places:
      return {{"id", number},
              {"name", text},
              {"kind", text},
              {"location_precision", text},
              {"circle", text}};
    case Collection::needs:
      // `count`: how many needs the feature stands for (those of one
      // territory share its outline, named by `territory`, its slug; the
      // name is then left out, the status too unless they share it, and the
      // surfaces span them all).
      return {{"id", number},
              {"collective_name", text},
              {"status", text},
              {"surface_min_m2", number},
              {"surface_max_m2", number},
              {"count", number},
              {"territory", text}};
    case Collection::territories:
      return {{"id", text}, {"name", text}, {"level", text}, {"code", text}};
  }
  return {};
}

std::string query_tile(pqxx::connection_base& conn, const FeatureQuery& query, int z, int x,
                       int y) {
  Sql s = sql_for(query.collection, Role::anonymous);  // tiles never join private tables
  s.from = std::string(collection_name(query.collection)) + " o";
  Where w;
  restrict_to_role(w, query.collection, query.role);
  std::string zp = w.param(std::to_string(z)), xp = w.param(std::to_string(x)),
              yp = w.param(std::to_string(y));
  std::string envelope = fmt::format("ST_TileEnvelope({}::int, {}::int, {}::int)", zp, xp, yp);
  w.add(s.geom + " && ST_Transform(" + envelope + ", 4326)");
  add_filters(w, s, query.collection, query.filters, query.reverify_months);
  // Outlines in web mercator, simplified within half a pixel of the map
  // (a tile is drawn 512 pixels wide: 8 of its 4096 units a pixel), the
  // smallest kept: a commune's or a circle's thousand vertices are a few
  // dozen at a regional zoom. Points are left as they are.
  auto mercator = [&](const std::string& geom) {
    std::string g = "ST_Transform(" + geom + ", 3857)";
    if (query.collection == Collection::opportunities || query.collection == Collection::places) {
      return g;
    }
    // 40,075,016.69 m: the web mercator world's width, ST_TileEnvelope's.
    return fmt::format("ST_Simplify({}, 40075016.685578488 / 1024.0 / 2 ^ {}::int, true)", g, zp);
  };
  std::string sql;
  if (query.collection == Collection::needs) {
    // The needs whose area is a whole territory (a circle, an EPCI, a
    // commune) share its outline: drawn once per territory, with how many
    // they are (`count`) and the first one's id, instead of one copy each
    // stacked on the others (at 1,000 needs, 208 copies of 9 circles cost
    // the page seconds of drawing per frame). A need of its own area is a
    // feature of its own, `count` 1, written after the territories' so
    // that the map draws it on top of them and a click finds it first.
    // A second layer, need_labels, holds one point per feature (a point on
    // its area's surface) for the names: a label placed on the polygon
    // itself is repeated in every tile the area crosses.
    sql = fmt::format(
        "WITH n AS (SELECT {cols}, CASE WHEN o.search_polygon IS NULL THEN "
        "o.search_territory_id END AS zone, {geom} AS area FROM {from}{where}), "
        "f AS (SELECT (SELECT geom FROM territories WHERE id = zone) AS area, min(id) AS id, "
        "CASE WHEN count(*) = 1 THEN min(collective_name) END AS collective_name, "
        "CASE WHEN count(DISTINCT status) = 1 THEN min(status::text) END AS status, "
        "min(surface_min_m2) AS surface_min_m2, max(surface_max_m2) AS surface_max_m2, "
        "count(*) AS count, (SELECT slug FROM territories WHERE id = zone) AS territory, "
        "false AS own FROM n WHERE zone IS NOT NULL GROUP BY zone "
        "UNION ALL "
        "SELECT area, id, collective_name, status::text, surface_min_m2, surface_max_m2, 1, "
        "NULL::text, true FROM n WHERE zone IS NULL) "
        "SELECT coalesce((SELECT ST_AsMVT(t.*, 'needs', 4096, 'geom') FROM ("
        "SELECT ST_AsMVTGeom({shape}, {env}, 4096, 64, true) AS geom, id, collective_name, "
        "status, surface_min_m2, surface_max_m2, count, territory FROM f ORDER BY own, id) t "
        "WHERE t.geom IS NOT NULL), ''::bytea) || "
        "coalesce((SELECT ST_AsMVT(l.*, 'need_labels', 4096, 'geom') FROM ("
        "SELECT ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(area), 3857), {env}, 4096, 0, true) "
        "AS geom, id, collective_name, count FROM f) l WHERE l.geom IS NOT NULL), ''::bytea)",
        fmt::arg("cols", tile_columns(query.collection, query.reverify_months)),
        fmt::arg("geom", s.geom), fmt::arg("from", s.from), fmt::arg("where", w.sql()),
        fmt::arg("shape", mercator("area")), fmt::arg("env", envelope));
  } else {
    sql = fmt::format(
        "SELECT ST_AsMVT(t.*, '{layer}', 4096, 'geom') FROM ("
        "SELECT ST_AsMVTGeom({geom}, {env}, 4096, 64, true) AS geom, {cols} "
        "FROM {from}{where}) t WHERE t.geom IS NOT NULL",
        fmt::arg("layer", collection_name(query.collection)), fmt::arg("geom", mercator(s.geom)),
        fmt::arg("env", envelope),
        fmt::arg("cols", tile_columns(query.collection, query.reverify_months)),
        fmt::arg("from", s.from), fmt::arg("where", w.sql()));
    if (query.collection == Collection::territories) {
      // A second layer, territory_labels: one point per territory (a point
      // on its surface), in the one tile that holds it, for the names; a
      // label placed on the polygon is repeated in every tile it crosses
      // (« Lens » four times in one window at zoom 13).
      sql = fmt::format(
          "SELECT coalesce(({tiles}), ''::bytea) || coalesce((SELECT ST_AsMVT(l.*, "
          "'territory_labels', 4096, 'geom') FROM (SELECT ST_AsMVTGeom(ST_Transform({point}, "
          "3857), {env}, 4096, 0, true) AS geom, {cols} FROM {from}{where}) l "
          "WHERE l.geom IS NOT NULL), ''::bytea)",
          fmt::arg("tiles", sql), fmt::arg("point", s.point), fmt::arg("env", envelope),
          fmt::arg("cols", tile_columns(query.collection, query.reverify_months)),
          fmt::arg("from", s.from), fmt::arg("where", w.sql()));
    }
  }
  pqxx::nontransaction r(conn);
  auto row = r.exec_params1(sql, pqxx::prepare::make_dynamic_params(w.params()));
  if (row[0].is_null()) return {};
  return pqxx::binarystring(row[0]).str();  // empty: no feature
}

namespace {

// A match's properties as `role` may read them: the follow-up (its status,
// who changed it and when) is for the signed-in roles that read the
// follow-up (may_read_followup), never for the public.
std::string match_properties(Role role) {
  std::string out =
      "'match_id', m.id, 'need_id', m.need_id, 'opportunity_id', m.opportunity_id, 'score', "
      "m.score, 'reliability', m.reliability, 'still_valid', m.still_valid, "
      "'components', m.components, 'reasons', to_jsonb(m.reasons)";
  if (may_read_followup(role)) out += ", 'status', m.status";
  return out;
}

std::string collection_of(const pqxx::result& rows) {
  std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) out += ',';
    out += rows[i][0].as<std::string>();
  }
  return out + "]}";
}

}  // namespace

std::optional<std::string> need_matches(pqxx::connection_base& conn, long long need_id, Role role) {
  pqxx::read_transaction r(conn);
  if (r.exec_params("SELECT 1 FROM needs WHERE id = $1", need_id).empty()) return std::nullopt;
  auto rows = r.exec_params(
      std::string("SELECT jsonb_build_object('type', 'Feature', 'id', m.id, 'geometry', "
                  "ST_AsGeoJSON(o.point, 6)::jsonb, 'properties', jsonb_build_object(") +
          match_properties(role) +
          ", 'title', o.title, 'kind', o.kind, 'opportunity_status', o.status))::text "
          "FROM matches m JOIN opportunities o ON o.id = m.opportunity_id "
          "WHERE m.need_id = $1 AND o.visibility = ANY($2::text[]) "
          "ORDER BY m.still_valid DESC, m.score DESC, m.id",
      need_id, text::pg_array_literal(readable_visibilities(role)));
  return collection_of(rows);
}

std::optional<std::string> opportunity_matches(pqxx::connection_base& conn,
                                               long long opportunity_id, Role role) {
  pqxx::read_transaction r(conn);
  if (r.exec_params("SELECT 1 FROM opportunities WHERE id = $1 AND visibility = ANY($2::text[])",
                    opportunity_id, text::pg_array_literal(readable_visibilities(role)))
          .empty()) {
    return std::nullopt;
  }
  auto rows = r.exec_params(
      std::string("SELECT jsonb_build_object('type', 'Feature', 'id', m.id, 'geometry', "
                  "ST_AsGeoJSON(coalesce(n.search_center, ST_PointOnSurface(coalesce("
                  "n.search_polygon, (SELECT geom FROM territories t WHERE t.id = "
                  "n.search_territory_id)))), 6)::jsonb, 'properties', jsonb_build_object(") +
          match_properties(role) +
          ", 'collective_name', n.collective_name, 'need_status', n.status))::text "
          "FROM matches m JOIN needs n ON n.id = m.need_id WHERE m.opportunity_id = $1 "
          "ORDER BY m.still_valid DESC, m.score DESC, m.id",
      opportunity_id);
  return collection_of(rows);
}

bool territory_known(pqxx::connection_base& conn, const std::string& slug_or_name) {
  pqxx::read_transaction r(conn);
  return !r.exec_params(
               "SELECT 1 FROM territories WHERE geom IS NOT NULL AND (slug = $1 OR "
               "name_folded = terrier_fold($1)) LIMIT 1",
               slug_or_name)
              .empty();
}

}  // namespace terrier::db
