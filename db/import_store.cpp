#include "db/import_store.hpp"

#include <fmt/core.h>

#include <array>
#include <pqxx/pqxx>
#include <utility>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "db/copy_reader.hpp"

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

// A staged row's stored row: by external id, or, for rows without one, by
// content hash. Two equality joins, not one join on "a OR b": PostgreSQL can
// hash-join each, while the OR made it compare every pair (the benchmark's
// 100k-row import spent most of its time there).
void match_stored_rows(pqxx::work& w, const std::string& s, const std::string& t,
                       const std::string& source, const std::string& set) {
  w.exec_params(fmt::format("UPDATE {s} s SET {set} FROM {t} t WHERE s.target_id IS NULL "
                            "AND s.external_id IS NOT NULL AND t.source = $1 AND t.external_id = s.external_id",
                            fmt::arg("s", s), fmt::arg("t", t), fmt::arg("set", set)),
                source);
  w.exec_params(fmt::format("UPDATE {s} s SET {set} FROM {t} t WHERE s.target_id IS NULL "
                            "AND s.external_id IS NULL AND t.source = $1 AND t.external_id IS NULL "
                            "AND t.content_hash = s.content_hash",
                            fmt::arg("s", s), fmt::arg("t", t), fmt::arg("set", set)),
                source);
}

// pqxx 6.4's stream_to writes tuple-like rows only; staging tables have a
// width known at run time, so rows go through std::array of the right size.
using CopyRow = std::vector<const char*>;
using RowWriter = void (*)(pqxx::stream_to&, const CopyRow&);

template <std::size_t... I>
void write_array(pqxx::stream_to& s, const CopyRow& row, std::index_sequence<I...>) {
  s << std::array<const char*, sizeof...(I)>{row[I]...};
}

template <std::size_t N>
void write_row_of(pqxx::stream_to& s, const CopyRow& row) {
  write_array(s, row, std::make_index_sequence<N + 1>{});
}

template <std::size_t... N>
constexpr std::array<RowWriter, sizeof...(N)> make_writers(std::index_sequence<N...>) {
  return {&write_row_of<N>...};
}

constexpr std::size_t kMaxCopyColumns = 40;
constexpr auto kRowWriters = make_writers(std::make_index_sequence<kMaxCopyColumns>{});

void copy_row(pqxx::stream_to& s, const CopyRow& row) {
  if (row.empty() || row.size() > kMaxCopyColumns) {
    throw DbError(fmt::format("cannot COPY a row of {} columns", row.size()));
  }
  kRowWriters[row.size() - 1](s, row);
}

}  // namespace

ImportStore::ImportStore(pqxx::connection_base& conn)
    : conn_(conn), work_(std::make_unique<pqxx::work>(conn, "import")) {}

ImportStore::~ImportStore() = default;

std::vector<CommuneRow> ImportStore::communes() {
  std::vector<CommuneRow> out;
  auto rows = work_->exec(
      "SELECT code, name, array_to_string(postcodes, ','), ST_X(p), ST_Y(p) "
      "FROM (SELECT code, name, postcodes, ST_PointOnSurface(geom) AS p FROM territories "
      "      WHERE level = 'commune') c");
  out.reserve(rows.size());
  for (const auto& r : rows) {
    CommuneRow c;
    c.insee = r[0].as<std::string>();
    c.name = r[1].as<std::string>();
    std::string pcs = r[2].as<std::string>();
    for (std::size_t start = 0; start < pcs.size();) {
      auto comma = pcs.find(',', start);
      if (comma == std::string::npos) comma = pcs.size();
      if (comma > start) c.postcodes.push_back(pcs.substr(start, comma - start));
      start = comma + 1;
    }
    c.lon = r[3].as<double>();
    c.lat = r[4].as<double>();
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<std::string> ImportStore::region_outline_wkb(double margin_m) {
  // Kept in region_outline_cache (sql/007) until a territory changes.
  auto cached = work_->exec_params("SELECT wkb FROM region_outline_cache WHERE margin_m = $1", margin_m);
  pqxx::row r = !cached.empty() ? cached[0]
                                : work_->exec_params1(
                                      "INSERT INTO region_outline_cache (margin_m, wkb) "
                                      "SELECT $1, ST_AsBinary(ST_Buffer(ST_Union(geom)::geography, $1)::geometry) "
                                      "FROM territories WHERE level = 'departement' "
                                      "ON CONFLICT (margin_m) DO UPDATE SET wkb = EXCLUDED.wkb RETURNING wkb",
                                      margin_m);
  if (r[0].is_null()) return std::nullopt;
  return pqxx::binarystring(r[0]).str();
}

std::map<std::string, long long> ImportStore::territory_ids_by_slug() {
  std::map<std::string, long long> out;
  for (const auto& r : work_->exec("SELECT slug, id FROM territories")) {
    out.emplace(r[0].as<std::string>(), r[1].as<long long>());
  }
  return out;
}

std::vector<TerritoryKey> ImportStore::territory_keys() {
  std::vector<TerritoryKey> out;
  for (const auto& r : work_->exec("SELECT id, level::text, code, slug, name FROM territories")) {
    out.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<std::string>()});
  }
  return out;
}

std::map<std::string, std::string> ImportStore::territory_slug_owners() {
  std::map<std::string, std::string> out;
  for (const auto& r : work_->exec("SELECT slug, level || ' ' || code FROM territories")) {
    out.emplace(r[0].as<std::string>(), r[1].as<std::string>());
  }
  return out;
}

std::map<std::string, long long> ImportStore::place_ids_by_external_id() {
  std::map<std::string, long long> out;
  for (const auto& r :
       work_->exec("SELECT external_id, id FROM places WHERE external_id IS NOT NULL")) {
    out.emplace(r[0].as<std::string>(), r[1].as<long long>());
  }
  return out;
}

StageWriter::StageWriter(pqxx::work& w, const std::string& table, const std::vector<std::string>& names)
    : work_(&w), table_(table), copy_(std::make_unique<pqxx::stream_to>(w, table, names)),
      line_(names.size()) {}

StageWriter::StageWriter(StageWriter&&) noexcept = default;

StageWriter::~StageWriter() = default;

void StageWriter::write(const StagedRow& row) {
  if (!copy_) throw DbError("the staging COPY is already finished");
  position_ = std::to_string(row.position);
  line_[0] = position_.c_str();
  line_[1] = row.external_id ? row.external_id->c_str() : nullptr;
  line_[2] = row.content_hash.c_str();
  for (std::size_t i = 0; i < row.values.size(); ++i) {
    line_[3 + i] = row.values[i] ? row.values[i]->c_str() : nullptr;
  }
  copy_row(*copy_, line_);
}

void StageWriter::finish() {
  if (!copy_) return;
  copy_->complete();
  copy_.reset();
  work_->exec0(fmt::format("ANALYZE {}", work_->quote_name(table_)));
}

StageWriter ImportStore::begin_stage(const TableSpec& spec) {
  pqxx::work& w = *work_;
  stage_table_ = "stage_" + spec.table;
  std::string defs;
  std::vector<std::string> names = {"position", "external_id", "content_hash"};
  for (const auto* cols : {&spec.columns, &spec.private_columns}) {
    for (const auto& c : *cols) {
      defs += fmt::format(", {} {}", w.quote_name(c.name), c.sql_type);
      names.push_back(c.name);
    }
  }
  w.exec0(fmt::format("DROP TABLE IF EXISTS {}", w.quote_name(stage_table_)));
  w.exec0(fmt::format(
      "CREATE TEMP TABLE {} (position bigint, external_id text, content_hash text{}, "
      "target_id bigint, unchanged boolean) ON COMMIT DROP",
      w.quote_name(stage_table_), defs));
  return StageWriter(w, stage_table_, names);
}

void ImportStore::stage(const TableSpec& spec, const std::vector<StagedRow>& rows) {
  auto writer = begin_stage(spec);
  for (const auto& row : rows) writer.write(row);
  writer.finish();
}

std::vector<RepeatedRow> ImportStore::drop_repeated_rows() {
  pqxx::work& w = *work_;
  // One key per row: its reference, or its content when it has none.
  auto rows = w.exec(fmt::format(
      "WITH ranked AS (SELECT position, min(position) OVER (PARTITION BY "
      "  coalesce('r' || external_id, 'c' || content_hash)) AS first FROM {s}) "
      "DELETE FROM {s} s USING ranked r WHERE s.position = r.position AND r.position <> r.first "
      "RETURNING s.position, r.first, s.external_id",
      fmt::arg("s", w.quote_name(stage_table_))));
  std::vector<RepeatedRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    RepeatedRow repeated{r[0].as<std::size_t>(), r[1].as<std::size_t>(), std::nullopt};
    if (!r[2].is_null()) repeated.external_id = r[2].as<std::string>();
    out.push_back(std::move(repeated));
  }
  return out;
}

MergeCounts ImportStore::merge(const TableSpec& spec, const std::string& source, bool sync,
                               const std::vector<std::string>& protected_external_ids) {
  pqxx::work& w = *work_;
  MergeCounts counts;
  const std::string t = w.quote_name(spec.table);
  const std::string s = w.quote_name(stage_table_);
  // Existing rows: their id, and whether the content is the same.
  match_stored_rows(w, s, t, source, "target_id = t.id, unchanged = (t.content_hash = s.content_hash)");

  // A commune code for located rows that lack one, from the commune layer.
  bool has_commune = false;
  for (const auto& c : spec.columns) has_commune |= c.name == "commune_insee";
  if (has_commune) {
    w.exec0(fmt::format(
        "UPDATE {s} s SET commune_insee = c.code FROM territories c "
        "WHERE s.commune_insee IS NULL AND s.geom IS NOT NULL AND c.level = 'commune' "
        "AND ST_Intersects(c.geom, ST_PointOnSurface(s.geom))",
        fmt::arg("s", s)));
  }

  std::string sets;
  for (const auto& c : spec.columns) {
    sets += fmt::format("{0} = s.{0}, ", w.quote_name(c.name));
  }
  counts.updated = w.exec0(fmt::format(
                        "UPDATE {t} t SET {sets}content_hash = s.content_hash, updated_at = now() "
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
  std::vector<std::string> rebuild;
  if (waiting > 20'000 &&
      waiting > w.exec_params1("SELECT reltuples::bigint FROM pg_class WHERE oid = $1::regclass", spec.table)[0]
                    .as<long long>()) {
    for (const auto& row : w.exec_params(
             "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
             "WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND NOT i.indisprimary",
             spec.table)) {
      w.exec0("DROP INDEX " + row[0].as<std::string>());
      rebuild.push_back(row[1].as<std::string>());
    }
  }
  counts.inserted =
      w.exec_params(fmt::format("INSERT INTO {t} (source, external_id, content_hash, {cols}) "
                                "SELECT $1, external_id, content_hash, {cols} FROM {s} "
                                "WHERE target_id IS NULL ORDER BY position",
                                fmt::arg("t", t), fmt::arg("s", s),
                                fmt::arg("cols", column_list(w, spec.columns))),
                    source)
          .affected_rows();
  for (const auto& definition : rebuild) w.exec0(definition);
  // The new rows' ids; `unchanged` stays NULL for them.
  // After a bulk insert the planner's statistics are stale (an empty table
  // at first): gather them before the joins that follow.
  if (counts.inserted > 10'000) w.exec0("ANALYZE " + t);
  match_stored_rows(w, s, t, source, "target_id = t.id");

  upsert_private(spec);

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

void ImportStore::upsert_private(const TableSpec& spec) {
  if (spec.private_table.empty()) return;
  pqxx::work& w = *work_;
  std::string pcols = column_list(w, spec.private_columns);
  std::string excluded;
  for (const auto& c : spec.private_columns) {
    std::string name = w.quote_name(c.name);
    excluded += fmt::format("{}{} = EXCLUDED.{}", excluded.empty() ? "" : ", ", name, name);
  }
  // Unchanged rows (unchanged = true) keep their private row as it is.
  w.exec0(fmt::format("INSERT INTO {pt} ({key}, {pcols}) SELECT target_id, {pcols} FROM {s} "
                      "WHERE NOT coalesce(unchanged, false) "
                      "ON CONFLICT ({key}) DO UPDATE SET {excluded}",
                      fmt::arg("pt", w.quote_name(spec.private_table)),
                      fmt::arg("key", w.quote_name(spec.private_key)), fmt::arg("pcols", pcols),
                      fmt::arg("s", w.quote_name(stage_table_)), fmt::arg("excluded", excluded)));
}

namespace {
// The pairs of `cand` (o: a row of this import, dup: the other) become the
// flags, and their rows' duplicate_of.
std::vector<DuplicateFlag> flag_candidates(pqxx::work& w, const std::string& cand) {
  auto rows = w.exec(
      "WITH cand AS (" + cand + "), "
      "upd AS (UPDATE opportunities o SET duplicate_of = cand.dup FROM cand WHERE o.id = cand.id) "
      "SELECT position, dsource, coalesce(dext, ''), dtitle, dist FROM cand ORDER BY position");
  std::vector<DuplicateFlag> out;
  for (const auto& r : rows) {
    out.push_back({r[0].as<std::size_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<double>()});
  }
  return out;
}

// The changed rows of this import are searched again: their flags go first
// (new rows have none yet).
void forget_duplicates(pqxx::work& w, const std::string& stage) {
  w.exec0(fmt::format(
      "UPDATE opportunities o SET duplicate_of = NULL FROM {} s "
      "WHERE o.id = s.target_id AND s.unchanged = false",
      stage));
}

// The rule, on a pair o (this import's) and d (known before it): the titles
// or the addresses are alike. In a CASE after the distance: the planner
// would test the similarity first, which costs more and rules out fewer.
constexpr const char* kAlike =
    "CASE WHEN ST_DWithin(d.point::geography, o.point::geography, 50) "
    "THEN similarity(terrier_fold(d.title), terrier_fold(o.title)) >= 0.3 "
    "  OR similarity(terrier_fold(coalesce(d.address, '')), terrier_fold(coalesce(o.address, ''))) >= 0.5 "
    "ELSE false END";
}  // namespace

DuplicateSearchSize ImportStore::duplicate_search_size() {
  auto r = work_->exec1(fmt::format(
      "SELECT (SELECT count(*) FROM {} s JOIN opportunities o ON o.id = s.target_id "
      "        WHERE NOT coalesce(s.unchanged, false) AND o.location_precision <> 'commune'), "
      "       (SELECT count(*) FROM opportunities WHERE location_precision <> 'commune')",
      work_->quote_name(stage_table_)));
  return {r[0].as<long long>(), r[1].as<long long>()};
}

std::vector<DuplicateFlag> ImportStore::flag_duplicate_opportunities() {
  pqxx::work& w = *work_;
  const std::string s = w.quote_name(stage_table_);
  forget_duplicates(w, s);
  return flag_candidates(
      w, fmt::format("SELECT o.id, s.position, d.id AS dup, d.source AS dsource, d.external_id AS dext, "
                     "       d.title AS dtitle, ST_Distance(o.point::geography, d.point::geography) AS dist "
                     "FROM {s} s JOIN opportunities o ON o.id = s.target_id "
                     "CROSS JOIN LATERAL (SELECT d.* FROM opportunities d "
                     "   WHERE d.id < o.id AND d.kind = o.kind AND d.location_precision <> 'commune' "
                     "     AND d.point && ST_Expand(o.point, 0.001) AND {alike} "
                     "   ORDER BY d.point <-> o.point LIMIT 1) d "
                     "WHERE NOT coalesce(s.unchanged, false) AND o.location_precision <> 'commune'",
                     fmt::arg("s", s), fmt::arg("alike", kAlike)));
}

std::vector<DuplicatePoint> ImportStore::duplicate_points() {
  pqxx::work& w = *work_;
  // Streamed: a million rows.
  CopyReader rows(w,
                  fmt::format("SELECT o.id, o.kind, ST_X(o.point), ST_Y(o.point), s.target_id IS NOT NULL "
                              "FROM opportunities o LEFT JOIN {} s ON s.target_id = o.id "
                              "AND NOT coalesce(s.unchanged, false) WHERE o.location_precision <> 'commune'",
                              w.quote_name(stage_table_)),
                  5);
  std::vector<DuplicatePoint> out;
  while (rows.next()) {
    out.push_back({rows.number<long long>(0).value_or(0), rows.text(1).value_or(""),
                   rows.number<double>(2).value_or(0), rows.number<double>(3).value_or(0), rows.boolean(4)});
  }
  return out;
}

std::vector<DuplicateFlag> ImportStore::flag_duplicate_pairs(
    const std::vector<std::pair<long long, long long>>& pairs) {
  pqxx::work& w = *work_;
  const std::string s = w.quote_name(stage_table_);
  forget_duplicates(w, s);
  w.exec0("CREATE TEMP TABLE duplicate_pairs (o bigint, d bigint) ON COMMIT DROP");
  {
    pqxx::stream_to copy(w, "duplicate_pairs");
    for (const auto& [o, d] : pairs) copy << std::make_tuple(o, d);
    copy.complete();
  }
  // The nearest alike, as the row-by-row search orders them.
  auto flags = flag_candidates(
      w, fmt::format("SELECT DISTINCT ON (o.id) o.id, s.position, d.id AS dup, d.source AS dsource, "
                     "       d.external_id AS dext, d.title AS dtitle, "
                     "       ST_Distance(o.point::geography, d.point::geography) AS dist "
                     "FROM duplicate_pairs p JOIN opportunities o ON o.id = p.o "
                     "JOIN opportunities d ON d.id = p.d JOIN {s} s ON s.target_id = o.id "
                     "WHERE {alike} ORDER BY o.id, d.point <-> o.point, d.id",
                     fmt::arg("s", s), fmt::arg("alike", kAlike)));
  w.exec0("DROP TABLE duplicate_pairs");
  return flags;
}

void ImportStore::assign_place_circles() {
  work_->exec0(
      "UPDATE places p SET circle_id = c.id FROM ("
      "  SELECT p2.id, (SELECT t.id FROM territories t WHERE t.level = 'circle' "
      "                  AND t.geom IS NOT NULL AND ST_Intersects(t.geom, p2.geom) "
      "                  ORDER BY t.id LIMIT 1) AS id_circle FROM places p2) c(pid, id) "
      "WHERE p.id = c.pid AND p.circle_id IS DISTINCT FROM c.id");
}

MergeCounts ImportStore::merge_territories(const std::string& level, const std::string& source,
                                           const std::vector<TerritoryRow>& rows) {
  pqxx::work& w = *work_;
  w.exec0("DROP TABLE IF EXISTS stage_territories");
  w.exec0(
      "CREATE TEMP TABLE stage_territories (position bigint, code text, name text, slug text, "
      "geom geometry, postcodes text[], population integer, parent_code text, attributes jsonb) "
      "ON COMMIT DROP");
  {
    pqxx::stream_to copy(w, "stage_territories",
                         std::vector<std::string>{"position", "code", "name", "slug", "geom",
                                                  "postcodes", "population", "parent_code",
                                                  "attributes"});
    for (const auto& r : rows) {
      std::string position = std::to_string(r.position);
      std::string pcs = text::pg_array_literal(r.postcodes);
      std::string pop = r.population ? std::to_string(*r.population) : "";
      std::vector<const char*> line = {position.c_str(), r.code.c_str(), r.name.c_str(),
                                       r.slug.c_str(), r.ewkb_hex.c_str(), pcs.c_str(),
                                       r.population ? pop.c_str() : nullptr,
                                       r.parent_code ? r.parent_code->c_str() : nullptr,
                                       r.attributes_json.c_str()};
      copy_row(copy, line);
    }
    copy.complete();
  }
  MergeCounts counts;
  const std::string same =
      "t.name = s.name AND t.slug = s.slug AND t.postcodes = s.postcodes AND "
      "t.population IS NOT DISTINCT FROM s.population AND t.parent_code IS NOT DISTINCT FROM "
      "s.parent_code AND t.attributes = s.attributes AND t.source = $2 AND "
      "ST_AsBinary(t.geom) = ST_AsBinary(ST_Multi(s.geom))";
  counts.unchanged = w.exec_params1("SELECT count(*) FROM stage_territories s JOIN territories t "
                                    "ON t.level = $1 AND t.code = s.code WHERE " + same,
                                    level, source)[0]
                         .as<long long>();
  auto changed = w.exec_params(
      "INSERT INTO territories AS t (level, code, slug, name, postcodes, population, "
      "parent_code, attributes, source, geom) "
      "SELECT $1, code, slug, name, postcodes, population, parent_code, attributes, $2, "
      "ST_Multi(geom) FROM stage_territories s ORDER BY position "
      "ON CONFLICT (level, code) DO UPDATE SET slug = EXCLUDED.slug, name = EXCLUDED.name, "
      "postcodes = EXCLUDED.postcodes, population = EXCLUDED.population, "
      "parent_code = EXCLUDED.parent_code, attributes = EXCLUDED.attributes, "
      "source = EXCLUDED.source, geom = EXCLUDED.geom, updated_at = now() "
      "WHERE NOT (t.name = EXCLUDED.name AND t.slug = EXCLUDED.slug AND "
      "t.postcodes = EXCLUDED.postcodes AND t.population IS NOT DISTINCT FROM "
      "EXCLUDED.population AND t.parent_code IS NOT DISTINCT FROM EXCLUDED.parent_code AND "
      "t.attributes = EXCLUDED.attributes AND t.source = EXCLUDED.source AND "
      "ST_AsBinary(t.geom) = ST_AsBinary(EXCLUDED.geom)) "
      "RETURNING (xmax = 0) AS inserted, id",
      level, source);
  for (const auto& r : changed) (r[0].as<bool>() ? counts.inserted : counts.updated)++;
  // Circles whose members changed get their outline again.
  w.exec(
      "SELECT terrier_refresh_circle(circle_id) FROM (SELECT DISTINCT cm.circle_id "
      "FROM circle_members cm JOIN territories m ON m.id = cm.member_id "
      "WHERE m.updated_at = now()) c");
  return counts;
}

std::vector<std::size_t> ImportStore::unknown_circle_members(
    const std::vector<CircleMember>& members) {
  std::vector<std::string> codes;
  for (const auto& m : members) codes.push_back(m.member_code);
  std::set<std::string> known;
  for (const auto& r : work_->exec_params(
           "SELECT code FROM territories WHERE level IN ('commune', 'epci') "
           "AND code = ANY($1::text[])",
           text::pg_array_literal(codes))) {
    known.insert(r[0].as<std::string>());
  }
  std::vector<std::size_t> out;
  for (const auto& m : members) {
    if (!known.count(m.member_code)) out.push_back(m.position);
  }
  return out;
}

MergeCounts ImportStore::merge_circles(const std::string& source,
                                       const std::vector<CircleMember>& members, bool sync) {
  pqxx::work& w = *work_;
  w.exec0("DROP TABLE IF EXISTS stage_circles");
  w.exec0(
      "CREATE TEMP TABLE stage_circles (position bigint, slug text, name text, member_code text) "
      "ON COMMIT DROP");
  {
    pqxx::stream_to copy(w, "stage_circles",
                         std::vector<std::string>{"position", "slug", "name", "member_code"});
    for (const auto& m : members) {
      std::string position = std::to_string(m.position);
      std::vector<const char*> line = {position.c_str(), m.slug.c_str(), m.name.c_str(),
                                       m.member_code.c_str()};
      copy_row(copy, line);
    }
    copy.complete();
  }
  MergeCounts counts;
  w.exec_params(
      "INSERT INTO territories AS t (level, code, slug, name, source) "
      "SELECT DISTINCT ON (slug) 'circle', slug, slug, name, $1 FROM stage_circles "
      "ORDER BY slug, position "
      "ON CONFLICT (level, code) DO UPDATE SET name = EXCLUDED.name, updated_at = now() "
      "WHERE t.name <> EXCLUDED.name",
      source);
  w.exec0(
      "CREATE TEMP TABLE stage_members ON COMMIT DROP AS "
      "SELECT DISTINCT c.id AS circle_id, m.id AS member_id FROM stage_circles s "
      "JOIN territories c ON c.level = 'circle' AND c.code = s.slug "
      "JOIN territories m ON m.level IN ('commune', 'epci') AND m.code = s.member_code");
  if (sync) {
    counts.deleted =
      w.exec0("DELETE FROM circle_members cm WHERE cm.circle_id IN "
              "(SELECT circle_id FROM stage_members) AND NOT EXISTS (SELECT 1 FROM stage_members "
              "sm WHERE sm.circle_id = cm.circle_id AND sm.member_id = cm.member_id)")
          .affected_rows();
  }
  counts.inserted = w.exec_params("INSERT INTO circle_members (circle_id, member_id, source) "
                                  "SELECT circle_id, member_id, $1 FROM stage_members "
                                  "ON CONFLICT DO NOTHING",
                                  source)
                        .affected_rows();
  counts.unchanged =
      w.exec1("SELECT count(*) FROM stage_members")[0].as<long long>() - counts.inserted;
  if (counts.inserted > 0 || counts.deleted > 0) {
    w.exec(
        "SELECT terrier_refresh_circle(id) FROM territories WHERE level = 'circle' "
        "AND id IN (SELECT circle_id FROM stage_members)");
    assign_place_circles();
  }
  return counts;
}

void ImportStore::record_run(const ImportRun& run) {
  work_->exec_params(
      "INSERT INTO import_runs (kind, source, file_name, file_sha256, user_name, dry_run, "
      "started_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, "
      "rows_deleted, rows_flagged) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
      "$13, $14)",
      run.kind, run.source, run.file_name, run.file_sha256, run.user, run.dry_run, run.started_at,
      run.read, run.inserted, run.updated, run.unchanged, run.rejected, run.deleted, run.flagged);
}

long long ImportStore::insert_row(const TableSpec& spec, const std::string& source,
                                  const StagedRow& row) {
  stage(spec, {row});
  merge(spec, source, false, {});
  return work_->exec1(fmt::format("SELECT target_id FROM {}", work_->quote_name(stage_table_)))[0]
      .as<long long>();
}

bool ImportStore::update_row(const TableSpec& spec, long long id, const StagedRow& row) {
  pqxx::work& w = *work_;
  stage(spec, {row});
  const std::string t = w.quote_name(spec.table);
  const std::string s = w.quote_name(stage_table_);
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
  upsert_private(spec);
  return true;
}

bool ImportStore::delete_row(const TableSpec& spec, long long id) {
  return work_->exec_params(fmt::format("DELETE FROM {} WHERE id = $1", work_->quote_name(spec.table)),
                            id)
             .affected_rows() == 1;
}

std::optional<std::string> ImportStore::row_json(const TableSpec& spec, long long id) {
  std::string sql;
  if (spec.table == "opportunities") {
    sql = "SELECT jsonb_strip_nulls(jsonb_build_object('external_id', o.external_id, 'title', "
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
    sql = "SELECT jsonb_strip_nulls(jsonb_build_object('external_id', n.external_id, "
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
  auto rows = work_->exec_params(sql, id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

bool ImportStore::need_in_territory(long long need_id, const std::string& slug) {
  return work_->exec_params1(
                 "SELECT coalesce(ST_Intersects((SELECT geom FROM territories WHERE slug = $2), "
                 "coalesce(n.search_center, ST_PointOnSurface(coalesce(n.search_polygon, (SELECT "
                 "geom FROM territories t WHERE t.id = n.search_territory_id))))), false) "
                 "FROM needs n WHERE n.id = $1",
                 need_id, slug)[0]
      .as<bool>();
}

void ImportStore::record_audit(const std::string& actor, const std::string& action,
                               const std::string& entity, std::optional<long long> id,
                               const std::optional<std::string>& before,
                               const std::optional<std::string>& after) {
  work_->exec_params(
      "INSERT INTO audit_log (actor, action, entity, entity_id, before, after) "
      "VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)",
      actor, action, entity, id, before, after);
}

void ImportStore::commit() { work_->commit(); }

}  // namespace terrier::db
