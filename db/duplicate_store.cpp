#include "db/duplicate_store.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>
#include <tuple>

#include "db/copy_reader.hpp"

namespace terrier::db {

namespace {
// The pairs of `cand` (o: a row of this import, dup: the other) become the
// flags, and their rows' duplicate_of.
std::vector<DuplicateFlag> flag_candidates(pqxx::work& w, const std::string& cand) {
  auto rows = w.exec(
      "WITH cand AS (" + cand +
      "), "
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
  w.exec0(
      fmt::format("UPDATE opportunities o SET duplicate_of = NULL FROM {} s "
                  "WHERE o.id = s.target_id AND s.unchanged = false",
                  stage));
}

// The rule, on a pair o (this import's) and d (known before it): the titles
// or the addresses are alike. In a CASE after the distance: the planner
// would test the similarity first, which costs more and rules out fewer.
constexpr const char* kAlike =
    "CASE WHEN ST_DWithin(d.point::geography, o.point::geography, 50) "
    "THEN similarity(terrier_fold(d.title), terrier_fold(o.title)) >= 0.3 "
    "  OR similarity(terrier_fold(coalesce(d.address, '')), terrier_fold(coalesce(o.address, ''))) "
    ">= 0.5 "
    "ELSE false END";
}  // namespace

DuplicateSearchSize DuplicateStore::duplicate_search_size() {
  auto r = tx_.work().exec1(fmt::format(
      "SELECT (SELECT count(*) FROM {} s JOIN opportunities o ON o.id = s.target_id "
      "        WHERE NOT coalesce(s.unchanged, false) AND o.location_precision <> 'commune'), "
      "       (SELECT count(*) FROM opportunities WHERE location_precision <> 'commune')",
      tx_.work().quote_name(tx_.stage_table())));
  return {r[0].as<long long>(), r[1].as<long long>()};
}

std::vector<DuplicateFlag> DuplicateStore::flag_duplicate_opportunities() {
  pqxx::work& w = tx_.work();
  const std::string s = w.quote_name(tx_.stage_table());
  forget_duplicates(w, s);
  return flag_candidates(
      w,
      fmt::format(
          "SELECT o.id, s.position, d.id AS dup, d.source AS dsource, d.external_id AS dext, "
          "       d.title AS dtitle, ST_Distance(o.point::geography, d.point::geography) AS dist "
          "FROM {s} s JOIN opportunities o ON o.id = s.target_id "
          "CROSS JOIN LATERAL (SELECT d.* FROM opportunities d "
          "   WHERE d.id < o.id AND d.kind = o.kind AND d.location_precision <> 'commune' "
          "     AND d.point && ST_Expand(o.point, 0.001) AND {alike} "
          "   ORDER BY d.point <-> o.point LIMIT 1) d "
          "WHERE NOT coalesce(s.unchanged, false) AND o.location_precision <> 'commune'",
          fmt::arg("s", s), fmt::arg("alike", kAlike)));
}

std::vector<DuplicatePoint> DuplicateStore::duplicate_points() {
  pqxx::work& w = tx_.work();
  // Streamed: a million rows.
  CopyReader rows(
      w,
      fmt::format("SELECT o.id, o.kind, ST_X(o.point), ST_Y(o.point), s.target_id IS NOT NULL "
                  "FROM opportunities o LEFT JOIN {} s ON s.target_id = o.id "
                  "AND NOT coalesce(s.unchanged, false) WHERE o.location_precision <> 'commune'",
                  w.quote_name(tx_.stage_table())),
      5);
  std::vector<DuplicatePoint> out;
  while (rows.next()) {
    out.push_back({rows.number<long long>(0).value_or(0), rows.text(1).value_or(""),
                   rows.number<double>(2).value_or(0), rows.number<double>(3).value_or(0),
                   rows.boolean(4)});
  }
  return out;
}

std::vector<DuplicateFlag> DuplicateStore::flag_duplicate_pairs(
    const std::vector<std::pair<long long, long long>>& pairs) {
  pqxx::work& w = tx_.work();
  const std::string s = w.quote_name(tx_.stage_table());
  forget_duplicates(w, s);
  w.exec0("CREATE TEMP TABLE duplicate_pairs (o bigint, d bigint) ON COMMIT DROP");
  {
    pqxx::stream_to copy(w, "duplicate_pairs");
    for (const auto& [o, d] : pairs) copy << std::make_tuple(o, d);
    copy.complete();
  }
  // The nearest alike, as the row-by-row search orders them.
  auto flags = flag_candidates(
      w,
      fmt::format("SELECT DISTINCT ON (o.id) o.id, s.position, d.id AS dup, d.source AS dsource, "
                  "       d.external_id AS dext, d.title AS dtitle, "
                  "       ST_Distance(o.point::geography, d.point::geography) AS dist "
                  "FROM duplicate_pairs p JOIN opportunities o ON o.id = p.o "
                  "JOIN opportunities d ON d.id = p.d JOIN {s} s ON s.target_id = o.id "
                  "WHERE {alike} ORDER BY o.id, d.point <-> o.point, d.id",
                  fmt::arg("s", s), fmt::arg("alike", kAlike)));
  w.exec0("DROP TABLE duplicate_pairs");
  return flags;
}

}  // namespace terrier::db
