// The row builders (importers/rows): each gives one value per column of its
// table's spec, by name, and the content hash that decides whether a
// re-imported row changed.

#include "importers/rows.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/model_tables.hpp"
#include "db/table_spec.hpp"
#include "geo/gdal.hpp"
#include "importers/json_rows.hpp"
#include "importers/location.hpp"

namespace terrier::importers {
namespace {

// A context without a database: two communes and a coarse region outline.
struct RowsTest : ::testing::Test {
  CommuneIndex communes;
  std::map<std::string, long long> territory_ids{{"mel", 1}};
  std::map<std::string, long long> place_ids{{"tl-1", 10}};
  std::unique_ptr<LocationResolver> resolver;

  void SetUp() override {
    geo::init_gdal();
    communes.add({"59350", "Lille", {"59000", "59800"}, 3.0586, 50.6311});
    communes.add({"62041", "Arras", {"62000"}, 2.7775, 50.2910});
    auto region = geo::geojson_geometry_to_wkb(
        R"({"type":"Polygon","coordinates":[[[1.3,48.8],[4.3,48.8],[4.3,51.1],[1.3,51.1],[1.3,48.8]]]})");
    resolver = std::make_unique<LocationResolver>(communes, region, LocationOptions{});
  }

  db::StagedRow build(ImportKind kind, const std::string& body) {
    auto out = validate_json_row(kind, body, RowContext{*resolver, territory_ids, place_ids});
    EXPECT_TRUE(out.row) << body;
    return out.row.value_or(db::StagedRow{});
  }
};

// The staged value of column `name` (public or private), found by name.
std::optional<std::string> value(const db::TableSpec& spec, const db::StagedRow& row,
                                 const std::string& name) {
  std::size_t i = 0;
  for (const auto* cols : {&spec.columns, &spec.private_columns}) {
    for (const auto& c : *cols) {
      if (c.name == name) return row.values.at(i);
      ++i;
    }
  }
  ADD_FAILURE() << "no column " << name << " in " << spec.table;
  return std::nullopt;
}

std::size_t width(const db::TableSpec& spec) {
  return spec.columns.size() + spec.private_columns.size();
}

TEST_F(RowsTest, OpportunityGivesEachColumnItsValue) {
  auto row =
      build(ImportKind::opportunities,
            R"({"external_id":"o-1","title":"Ancienne filature","kind":"friche",)"
            R"("address":"1 rue Nationale","lon":3.06,"lat":50.63,"built_surface_m2":1250.5,)"
            R"("tenures":"bail commercial","rent_eur_month":800,"available_from":"2026-01-15",)"
            R"("owner_name":"SCI Filature","notes":"visite le mardi"})");
  const auto& spec = db::opportunities_table();
  ASSERT_EQ(row.values.size(), width(spec));
  EXPECT_EQ(row.external_id, "o-1");
  EXPECT_EQ(value(spec, row, "title"), "Ancienne filature");
  EXPECT_EQ(value(spec, row, "kind"), "friche");
  EXPECT_EQ(value(spec, row, "address"), "1 rue Nationale");
  // Located by coordinates: the merge finds the commune (db/staging_store).
  EXPECT_EQ(value(spec, row, "commune_insee"), std::nullopt);
  EXPECT_NE(value(spec, row, "geom"), std::nullopt);
  EXPECT_EQ(value(spec, row, "location_precision"), "exact");
  EXPECT_EQ(value(spec, row, "geom_repaired"), "f");
  EXPECT_EQ(value(spec, row, "built_surface_m2"), "1250.5");
  EXPECT_EQ(value(spec, row, "land_surface_m2"), std::nullopt);
  EXPECT_EQ(value(spec, row, "rent_eur_month"), "800");
  EXPECT_EQ(value(spec, row, "available_from"), "2026-01-15");
  EXPECT_EQ(value(spec, row, "status"), "disponible");
  EXPECT_EQ(value(spec, row, "visibility"), "réseau");
  EXPECT_EQ(value(spec, row, "owner_name"), "SCI Filature");
  EXPECT_EQ(value(spec, row, "owner_contact"), std::nullopt);
  EXPECT_EQ(value(spec, row, "notes"), "visite le mardi");
  EXPECT_EQ(row.content_hash, "ae660cea09674254846c72d5d0ec5422cd67647b34650081e4004dd5118f517f");
}

TEST_F(RowsTest, PlaceGivesEachColumnItsValue) {
  auto row = build(ImportKind::places,
                   R"({"external_id":"tl-2","name":"La Ruche","lon":2.78,"lat":50.29,)"
                   R"("website":"https://ruche.example","competences":"menuiserie; couture"})");
  const auto& spec = db::places_table();
  ASSERT_EQ(row.values.size(), width(spec));
  EXPECT_EQ(value(spec, row, "name"), "La Ruche");
  EXPECT_EQ(value(spec, row, "kind"), "tiers-lieu");
  EXPECT_EQ(value(spec, row, "commune_insee"), std::nullopt);
  EXPECT_EQ(value(spec, row, "location_precision"), "exact");
  EXPECT_EQ(value(spec, row, "website"), "https://ruche.example");
  EXPECT_EQ(value(spec, row, "competences"), "{\"menuiserie\",\"couture\"}");
  EXPECT_EQ(row.content_hash, "029c326aa6cc649895b05f9afed341d292c1cabcb7000b2c5d6b8edfbfd8d5ff");
}

TEST_F(RowsTest, NeedGivesEachColumnItsValue) {
  auto row = build(ImportKind::needs,
                   R"({"external_id":"b-1","collective_name":"Atelier vélo","place_ref":"tl-1",)"
                   R"("surface_min_m2":80,"surface_max_m2":200,"kinds_wanted":"local d'activité",)"
                   R"("territory":"mel","needed_from":"2026-03-01","contact":"a@example.org"})");
  const auto& spec = db::needs_table();
  ASSERT_EQ(row.values.size(), width(spec));
  EXPECT_EQ(value(spec, row, "collective_name"), "Atelier vélo");
  EXPECT_EQ(value(spec, row, "place_id"), "10");
  EXPECT_EQ(value(spec, row, "surface_min_m2"), "80");
  EXPECT_EQ(value(spec, row, "surface_ideal_m2"), std::nullopt);
  EXPECT_EQ(value(spec, row, "surface_max_m2"), "200");
  EXPECT_EQ(value(spec, row, "surface_tolerance_pct"), "10");
  EXPECT_EQ(value(spec, row, "search_territory_id"), "1");
  EXPECT_EQ(value(spec, row, "search_center"), std::nullopt);
  EXPECT_EQ(value(spec, row, "needed_from"), "2026-03-01");
  EXPECT_EQ(value(spec, row, "status"), "active");
  EXPECT_EQ(value(spec, row, "contact"), "a@example.org");
  EXPECT_EQ(value(spec, row, "notes"), std::nullopt);
  EXPECT_EQ(row.content_hash, "6f7c570581beccaca0ecb67461c24bf21355e46f40c397f864c6c6011b1bd305");
}

// The hashes above were taken when the builders listed their values by
// position: giving them by name changed no stored row's content hash, so a
// re-import after the change finds every row unchanged.

db::TableSpec two_columns() {
  return {
      "things", {{"a", "text"}, {"b", "numeric"}}, "thing_private", "thing_id", {{"c", "text"}}};
}

TEST(OrderedValues, PutsNamedValuesInTheSpecsOrder) {
  auto values = db::ordered_values(two_columns(), {{"c", "3"}, {"a", "1"}, {"b", std::nullopt}});
  EXPECT_EQ(values, (std::vector<std::optional<std::string>>{"1", std::nullopt, "3"}));
  EXPECT_EQ(two_columns().index_of("c"), 2u);
}

// A row builder that forgets a column, or gives one the table does not
// have, fails on its first row rather than shifting the others.
TEST(OrderedValues, AMissingColumnIsNamed) {
  try {
    db::ordered_values(two_columns(), {{"a", "1"}, {"c", "3"}});
    FAIL() << "a missing column was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "a row of things lacks column 'b'");
  }
}

TEST(OrderedValues, AnUnknownOrRepeatedColumnIsNamed) {
  try {
    db::ordered_values(two_columns(), {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}});
    FAIL() << "an unknown column was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("gives 'd'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(db::ordered_values(two_columns(), {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"a", "1"}}),
               std::logic_error);
  EXPECT_THROW(two_columns().index_of("d"), std::logic_error);
}

}  // namespace
}  // namespace terrier::importers
