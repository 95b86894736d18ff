#include "db/territory_store.hpp"

#include <pqxx/pqxx>
#include <set>

#include "core/text.hpp"
#include "db/copy_row.hpp"

namespace terrier::db {

void TerritoryStore::assign_place_circles() {
  tx_.work().exec0(
      "UPDATE places p SET circle_id = c.id FROM ("
      "  SELECT p2.id, (SELECT t.id FROM territories t WHERE t.level = 'circle' "
      "                  AND t.geom IS NOT NULL AND ST_Intersects(t.geom, p2.geom) "
      "                  ORDER BY t.id LIMIT 1) AS id_circle FROM places p2) c(pid, id) "
      "WHERE p.id = c.pid AND p.circle_id IS DISTINCT FROM c.id");
}

MergeCounts TerritoryStore::merge_territories(const std::string& level, const std::string& source,
                                              const std::vector<TerritoryRow>& rows) {
  pqxx::work& w = tx_.work();
  w.exec0("DROP TABLE IF EXISTS stage_territories");
  w.exec0(
      "CREATE TEMP TABLE stage_territories (position bigint, code text, name text, slug text, "
      "geom geometry, postcodes text[], population integer, parent_code text, attributes jsonb) "
      "ON COMMIT DROP");
  {
    pqxx::stream_to copy(
        w, "stage_territories",
        std::vector<std::string>{"position", "code", "name", "slug", "geom", "postcodes",
                                 "population", "parent_code", "attributes"});
    for (const auto& r : rows) {
      std::string position = std::to_string(r.position);
      std::string pcs = text::pg_array_literal(r.postcodes);
      std::string pop = r.population ? std::to_string(*r.population) : "";
      std::vector<const char*> line = {position.c_str(),
                                       r.code.c_str(),
                                       r.name.c_str(),
                                       r.slug.c_str(),
                                       r.ewkb_hex.c_str(),
                                       pcs.c_str(),
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
  counts.unchanged = w.exec_params1(
                          "SELECT count(*) FROM stage_territories s JOIN territories t "
                          "ON t.level = $1 AND t.code = s.code WHERE " +
                              same,
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

std::vector<std::size_t> TerritoryStore::unknown_circle_members(
    const std::vector<CircleMember>& members) {
  std::vector<std::string> codes;
  for (const auto& m : members) codes.push_back(m.member_code);
  std::set<std::string> known;
  for (const auto& r :
       tx_.work().exec_params("SELECT code FROM territories WHERE level IN ('commune', 'epci') "
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

MergeCounts TerritoryStore::merge_circles(const std::string& source,
                                          const std::vector<CircleMember>& members, bool sync) {
  pqxx::work& w = tx_.work();
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
        w.exec0(
             "DELETE FROM circle_members cm WHERE cm.circle_id IN "
             "(SELECT circle_id FROM stage_members) AND NOT EXISTS (SELECT 1 FROM stage_members "
             "sm WHERE sm.circle_id = cm.circle_id AND sm.member_id = cm.member_id)")
            .affected_rows();
  }
  counts.inserted = w.exec_params(
                         "INSERT INTO circle_members (circle_id, member_id, source) "
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

}  // namespace terrier::db
