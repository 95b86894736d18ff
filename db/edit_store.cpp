// ImportStore's part that protects edits made through the API from
// re-imports: which columns an API update changed (row_edits), and the
// conflicts a staged file brings against them.

#include <fmt/core.h>

#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>

#include "core/error.hpp"
#include "db/import_store.hpp"

namespace terrier::db {
namespace {

std::string entity_of(const TableSpec& spec) {
  if (spec.table == "opportunities") return "opportunity";
  if (spec.table == "needs") return "need";
  if (spec.table == "places") return "place";
  throw DbError(fmt::format("no page edits are kept for {}", spec.table));
}

// row_json's names that are not the column they come from.
const std::map<std::string, std::string>& json_to_column() {
  static const std::map<std::string, std::string> m = {
      {"place_ref", "place_id"}, {"territory", "search_territory_id"}, {"lon", "search_center"},
      {"lat", "search_center"},  {"radius_km", "search_radius_m"},     {"wkt", "geom"}};
  return m;
}

bool is_column(const TableSpec& spec, const std::string& name) {
  for (const auto* cols : {&spec.columns, &spec.private_columns}) {
    for (const auto& c : *cols) {
      if (c.name == name) return true;
    }
  }
  return false;
}

bool is_private(const TableSpec& spec, const std::string& name) {
  for (const auto& c : spec.private_columns) {
    if (c.name == name) return true;
  }
  return false;
}

std::string sql_type(const TableSpec& spec, const std::string& name) {
  for (const auto* cols : {&spec.columns, &spec.private_columns}) {
    for (const auto& c : *cols) {
      if (c.name == name) return c.sql_type;
    }
  }
  return "text";
}

}  // namespace

bool ImportStore::lock_at_version(const TableSpec& spec, long long id, long long version) {
  auto rows =
      work_->exec_params(fmt::format("SELECT (extract(epoch FROM updated_at) * 1000000)::bigint = "
                                     "$2 FROM {} WHERE id = $1 FOR UPDATE",
                                     work_->quote_name(spec.table)),
                         id, version);
  return !rows.empty() && rows[0][0].as<bool>();
}

void ImportStore::record_page_edits(const TableSpec& spec, long long id, const std::string& before,
                                    const std::string& after, const std::string& who) {
  auto b = nlohmann::json::parse(before), a = nlohmann::json::parse(after);
  std::set<std::string> columns;
  auto consider = [&](const std::string& key) {
    if ((b.contains(key) ? b[key] : nlohmann::json()) ==
        (a.contains(key) ? a[key] : nlohmann::json()))
      return;
    auto mapped = json_to_column().find(key);
    std::string column = mapped == json_to_column().end() ? key : mapped->second;
    if (spec.table == "needs" && key == "wkt") column = "search_polygon";
    if (is_column(spec, column)) columns.insert(column);
  };
  for (const auto& [k, v] : a.items()) consider(k);
  for (const auto& [k, v] : b.items()) consider(k);
  if (spec.table == "opportunities" && columns.count("geom")) columns.insert("location_precision");
  for (const auto& column : columns) {
    work_->exec_params(
        "INSERT INTO row_edits (entity, entity_id, field, edited_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (entity, entity_id, field) DO UPDATE SET edited_at = now(), edited_by = "
        "EXCLUDED.edited_by",
        entity_of(spec), id, column, who);
  }
}

std::vector<EditConflict> ImportStore::keep_page_edits(const TableSpec& spec,
                                                       const std::string& source,
                                                       bool prefer_file) {
  pqxx::work& w = *work_;
  const std::string entity = entity_of(spec);
  const std::string t = w.quote_name(spec.table), s = w.quote_name(stage_table_);
  // The staged rows of this source whose stored row has edits, and which.
  const std::string joined = fmt::format(
      "{s} s JOIN {t} t ON t.source = $1 AND t.external_id = s.external_id "
      "JOIN row_edits e ON e.entity = $2 AND e.entity_id = t.id AND e.field = $3 {private_join}",
      fmt::arg("s", s), fmt::arg("t", t),
      fmt::arg("private_join",
               spec.private_table.empty()
                   ? std::string()
                   : fmt::format("LEFT JOIN {} p ON p.{} = t.id", w.quote_name(spec.private_table),
                                 w.quote_name(spec.private_key))));
  std::vector<std::string> fields;
  for (const auto& r :
       w.exec_params(fmt::format("SELECT DISTINCT e.field FROM {s} s JOIN {t} t ON t.source = $1 "
                                 "AND t.external_id = s.external_id JOIN row_edits e ON "
                                 "e.entity = $2 AND e.entity_id = t.id ORDER BY 1",
                                 fmt::arg("s", s), fmt::arg("t", t)),
                     source, entity)) {
    std::string field = r[0].as<std::string>();
    if (is_column(spec, field)) fields.push_back(field);
  }
  std::vector<EditConflict> out;
  for (const auto& field : fields) {
    const std::string col = w.quote_name(field);
    const std::string stored = (is_private(spec, field) ? "p." : "t.") + col;
    const bool geometry = sql_type(spec, field) == "geometry";
    auto shown = [&](const std::string& e) {
      return geometry ? "ST_AsText(" + e + ")" : "(" + e + ")::text";
    };
    const std::string differs = fmt::format("{} IS DISTINCT FROM s.{}", stored, col);
    for (const auto& r : w.exec_params(
             fmt::format(
                 "SELECT s.position, {}, {}, e.edited_by, to_char(e.edited_at AT TIME ZONE 'UTC', "
                 "'YYYY-MM-DD HH24:MI') FROM {} WHERE {} ORDER BY s.position",
                 shown(stored), shown("s." + col), joined, differs),
             source, entity, field)) {
      out.push_back({r[0].as<std::size_t>(), field, r[1].is_null() ? "" : r[1].as<std::string>(),
                     r[2].is_null() ? "" : r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<std::string>()});
    }
    // The file now agrees with the edit: nothing left to protect.
    w.exec_params(
        fmt::format("DELETE FROM row_edits x USING {} WHERE x.entity = e.entity AND x.entity_id = "
                    "e.entity_id AND x.field = e.field AND NOT ({})",
                    joined, differs),
        source, entity, field);
    if (prefer_file) {
      w.exec_params(
          fmt::format(
              "DELETE FROM row_edits x USING {} WHERE x.entity = e.entity AND x.entity_id = "
              "e.entity_id AND x.field = e.field",
              joined),
          source, entity, field);
    } else {
      // Terrier's value stays; the marked hash makes the next import of the
      // same file look at the row again instead of skipping it as unchanged.
      w.exec_params(
          fmt::format(
              "UPDATE {s} s2 SET {col} = {stored}, content_hash = CASE WHEN "
              "starts_with(s2.content_hash, 'edited:') THEN s2.content_hash ELSE 'edited:' || "
              "s2.content_hash END FROM {joined} WHERE s2.position = s.position "
              "AND {differs}",
              fmt::arg("s", s), fmt::arg("col", col), fmt::arg("stored", stored),
              fmt::arg("joined", joined), fmt::arg("differs", differs)),
          source, entity, field);
    }
  }
  return out;
}

}  // namespace terrier::db
