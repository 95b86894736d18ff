#include "db/row_write_store.hpp"

#include <fmt/core.h>

#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>

#include "db/row_version.hpp"

namespace terrier::db {
namespace {

// row_json's names that are not the column they come from.
const std::map<std::string, std::string>& json_to_column() {
  static const std::map<std::string, std::string> m = {
      {"place_ref", "place_id"}, {"territory", "search_territory_id"}, {"lon", "search_center"},
      {"lat", "search_center"},  {"radius_km", "search_radius_m"},     {"wkt", "geom"}};
  return m;
}

}  // namespace

long long RowWriteStore::insert_row(const TableSpec& spec, const std::string& source,
                                    const StagedRow& row) {
  staging_.stage(spec, source, {row});
  staging_.merge(spec, source, false, {});
  return tx_.work()
      .exec1(fmt::format("SELECT target_id FROM {}", tx_.work().quote_name(tx_.stage_table())))[0]
      .as<long long>();
}

bool RowWriteStore::update_row(const TableSpec& spec, long long id, const StagedRow& row) {
  pqxx::work& w = tx_.work();
  staging_.stage(spec, "api", {row});  // the stored row keeps its own source
  const std::string t = w.quote_name(spec.table);
  const std::string s = w.quote_name(tx_.stage_table());
  std::string sets;
  for (const auto& c : spec.columns) {
    if (c.name == "attributes") continue;  // what the source file said stays
    sets += fmt::format("{0} = s.{0}, ", w.quote_name(c.name));
  }
  auto r = w.exec_params(fmt::format("UPDATE {t} t SET {sets}content_hash = s.content_hash, "
                                     "updated_at = now() FROM {s} s WHERE t.id = $1",
                                     fmt::arg("t", t), fmt::arg("s", s), fmt::arg("sets", sets)),
                         id);
  if (r.affected_rows() == 0) return false;
  w.exec_params(fmt::format("UPDATE {} SET target_id = $1", s), id);
  staging_.upsert_private(spec);
  return true;
}

bool RowWriteStore::delete_row(const TableSpec& spec, long long id) {
  return tx_.work()
             .exec_params(
                 fmt::format("DELETE FROM {} WHERE id = $1", tx_.work().quote_name(spec.table)), id)
             .affected_rows() == 1;
}

std::optional<std::string> RowWriteStore::row_json(const TableSpec& spec, long long id) {
  std::string sql;
  if (spec.table == "opportunities") {
    sql =
        "SELECT jsonb_strip_nulls(jsonb_build_object('external_id', o.external_id, 'title', "
        "o.title, 'kind', o.kind, 'address', o.address, 'commune_insee', o.commune_insee, "
        "'wkt', ST_AsText(o.geom), 'location_precision', o.location_precision, "
        "'built_surface_m2', o.built_surface_m2, 'land_surface_m2', o.land_surface_m2, "
        "'tenures', array_to_string(o.tenures, ','), 'price_eur', o.price_eur, "
        "'rent_eur_month', o.rent_eur_month, 'available_from', o.available_from, "
        "'available_until', o.available_until, 'owner_kind', o.owner_kind, 'status', o.status, "
        "'visibility', o.visibility, 'last_verified', o.last_verified, 'source_status', "
        "o.source_status, 'source_checked', o.source_checked, 'owner_name', p.owner_name, "
        "'owner_contact', p.owner_contact, 'notes', p.notes))::text FROM opportunities o "
        "LEFT JOIN opportunity_private p ON p.opportunity_id = o.id WHERE o.id = $1";
  } else if (spec.table == "needs") {
    sql =
        "SELECT jsonb_strip_nulls(jsonb_build_object('external_id', n.external_id, "
        "'collective_name', n.collective_name, 'place_ref', (SELECT external_id FROM places pl "
        "WHERE pl.id = n.place_id), 'surface_min_m2', n.surface_min_m2, 'surface_ideal_m2', "
        "n.surface_ideal_m2, 'surface_max_m2', n.surface_max_m2, 'surface_tolerance_pct', "
        "n.surface_tolerance_pct, 'kinds_wanted', array_to_string(n.kinds_wanted, ','), "
        "'tenures_accepted', array_to_string(n.tenures_accepted, ','), 'rent_max_eur_month', "
        "n.rent_max_eur_month, 'price_max_eur', n.price_max_eur, 'territory', (SELECT slug FROM "
        "territories t WHERE t.id = n.search_territory_id), 'lon', ST_X(n.search_center), "
        "'lat', ST_Y(n.search_center), 'radius_km', n.search_radius_m / 1000, 'wkt', "
        "ST_AsText(n.search_polygon), 'needed_from', n.needed_from, 'description', "
        "n.description, 'status', n.status, 'contact', p.contact, 'notes', p.notes))::text "
        "FROM needs n LEFT JOIN need_private p ON p.need_id = n.id WHERE n.id = $1";
  } else {
    return std::nullopt;
  }
  auto rows = tx_.work().exec_params(sql, id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

bool need_in_territory(pqxx::transaction_base& tx, long long need_id, const std::string& slug) {
  auto rows = tx.exec_params(
      "SELECT coalesce(ST_Intersects((SELECT geom FROM territories WHERE slug = $2), "
      "coalesce(n.search_center, ST_PointOnSurface(coalesce(n.search_polygon, (SELECT "
      "geom FROM territories t WHERE t.id = n.search_territory_id))))), false) "
      "FROM needs n WHERE n.id = $1",
      need_id, slug);
  return !rows.empty() && rows[0][0].as<bool>();
}

bool RowWriteStore::need_in_territory(long long need_id, const std::string& slug) {
  return db::need_in_territory(tx_.work(), need_id, slug);
}

void RowWriteStore::record_audit(const std::string& actor, const std::string& action,
                                 const std::string& entity, std::optional<long long> id,
                                 const std::optional<std::string>& before,
                                 const std::optional<std::string>& after) {
  tx_.work().exec_params(
      "INSERT INTO audit_log (actor, action, entity, entity_id, before, after) "
      "VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)",
      actor, action, entity, id, before, after);
}

bool RowWriteStore::lock_row(const TableSpec& spec, long long id) {
  return !tx_.work()
              .exec_params(fmt::format("SELECT 1 FROM {} WHERE id = $1 FOR UPDATE",
                                       tx_.work().quote_name(spec.table)),
                           id)
              .empty();
}

bool RowWriteStore::lock_at_version(const TableSpec& spec, long long id, long long version) {
  auto rows = tx_.work().exec_params(
      fmt::format("SELECT {} = $2 FROM {} WHERE id = $1 FOR UPDATE", version_sql("updated_at"),
                  tx_.work().quote_name(spec.table)),
      id, version);
  return !rows.empty() && rows[0][0].as<bool>();
}

void RowWriteStore::record_page_edits(const TableSpec& spec, long long id,
                                      const std::string& before, const std::string& after,
                                      const std::string& who) {
  auto b = nlohmann::json::parse(before), a = nlohmann::json::parse(after);
  std::set<std::string> columns;
  auto consider = [&](const std::string& key) {
    if ((b.contains(key) ? b[key] : nlohmann::json()) ==
        (a.contains(key) ? a[key] : nlohmann::json()))
      return;
    auto mapped = json_to_column().find(key);
    std::string column = mapped == json_to_column().end() ? key : mapped->second;
    if (spec.table == "needs" && key == "wkt") column = "search_polygon";
    if (spec.find(column)) columns.insert(column);
  };
  for (const auto& [k, v] : a.items()) consider(k);
  for (const auto& [k, v] : b.items()) consider(k);
  if (spec.table == "opportunities" && columns.count("geom")) columns.insert("location_precision");
  for (const auto& column : columns) {
    tx_.work().exec_params(
        "INSERT INTO row_edits (entity, entity_id, field, edited_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (entity, entity_id, field) DO UPDATE SET edited_at = now(), edited_by = "
        "EXCLUDED.edited_by",
        edited_entity(spec), id, column, who);
  }
}

}  // namespace terrier::db
