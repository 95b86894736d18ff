#include "db/staging_store.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>

#include "core/error.hpp"
#include "core/text.hpp"
#include "db/copy_row.hpp"
#include "db/foreign_keys.hpp"

namespace terrier::db {
namespace {

// Identifiers in the SQL below come from TableSpec constants in the code,
// never from input; they are still quoted.
std::string column_list(pqxx::work& w, const std::vector<StageColumn>& cols,
                        const std::string& prefix = "") {
  std::string out;
  for (const auto& c : cols) {
    if (!out.empty()) out += ", ";
    out += prefix + w.quote_name(c.name);
  }
  return out;
}

// A staged row's stored row: by its source and external id, or, for rows
// without one, by content hash. Two equality joins, not one join on "a OR
// b": PostgreSQL can hash-join each, while the OR made it compare every pair
// (the benchmark's 100k-row import spent most of its time there). Rows whose
// target is already known ("#42" in a sheet) are left as they are.
void match_stored_rows(pqxx::work& w, const std::string& s, const std::string& t,
                       const std::string& set) {
  w.exec0(
      fmt::format("UPDATE {s} s SET {set} FROM {t} t WHERE s.target_id IS NULL "
                  "AND s.external_id IS NOT NULL AND t.source = s.source "
                  "AND t.external_id = s.external_id",
                  fmt::arg("s", s), fmt::arg("t", t), fmt::arg("set", set)));
  w.exec0(
      fmt::format("UPDATE {s} s SET {set} FROM {t} t WHERE s.target_id IS NULL "
                  "AND s.external_id IS NULL AND t.source = s.source AND t.external_id IS NULL "
                  "AND t.content_hash = s.content_hash",
                  fmt::arg("s", s), fmt::arg("t", t), fmt::arg("set", set)));
}

// What a bulk load puts aside and restores in the same transaction: the
// definitions of the indexes it dropped and of the foreign keys of the
// private table. A failure rolls the drops back with the rows.
struct SetAside {
  std::vector<std::string> index_definitions;
  ForeignKeys private_keys;
};

// Every index of `table` but the unique ones: building each once after the
// load costs less than maintaining it row by row (the trigram index alone
// took 1.4 s per 100,000 rows). The unique ones stay: rebuilt, the reference's
// took 0.3-0.4 s, more than its upkeep during the insert.
void drop_secondary_indexes(pqxx::work& w, const std::string& table, SetAside& aside) {
  for (const auto& row : w.exec_params(
           "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
           "WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND NOT i.indisprimary",
           table)) {
    w.exec0("DROP INDEX " + row[0].as<std::string>());
    aside.index_definitions.push_back(row[1].as<std::string>());
  }
}

void restore_indexes(pqxx::work& w, const SetAside& aside) {
  for (const auto& definition : aside.index_definitions) w.exec0(definition);
}

// Runs `statement` with more memory for its sorts, then restores the
// setting: the new rows' two sorts spilled to disk at the default 4 MB. Not
// for the whole import: other plans change with it (the duplicates' pairs
// took 70 s instead of 1 with a larger work_mem).
pqxx::result with_sort_memory(pqxx::work& w, const std::string& statement) {
  const std::string before = w.exec1("SELECT current_setting('work_mem')")[0].as<std::string>();
  w.exec("SELECT set_config('work_mem', '128MB', true)");
  auto r = w.exec0(statement);
  w.exec_params("SELECT set_config('work_mem', $1, true)", before);
  return r;
}

// The sequence of `table`'s id, asked once: in the INSERT's select list,
// pg_get_serial_sequence() ran per row (0.4 s of catalog lookups per 100,000).
std::string identity_sequence(pqxx::work& w, const std::string& table) {
  return w.exec_params1("SELECT pg_get_serial_sequence($1, 'id')", table)[0].as<std::string>();
}

}  // namespace

StageWriter::StageWriter(pqxx::work& w, const std::string& table,
                         const std::vector<std::string>& names, std::string default_source)
    : work_(&w),
      table_(table),
      default_source_(std::move(default_source)),
      copy_(std::make_unique<pqxx::stream_to>(w, table, names)),
      line_(names.size()) {}

StageWriter::StageWriter(StageWriter&&) noexcept = default;

StageWriter::~StageWriter() = default;

void StageWriter::write(const StagedRow& row) {
  if (!copy_) throw DbError("the staging COPY is already finished");
  constexpr std::size_t kIdentity = 5;  // position, external_id, content_hash, source, target_id
  if (row.values.size() + kIdentity != line_.size()) {
    throw DbError(fmt::format("{}: a staged row of {} values for {} columns", table_,
                              row.values.size(), line_.size() - kIdentity));
  }
  position_ = std::to_string(row.position);
  target_ = row.target_id ? std::to_string(*row.target_id) : std::string();
  line_[0] = position_.c_str();
  line_[1] = row.external_id ? row.external_id->c_str() : nullptr;
  line_[2] = row.content_hash.c_str();
  line_[3] = row.source ? row.source->c_str() : default_source_.c_str();
  line_[4] = row.target_id ? target_.c_str() : nullptr;
  for (std::size_t i = 0; i < row.values.size(); ++i) {
    line_[kIdentity + i] = row.values[i] ? row.values[i]->c_str() : nullptr;
  }
  copy_row(*copy_, line_);
}

void StageWriter::finish() {
  if (!copy_) return;
  copy_->complete();
  copy_.reset();
  // Points to 1e-7° (about 1 cm), the nearest double to the decimal: every
  // sheet writes them back with the digits that read to the same point
  // (GDAL's XLSX writer keeps 16 significant digits, not the 17 a commune's
  // computed centre may need), and a re-import compares equal. The importer
  // rounds its points already (importers/location): only the others are
  // rewritten, since rewriting every row doubled the table that each later
  // step reads.
  for (const auto& col : geometry_columns_) {
    const std::string c = work_->quote_name(col);
    work_->exec0(fmt::format(
        "UPDATE {t} SET {c} = ST_SetSRID(ST_MakePoint(round(ST_X({c}) * 1e7) / 1e7, "
        "round(ST_Y({c}) * 1e7) / 1e7), ST_SRID({c})) WHERE GeometryType({c}) = 'POINT' "
        "AND (ST_X({c}) <> round(ST_X({c}) * 1e7) / 1e7 OR ST_Y({c}) <> round(ST_Y({c}) * 1e7) / "
        "1e7 OR ST_NDims({c}) <> 2 OR ST_IsEmpty({c}))",
        fmt::arg("t", work_->quote_name(table_)), fmt::arg("c", c)));
  }
  // Statistics of the columns the merge joins and filters on only: those of
  // every column (geometries, JSON, free text) took longer than the COPY of
  // small files and served no plan.
  work_->exec0(fmt::format("ANALYZE {} (position, external_id, content_hash, source, target_id{})",
                           work_->quote_name(table_), has_commune_ ? ", commune_insee" : ""));
}

StageWriter StagingStore::begin_stage(const TableSpec& spec, const std::string& source) {
  pqxx::work& w = tx_.work();
  tx_.set_stage_table("stage_" + spec.table);
  const std::string& stage_table = tx_.stage_table();
  std::string defs;
  std::vector<std::string> names = {"position", "external_id", "content_hash", "source",
                                    "target_id"};
  for (const auto* cols : {&spec.columns, &spec.private_columns}) {
    for (const auto& c : *cols) {
      defs += fmt::format(", {} {}", w.quote_name(c.name), c.sql_type);
      names.push_back(c.name);
    }
  }
  w.exec0(fmt::format("DROP TABLE IF EXISTS {}", w.quote_name(tx_.stage_table())));
  w.exec0(
      fmt::format("CREATE TEMP TABLE {} (position bigint, external_id text, content_hash text, "
                  "source text NOT NULL, target_id bigint{}, unchanged boolean) ON COMMIT DROP",
                  w.quote_name(tx_.stage_table()), defs));
  StageWriter writer(w, stage_table, names, source);
  for (const auto* cols : {&spec.columns, &spec.private_columns}) {
    for (const auto& c : *cols) {
      if (c.sql_type == "geometry") writer.geometry_columns_.push_back(c.name);
      writer.has_commune_ |= c.name == "commune_insee";
    }
  }
  return writer;
}

void StagingStore::stage(const TableSpec& spec, const std::string& source,
                         const std::vector<StagedRow>& rows) {
  auto writer = begin_stage(spec, source);
  for (const auto& row : rows) writer.write(row);
  writer.finish();
}

std::vector<UnknownTarget> StagingStore::resolve_targets(const TableSpec& spec) {
  pqxx::work& w = tx_.work();
  const std::string t = w.quote_name(spec.table);
  const std::string s = w.quote_name(tx_.stage_table());
  std::vector<UnknownTarget> out;
  for (const auto& r :
       w.exec(fmt::format("DELETE FROM {s} s WHERE s.target_id IS NOT NULL AND NOT EXISTS "
                          "(SELECT 1 FROM {t} t WHERE t.id = s.target_id) "
                          "RETURNING s.position, s.target_id",
                          fmt::arg("s", s), fmt::arg("t", t)))) {
    out.push_back({r[0].as<std::size_t>(), r[1].as<long long>()});
  }
  match_stored_rows(w, s, t, "target_id = t.id");
  return out;
}

void StagingStore::keep_stored_attributes(const TableSpec& spec,
                                          const std::vector<std::string>& file_columns) {
  if (!spec.find("attributes")) return;
  pqxx::work& w = tx_.work();
  w.exec_params(
      fmt::format("UPDATE {s} s SET attributes = (t.attributes - $1::text[]) || "
                  "coalesce(s.attributes, '{{}}'::jsonb) FROM {t} t WHERE s.target_id = t.id "
                  "AND t.attributes IS NOT NULL AND t.attributes <> '{{}}'::jsonb",
                  fmt::arg("s", w.quote_name(tx_.stage_table())),
                  fmt::arg("t", w.quote_name(spec.table))),
      text::pg_array_literal(file_columns));
}

std::vector<RepeatedRow> StagingStore::drop_repeated_rows() {
  pqxx::work& w = tx_.work();
  // One key per row: the stored row it names, its reference in its source,
  // or its content when it has neither.
  auto rows = w.exec(fmt::format(
      "WITH ranked AS (SELECT position, min(position) OVER (PARTITION BY "
      "  coalesce('i' || target_id, 'r' || source || chr(31) || external_id, "
      "'c' || content_hash)) AS first FROM {s}) "
      "DELETE FROM {s} s USING ranked r WHERE s.position = r.position AND r.position <> r.first "
      "RETURNING s.position, r.first, s.external_id",
      fmt::arg("s", w.quote_name(tx_.stage_table()))));
  std::vector<RepeatedRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    RepeatedRow repeated{r[0].as<std::size_t>(), r[1].as<std::size_t>(), std::nullopt};
    if (!r[2].is_null()) repeated.external_id = r[2].as<std::string>();
    out.push_back(std::move(repeated));
  }
  return out;
}

MergeCounts StagingStore::merge(const TableSpec& spec, const std::string& source, bool sync,
                                const std::vector<std::string>& protected_external_ids) {
  pqxx::work& w = tx_.work();
  MergeCounts counts;
  const std::string t = w.quote_name(spec.table);
  const std::string s = w.quote_name(tx_.stage_table());
  // Existing rows: their id, and whether the content is the same: the same
  // hash, or the same stored values (a sheet Terrier wrote reads back to the
  // same values through other text: "2027-03-01" for "mars 2027").
  match_stored_rows(w, s, t, "target_id = t.id");
  std::string same = "t.content_hash = s.content_hash OR (";
  for (const auto* cols : {&spec.columns, &spec.private_columns}) {
    for (const auto& c : *cols) {
      same += fmt::format("{0}.{1} IS NOT DISTINCT FROM s.{1} AND ",
                          cols == &spec.columns ? "t" : "p", w.quote_name(c.name));
    }
  }
  same += "true)";
  w.exec0(fmt::format(
      "UPDATE {s} s SET unchanged = ({same}) FROM {t} t {private_join} WHERE s.target_id = t.id",
      fmt::arg("s", s), fmt::arg("t", t), fmt::arg("same", same),
      fmt::arg("private_join",
               spec.private_table.empty()
                   ? std::string()
                   : fmt::format("LEFT JOIN {} p ON p.{} = t.id", w.quote_name(spec.private_table),
                                 w.quote_name(spec.private_key)))));

  // A commune code for located rows that lack one, from the commune layer.
  bool has_commune = false;
  for (const auto& c : spec.columns) has_commune |= c.name == "commune_insee";
  if (has_commune) {
    w.exec0(
        fmt::format("UPDATE {s} s SET commune_insee = c.code FROM territories c "
                    "WHERE s.commune_insee IS NULL AND s.geom IS NOT NULL AND c.level = 'commune' "
                    "AND ST_Intersects(c.geom, ST_PointOnSurface(s.geom))",
                    fmt::arg("s", s)));
  }

  std::string sets;
  for (const auto& c : spec.columns) {
    sets += fmt::format("{0} = s.{0}, ", w.quote_name(c.name));
  }
  counts.updated =
      w.exec0(
           fmt::format("UPDATE {t} t SET {sets}content_hash = s.content_hash, updated_at = now() "
                       "FROM {s} s WHERE t.id = s.target_id AND NOT s.unchanged",
                       fmt::arg("t", t), fmt::arg("s", s), fmt::arg("sets", sets)))
          .affected_rows();
  counts.unchanged =
      w.exec1(fmt::format("SELECT count(*) FROM {} WHERE unchanged", s))[0].as<long long>();
  // A first load (more new rows than the table holds, and many): maintaining
  // the search and spatial indexes row by row cost more than the rest of the
  // insert, so the secondary indexes are dropped and built again once, in
  // this transaction (a failure rolls both back). Readers wait for the
  // import's end meanwhile: acceptable for a table this much smaller.
  const long long waiting =
      w.exec1(fmt::format("SELECT count(*) FROM {} WHERE target_id IS NULL", s))[0].as<long long>();
  SetAside aside;
  if (waiting > 20'000 &&
      waiting > w.exec_params1("SELECT reltuples::bigint FROM pg_class WHERE oid = $1::regclass",
                               spec.table)[0]
                    .as<long long>()) {
    drop_secondary_indexes(w, spec.table, aside);
    // The private table's keys: checked row by row they cost as much as the
    // private rows' insert itself.
    if (!spec.private_table.empty()) aside.private_keys = drop_foreign_keys(w, spec.private_table);
  }
  // New rows are numbered in the file's order but written in spatial order
  // (the geohash of their geometry, a Z-order curve): a bbox's rows then
  // share table pages, where the file's order scattered a town's 500 rows
  // over 500 pages (issue 21; docs/benchmarks.md). The ids are drawn in
  // `position` order first, then the rows sorted: ids are the same as before.
  bool has_geom = false;
  for (const auto& c : spec.columns) has_geom |= c.name == "geom";
  const std::string cols = column_list(w, spec.columns);
  counts.inserted =
      with_sort_memory(
          w, has_geom
                 ? fmt::format(
                       "INSERT INTO {t} (id, source, external_id, content_hash, {cols}) "
                       "OVERRIDING SYSTEM VALUE SELECT new_id, source, external_id, content_hash, "
                       "{cols} FROM (SELECT nextval({sequence}::regclass) AS "
                       "new_id, o.* FROM (SELECT * FROM {s} WHERE target_id IS NULL ORDER BY "
                       "position) o) n ORDER BY CASE WHEN NOT ST_IsEmpty(geom) THEN "
                       "ST_GeoHash(ST_PointOnSurface(geom), 12) END, new_id",
                       fmt::arg("t", t), fmt::arg("s", s), fmt::arg("cols", cols),
                       fmt::arg("sequence", w.quote(identity_sequence(w, spec.table))))
                 : fmt::format("INSERT INTO {t} (source, external_id, content_hash, {cols}) "
                               "SELECT source, external_id, content_hash, {cols} FROM {s} "
                               "WHERE target_id IS NULL ORDER BY position",
                               fmt::arg("t", t), fmt::arg("s", s), fmt::arg("cols", cols)))
          .affected_rows();
  restore_indexes(w, aside);
  // The new rows' ids; `unchanged` stays NULL for them.
  // After a bulk insert the planner's statistics are stale (an empty table
  // at first): gather them before the joins that follow.
  if (counts.inserted > 10'000) w.exec0("ANALYZE " + t);
  match_stored_rows(w, s, t, "target_id = t.id");

  upsert_private(spec);
  restore_foreign_keys(w, aside.private_keys);

  if (sync) {
    counts.deleted =
        w.exec_params(fmt::format("DELETE FROM {t} t WHERE t.source = $1 "
                                  "AND NOT EXISTS (SELECT 1 FROM {s} s WHERE s.target_id = t.id) "
                                  "AND NOT (coalesce(t.external_id, '') = ANY($2::text[]))",
                                  fmt::arg("t", t), fmt::arg("s", s)),
                      source, text::pg_array_literal(protected_external_ids))
            .affected_rows();
  }
  return counts;
}

void StagingStore::upsert_private(const TableSpec& spec) {
  if (spec.private_table.empty()) return;
  pqxx::work& w = tx_.work();
  std::string pcols = column_list(w, spec.private_columns);
  std::string excluded;
  for (const auto& c : spec.private_columns) {
    std::string name = w.quote_name(c.name);
    excluded += fmt::format("{}{} = EXCLUDED.{}", excluded.empty() ? "" : ", ", name, name);
  }
  // Unchanged rows (unchanged = true) keep their private row as it is.
  w.exec0(
      fmt::format("INSERT INTO {pt} ({key}, {pcols}) SELECT target_id, {pcols} FROM {s} "
                  "WHERE NOT coalesce(unchanged, false) "
                  "ON CONFLICT ({key}) DO UPDATE SET {excluded}",
                  fmt::arg("pt", w.quote_name(spec.private_table)),
                  fmt::arg("key", w.quote_name(spec.private_key)), fmt::arg("pcols", pcols),
                  fmt::arg("s", w.quote_name(tx_.stage_table())), fmt::arg("excluded", excluded)));
}

std::vector<EditConflict> StagingStore::keep_page_edits(const TableSpec& spec, bool prefer_file) {
  pqxx::work& w = tx_.work();
  const std::string entity = edited_entity(spec);
  const std::string t = w.quote_name(spec.table), s = w.quote_name(tx_.stage_table());
  // The staged rows of this source whose stored row has edits, and which.
  const std::string joined = fmt::format(
      "{s} s JOIN {t} t ON t.id = s.target_id "
      "JOIN row_edits e ON e.entity = $1 AND e.entity_id = t.id AND e.field = $2 {private_join}",
      fmt::arg("s", s), fmt::arg("t", t),
      fmt::arg("private_join",
               spec.private_table.empty()
                   ? std::string()
                   : fmt::format("LEFT JOIN {} p ON p.{} = t.id", w.quote_name(spec.private_table),
                                 w.quote_name(spec.private_key))));
  // Most imports meet no edit at all: no join over a large staging table.
  if (!w.exec_params1("SELECT EXISTS (SELECT 1 FROM row_edits WHERE entity = $1)", entity)[0]
           .as<bool>()) {
    return {};
  }
  std::vector<std::string> fields;
  for (const auto& r :
       w.exec_params(fmt::format("SELECT DISTINCT e.field FROM {s} s JOIN {t} t ON t.id = "
                                 "s.target_id JOIN row_edits e ON "
                                 "e.entity = $1 AND e.entity_id = t.id ORDER BY 1",
                                 fmt::arg("s", s), fmt::arg("t", t)),
                     entity)) {
    std::string field = r[0].as<std::string>();
    if (spec.find(field)) fields.push_back(field);
  }
  std::vector<EditConflict> out;
  for (const auto& field : fields) {
    const std::string col = w.quote_name(field);
    const std::string stored = (spec.is_private(field) ? "p." : "t.") + col;
    const bool geometry = spec.find(field)->sql_type == "geometry";
    auto shown = [&](const std::string& e) {
      return geometry ? "ST_AsText(" + e + ")" : "(" + e + ")::text";
    };
    const std::string differs = fmt::format("{} IS DISTINCT FROM s.{}", stored, col);
    for (const auto& r : w.exec_params(
             fmt::format(
                 "SELECT s.position, {}, {}, e.edited_by, to_char(e.edited_at AT TIME ZONE 'UTC', "
                 "'YYYY-MM-DD HH24:MI') FROM {} WHERE {} ORDER BY s.position",
                 shown(stored), shown("s." + col), joined, differs),
             entity, field)) {
      out.push_back({r[0].as<std::size_t>(), field, r[1].is_null() ? "" : r[1].as<std::string>(),
                     r[2].is_null() ? "" : r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<std::string>()});
    }
    // The file now agrees with the edit: nothing left to protect.
    w.exec_params(
        fmt::format("DELETE FROM row_edits x USING {} WHERE x.entity = e.entity AND x.entity_id = "
                    "e.entity_id AND x.field = e.field AND NOT ({})",
                    joined, differs),
        entity, field);
    if (prefer_file) {
      w.exec_params(
          fmt::format(
              "DELETE FROM row_edits x USING {} WHERE x.entity = e.entity AND x.entity_id = "
              "e.entity_id AND x.field = e.field",
              joined),
          entity, field);
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
          entity, field);
    }
  }
  return out;
}

}  // namespace terrier::db
