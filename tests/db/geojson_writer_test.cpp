// The items pages' features written in C++ (db/geojson_writer) against the
// jsonb features PostgreSQL builds from the same properties (exports, one
// feature): the same JSON for every collection, role and output CRS on the
// demo data, with awkward text added (quotes, backslashes, newlines, control
// characters, accents, array elements that need quoting). And each role's
// properties, as they were before the writer: the confidential ones only for
// foundations and admins.

#include "db/geojson_writer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "db/feature_sql.hpp"
#include "db/feature_store.hpp"
#include "tests/importers/import_fixture.hpp"

namespace terrier::test {
namespace {

using json = nlohmann::json;

std::string escaped(std::string_view s) {
  std::string out;
  db::append_json_string(out, s);
  return out;
}

std::string array_of(std::string_view literal) {
  std::string out;
  db::append_json_text_array(out, literal);
  return out;
}

TEST(FeatureWriter, EscapesWhatJsonRequiresAndKeepsUtf8) {
  EXPECT_EQ(escaped("plain"), R"("plain")");
  EXPECT_EQ(escaped("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(escaped("l1\nl2\r\t\b\f"), R"("l1\nl2\r\t\b\f")");
  EXPECT_EQ(escaped(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(escaped("Béthune – “friche”"), "\"Béthune – “friche”\"");
  EXPECT_EQ(json::parse(escaped(std::string("nul\0here", 8))).get<std::string>(),
            std::string("nul\0here", 8));
}

TEST(FeatureWriter, ReadsPostgresArrayLiterals) {
  EXPECT_EQ(array_of("{}"), "[]");
  EXPECT_EQ(array_of("{cession,location}"), R"(["cession","location"])");
  EXPECT_EQ(array_of(R"({"a,b","NULL",NULL,"x\"y","back\\slash","",é})"),
            R"(["a,b","NULL",null,"x\"y","back\\slash","","é"])");
}

// One row per property kind, as PostgreSQL gives them.
class FeatureWriterDb : public ImportTest {};

TEST_F(FeatureWriterDb, WritesEachKindAsPostgresPrintsIt) {
  pqxx::read_transaction r(*conn_);
  auto rows = r.exec(
      "SELECT 7::bigint, '{\"type\":\"Point\",\"coordinates\":[3.1,50.6]}', 'a\"b'::text, "
      "120.50::numeric, 'NaN'::numeric, true, false, ARRAY['x', NULL, 'y z']::text[], "
      "'{\"k\": [1, 2]}'::jsonb::text, NULL::text");
  db::FeatureColumns layout;
  layout.names = {"s", "n", "nan", "t", "f", "a", "j", "null"};
  layout.kinds = {db::JsonKind::string,  db::JsonKind::number,  db::JsonKind::number,
                  db::JsonKind::boolean, db::JsonKind::boolean, db::JsonKind::text_array,
                  db::JsonKind::json,    db::JsonKind::string};
  std::string out;
  db::append_feature(out, layout, rows[0], 0);
  EXPECT_EQ(out, R"({"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[3.1,50.6]},)"
                 R"("properties":{"s":"a\"b","n":120.50,"nan":"NaN","t":true,"f":false,)"
                 R"("a":["x",null,"y z"],"j":{"k": [1, 2]},"null":null}})");
}

// Each collection's properties before the writer (the jsonb lists of
// db/feature_sql.cpp at commit 839f052), and the confidential ones.
const std::map<db::Collection, std::vector<std::string>> kPublicKeys = {
    {db::Collection::opportunities, {"external_id",      "title",           "kind",
                                     "address",          "commune_insee",   "location_precision",
                                     "built_surface_m2", "land_surface_m2", "tenures",
                                     "price_eur",        "rent_eur_month",  "available_from",
                                     "available_until",  "owner_kind",      "status",
                                     "visibility",       "last_verified",   "source",
                                     "source_status",    "duplicate_of",    "to_reverify"}},
    {db::Collection::places,
     {"external_id", "name", "kind", "address", "commune_insee", "location_precision", "website",
      "description", "competences", "circle", "source"}},
    {db::Collection::needs,
     {"external_id", "collective_name", "search_center", "source", "surface_min_m2",
      "surface_ideal_m2", "surface_max_m2", "kinds_wanted", "tenures_accepted",
      "rent_max_eur_month", "price_max_eur", "needed_from", "status", "description", "territory",
      "radius_m", "place_id", "place_ref", "surface_tolerance_pct"}},
    {db::Collection::territories, {"slug", "name", "level", "code", "population", "parent_code"}}};
const std::map<db::Collection, std::vector<std::string>> kConfidentialKeys = {
    {db::Collection::opportunities, {"owner_name", "owner_contact", "notes"}},
    {db::Collection::places, {}},
    {db::Collection::needs, {"contact", "notes"}},
    {db::Collection::territories, {}}};

class FeatureWriterDemo : public ImportTest {
 protected:
  FeatureWriterDemo() : ImportTest(demo_template(/*with_friches=*/true)) {}

  void SetUp() override {
    ImportTest::SetUp();
    pqxx::work w(*conn_);
    // Text that JSON must escape, in a public row and its private notes.
    w.exec0(
        "UPDATE opportunities SET title = E'Le \"Garage\" \\\\ du\\nquai\\t\\u00e9t\\u00e9 "
        "\\u2013 \\u0001fin', address = E'1 rue {a,b}' WHERE id = (SELECT min(id) FROM "
        "opportunities WHERE visibility = 'public')");
    w.exec0(
        "UPDATE opportunity_private SET notes = E'ligne 1\\nligne \"2\"' WHERE opportunity_id = "
        "(SELECT min(id) FROM opportunities WHERE visibility = 'public')");
    w.exec0(
        "UPDATE places SET competences = ARRAY['a,b', 'NULL', 'x\"y', '', E'back\\\\slash', "
        "'{é}'] WHERE id = (SELECT min(id) FROM places)");
    w.commit();
  }

  // Every feature of the collection the role reads, by id, as PostgreSQL's
  // jsonb builds it.
  std::map<std::string, json> jsonb_features(db::Collection c, Role role, int srid) {
    auto s = db::feature_sql::sql_for(c, role, srid);
    db::feature_sql::Where w;
    db::feature_sql::restrict_to_role(w, c, role);
    pqxx::read_transaction r(*conn_);
    auto rows = r.exec_params("SELECT " + s.select + " FROM " + s.from + w.sql(),
                              pqxx::prepare::make_dynamic_params(w.params()));
    std::map<std::string, json> out;
    for (const auto& row : rows) {
      auto f = json::parse(row[0].as<std::string>());
      out[f["id"].dump()] = f;
    }
    return out;
  }
};

TEST_F(FeatureWriterDemo, ItemsAreTheJsonbFeaturesForEveryCollectionAndRole) {
  std::size_t compared = 0;
  bool saw_escapes = false, saw_array_quotes = false, saw_notes = false;
  for (auto c : {db::Collection::opportunities, db::Collection::places, db::Collection::needs,
                 db::Collection::territories}) {
    for (auto role :
         {Role::anonymous, Role::member, Role::foundation, Role::animator, Role::admin}) {
      for (int srid : {4326, 2154}) {
        SCOPED_TRACE(std::string(db::collection_name(c)) + " " + role_name(role) + " " +
                     std::to_string(srid));
        auto expected = jsonb_features(c, role, srid);
        ASSERT_FALSE(expected.empty());
        db::FeatureQuery q;
        q.collection = c;
        q.role = role;
        q.output_srid = srid;
        q.limit = 100000;
        auto page = db::query_features(*conn_, q);
        ASSERT_EQ(page.features.size(), expected.size());
        EXPECT_EQ(page.matched, static_cast<long long>(expected.size()));
        std::vector<std::string> keys = kPublicKeys.at(c);
        if (sees_confidential(role)) {
          for (const auto& k : kConfidentialKeys.at(c)) keys.push_back(k);
        }
        const std::set<std::string> key_set(keys.begin(), keys.end());
        for (const auto& text : page.features) {
          auto f = json::parse(text);
          auto it = expected.find(f["id"].dump());
          ASSERT_NE(it, expected.end()) << text;
          ASSERT_EQ(f, it->second) << text << "\n" << it->second.dump();
          std::set<std::string> got;
          for (const auto& [k, v] : f["properties"].items()) got.insert(k);
          ASSERT_EQ(got, key_set);
          const std::string title = f["properties"].value("title", json()).is_string()
                                        ? f["properties"]["title"].get<std::string>()
                                        : "";
          saw_escapes |= title.find(
                             "\"Garage\" \\ du\nquai\tété – \x01"
                             "fin") != std::string::npos;
          saw_array_quotes |= f["properties"].contains("competences") &&
                              f["properties"]["competences"] ==
                                  json::array({"a,b", "NULL", "x\"y", "", "back\\slash", "{é}"});
          saw_notes |= f["properties"].value("notes", json()) == "ligne 1\nligne \"2\"";
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, 10000u);
  EXPECT_TRUE(saw_escapes);
  EXPECT_TRUE(saw_array_quotes);
  EXPECT_TRUE(saw_notes);
}

// A feature by id and a page of items agree, for a role that reads the
// confidential fields and one that does not.
TEST_F(FeatureWriterDemo, OneFeatureIsTheSameAsInItsPage) {
  for (auto role : {Role::anonymous, Role::foundation}) {
    db::FeatureQuery q;
    q.role = role;
    q.limit = 1;
    auto page = db::query_features(*conn_, q);
    ASSERT_EQ(page.features.size(), 1u);
    auto first = json::parse(page.features[0]);
    auto one = db::feature_by_id(*conn_, db::Collection::opportunities, role, first["id"].dump());
    ASSERT_TRUE(one);
    EXPECT_EQ(first, json::parse(*one));
    EXPECT_EQ(first["properties"].contains("owner_name"), sees_confidential(role));
  }
}

}  // namespace
}  // namespace terrier::test
