// Files written the way other people and tools write them, against real
// PostGIS: a QGIS/ogr2ogr snake_case export, a LibreOffice-style XLSX made
// with GDAL, a French spreadsheet CSV full of placeholders, a needs
// spreadsheet with ranges and territories by name or code. Each asserts
// the loaded values, the warnings and the refusals.

#include <gtest/gtest.h>

#include <fstream>

#include "tests/importers/import_fixture.hpp"

namespace terrier::test {
namespace {

using importers::french;
using importers::ImportKind;
using importers::Reason;
using importers::ReasonCode;
using importers::RowIssue;

// The issue of a kind at a position for a column, or nullptr.
const RowIssue* issue_for(const importers::ImportReport& r, std::size_t pos,
                          const std::string& column, RowIssue::Kind kind) {
  for (const auto& i : r.issues) {
    if (i.position == pos && i.column == column && i.kind == kind) return &i;
  }
  return nullptr;
}

std::string field_of(const importers::ImportReport& r, const std::string& column) {
  for (const auto& c : r.header) {
    if (c.column == column) return c.field.value_or("(ignorée)");
  }
  return "(absente)";
}

TEST_F(ImportTest, QgisSnakeCaseExportFeedsSurfacesAndRents) {
  std::vector<importers::ColumnReading> printed;
  auto r = opportunities(fixture("real/qgis_snake_case.csv"),
                         [&](auto& o) { o.on_header = [&](const auto& h) { printed = h; }; });
  // The header, as printed before any row.
  ASSERT_EQ(printed.size(), 14u);
  EXPECT_EQ(field_of(r, "WKT"), "wkt");
  EXPECT_EQ(field_of(r, "surface_batie_m2"), "built_surface_m2");
  EXPECT_EQ(field_of(r, "surface_terrain_m2"), "land_surface_m2");
  EXPECT_EQ(field_of(r, "loyer_eur_mois"), "rent_eur_month");
  EXPECT_EQ(field_of(r, "prix_eur"), "price_eur");
  EXPECT_EQ(field_of(r, "type_bien"), "kind");
  EXPECT_EQ(field_of(r, "fid"), "(ignorée)");
  EXPECT_EQ(printed[12].column, "visibilte");
  EXPECT_EQ(printed[12].suggestion.value_or(""), "Visibilité");
  // Every ignored column is named in the report, with its suggestion.
  auto* ignored = issue_for(r, 0, "visibilte", RowIssue::Kind::warning);
  ASSERT_NE(ignored, nullptr);
  EXPECT_EQ(ignored->reason, (Reason{ReasonCode::column_kept_did_you_mean, {"Visibilité"}}));
  EXPECT_EQ(french(ignored->reason),
            "colonne ignorée (gardée dans attributes) ; vouliez-vous dire « Visibilité » ?");
  EXPECT_NE(issue_for(r, 0, "fid", RowIssue::Kind::warning), nullptr);

  EXPECT_EQ(r.read, 3);
  EXPECT_EQ(r.inserted, 2);
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(
      value("SELECT built_surface_m2 || ' ' || land_surface_m2 || ' ' || rent_eur_month || ' ' || "
            "tenures::text FROM opportunities WHERE external_id = 'Q-1'"),
      "420.5 1000 1200 {location,bcus}");
  EXPECT_EQ(value("SELECT price_eur FROM opportunities WHERE external_id = 'Q-2'"), "250000.5");
  EXPECT_EQ(value("SELECT attributes->>'fid' FROM opportunities WHERE external_id = 'Q-1'"), "1");
  // 1e308 in a column that feeds no field: the row is refused, by name.
  auto* refused = issue_for(r, 4, "score", RowIssue::Kind::rejected);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->value, "1e308");
  EXPECT_EQ(refused->reason.code, ReasonCode::impossible_number_in_free_column);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id = 'Q-3'"), 0);
}

TEST_F(ImportTest, FrenchSpreadsheetWithPlaceholdersApproximationsAndRentsPerSquareMetre) {
  auto r = opportunities(fixture("real/tableur_francais.csv"));
  EXPECT_EQ(r.read, 6);
  EXPECT_EQ(r.inserted, 4);
  EXPECT_EQ(r.rejected, 2);
  auto q = [&](const std::string& ref, const std::string& expr) {
    return value("SELECT " + expr + " FROM opportunities o WHERE external_id = '" + ref + "'");
  };
  // F-1: "env. 300" read and flagged; 35 €/m²/an × 300 m² ÷ 12, flagged;
  // "NC" price and land surface unknown, with warnings.
  EXPECT_EQ(q("F-1", "built_surface_m2 || ' ' || rent_eur_month"), "300 875");
  EXPECT_EQ(q("F-1", "attributes->'approximate'->>'built_surface_m2'"), "env. 300");
  EXPECT_EQ(q("F-1", "attributes->'converted'->>'rent_eur_month'"), "35 €/m²/an × 300 m² ÷ 12");
  EXPECT_EQ(q("F-1",
              "coalesce(price_eur::text, 'inconnu') || ' ' || coalesce(land_surface_m2::text, "
              "'inconnue')"),
            "inconnu inconnue");
  auto* nc = issue_for(r, 2, "Prix (€)", RowIssue::Kind::warning);
  ASSERT_NE(nc, nullptr);
  EXPECT_EQ(nc->value, "NC");
  EXPECT_EQ(nc->reason.code, ReasonCode::placeholder_read_as_unknown);
  EXPECT_EQ(q("F-1",
              "tenures::text || ' ' || available_from || ' ' || "
              "(attributes->'precision'->>'available_from')"),
            "{location,bcus} 2027-03-01 mois");
  EXPECT_EQ(value("SELECT p.owner_name FROM opportunity_private p JOIN opportunities o ON o.id = "
                  "p.opportunity_id WHERE o.external_id = 'F-1'"),
            "Commune de Lille");
  // F-2: the confidential friche with an unknown built surface stays; the
  // file writes decimal commas ("12,5", "1.250,50"), so "1.250" is 1 250.
  EXPECT_EQ(q("F-2",
              "coalesce(built_surface_m2::text, 'inconnue') || ' ' || land_surface_m2 || ' ' || "
              "price_eur"),
            "inconnue 1250 1250.5");
  EXPECT_EQ(q("F-2", "available_from || ' ' || (attributes->'precision'->>'available_from')"),
            "2027-04-01 trimestre");
  EXPECT_EQ(value("SELECT coalesce(p.owner_name, 'inconnu') FROM opportunity_private p JOIN "
                  "opportunities o "
                  "ON o.id = p.opportunity_id WHERE o.external_id = 'F-2'"),
            "inconnu");
  // F-3: a rent per m² and per year without any surface: refused with the reason.
  auto* per_m2 = issue_for(r, 4, "Loyer (€/m²/an)", RowIssue::Kind::rejected);
  ASSERT_NE(per_m2, nullptr);
  EXPECT_EQ(per_m2->reason.code, ReasonCode::rent_per_m2_needs_surface);
  // F-4: "NC" in the required type: refused, saying so.
  auto* kind = issue_for(r, 5, "Type de bien", RowIssue::Kind::rejected);
  ASSERT_NE(kind, nullptr);
  EXPECT_EQ(kind->value, "NC");
  EXPECT_EQ(kind->reason.code, ReasonCode::placeholder_but_required);
  EXPECT_EQ(issue_for(r, 5, "Type de bien", RowIssue::Kind::warning), nullptr);
  // F-5: "à définir" as a title is named from the kind; "toutes" is every tenure.
  EXPECT_EQ(q("F-5", "title || ' ' || built_surface_m2 || ' ' || array_length(tenures, 1)"),
            "atelier F-5 12.5 6");
  EXPECT_EQ(q("F-5", "available_from || ' ' || (attributes->'precision'->>'available_from')"),
            "2027-03-01 saison");
  // F-6: "immédiatement" is available now, and a second import of the same
  // file changes nothing.
  EXPECT_EQ(q("F-6",
              "available_from = current_date AND attributes->'precision'->>'available_from' = "
              "'immédiat'"),
            "t");
  auto again = opportunities(fixture("real/tableur_francais.csv"));
  EXPECT_EQ(again.unchanged, 4);
  EXPECT_EQ(again.updated, 0);
}

TEST_F(ImportTest, DotThousandsAreRefusedWhenTheFileCannotTell) {
  std::string file = ::testing::TempDir() + "/sans_convention.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << "Réf.;Intitulé;Type;Surface (m²);Code INSEE\r\nD-1;Atelier;atelier;1.250;59350\r\n"
           "D-2;Bureau;bureau;300;59350\r\n";
  }
  auto r = opportunities(file);
  EXPECT_EQ(r.inserted, 1);
  auto* refused = issue_for(r, 2, "Surface (m²)", RowIssue::Kind::rejected);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->reason, (Reason{ReasonCode::ambiguous_decimal, {"1.250", "1250", "1,250"}}));
}

TEST_F(ImportTest, LibreOfficeXlsxWithExcelSerialDatesAndAnnualRents) {
  auto r = opportunities(fixture("real/libreoffice.xlsx"));
  EXPECT_EQ(r.read, 3);
  EXPECT_EQ(r.inserted, 2);
  EXPECT_EQ(r.rejected, 1);
  auto q = [&](const std::string& ref, const std::string& expr) {
    return value("SELECT " + expr + " FROM opportunities WHERE external_id = '" + ref + "'");
  };
  EXPECT_EQ(q("X-1",
              "built_surface_m2 || ' ' || rent_eur_month || ' ' || available_from || ' ' || "
              "last_verified || ' ' || source_checked || ' ' || visibility"),
            "180.5 1200 2027-03-01 2026-10-15 true public");
  EXPECT_EQ(q("X-1", "attributes->'converted'->>'rent_eur_month'"), "loyer annuel 14400 € ÷ 12");
  EXPECT_EQ(q("X-1", "attributes->'excel_serial'->>'available_from'"), "46447");
  EXPECT_EQ(q("X-2",
              "rent_eur_month || ' ' || available_from || ' ' || source_checked || ' ' || "
              "coalesce(price_eur::text, 'inconnu')"),
            "750 2027-06-01 false inconnu");
  ASSERT_NE(issue_for(r, 2, "Prix (€)", RowIssue::Kind::warning), nullptr);
  ASSERT_NE(issue_for(r, 1, "Loyer annuel (€)", RowIssue::Kind::warning), nullptr);
  auto* refused = issue_for(r, 3, "Vérifié", RowIssue::Kind::rejected);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->value, "peut-être");
}

TEST_F(ImportTest, NeedsSpreadsheetWithRangesTenuresAndTerritoriesByNameOrCode) {
  auto r = run(ImportKind::needs, fixture("real/besoins_tableur.csv"));
  EXPECT_EQ(r.read, 5);
  EXPECT_EQ(r.inserted, 4);
  EXPECT_EQ(r.rejected, 1);
  auto q = [&](const std::string& ref, const std::string& expr) {
    return value("SELECT " + expr +
                 " FROM needs n LEFT JOIN territories t ON t.id = n.search_territory_id "
                 "WHERE n.external_id = '" +
                 ref + "'");
  };
  auto range = [](const char* prefix) {
    return std::string("coalesce(") + prefix + "surface_min_m2::text, '-') || ' ' || coalesce(" +
           prefix + "surface_max_m2::text, '-') || ' ' || coalesce(" + prefix +
           "surface_ideal_m2::text, '-')";
  };
  EXPECT_EQ(q("B-1", range("n.") + " || ' ' || n.tenures_accepted::text || ' ' || t.slug || ' ' || "
                                   "n.needed_from || ' ' || n.rent_max_eur_month"),
            "100 200 - {location,bcus} lille-59350 2027-03-01 1500");
  EXPECT_EQ(
      q("B-2",
        range("n.") +
            " || ' ' || array_length(n.tenures_accepted, 1) || ' ' || t.level || ' ' || t.code"),
      "150 - - 6 departement 59");
  ASSERT_NE(issue_for(r, 3, "Loyer max (€/mois)", RowIssue::Kind::warning), nullptr);
  EXPECT_EQ(
      q("B-3", range("n.") +
                   " || ' ' || t.slug || ' ' || (n.attributes->'approximate'->>'surface_range') "
                   "|| ' ' || (n.needed_from = current_date)"),
      "- - 250 lille-59350 environ 250 m² true");
  auto* unknown = issue_for(r, 5, "Secteur", RowIssue::Kind::rejected);
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->value, "Atlantide");
  EXPECT_EQ(
      q("B-5", range("n.") +
                   " || ' ' || n.search_radius_m || ' ' || n.tenures_accepted::text || ' ' || "
                   "n.needed_from"),
      "300 500 - 10000 {location,\"mise à disposition\"} 2027-07-01");
}

}  // namespace
}  // namespace terrier::test
