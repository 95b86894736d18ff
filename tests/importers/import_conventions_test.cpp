// Each real-world convention of the files people have, against real PostGIS.

#include <gtest/gtest.h>

#include "tests/importers/import_fixture.hpp"

namespace terrier::test {
namespace {

using importers::french;
using importers::ImportKind;
using importers::Reason;
using importers::ReasonCode;
using importers::RowIssue;

TEST_F(ImportTest, Windows1252FrenchSpreadsheetLoadsWithDecimalCommasAndNoBreakSpaces) {
  auto r = opportunities(fixture("conventions/cp1252_french.csv"));
  EXPECT_EQ(r.read, 3);
  EXPECT_EQ(r.inserted, 3);
  EXPECT_EQ(r.rejected, 0);
  EXPECT_EQ(value("SELECT built_surface_m2 FROM opportunities WHERE external_id = 'T-1'"),
            "1250.5");
  EXPECT_EQ(value("SELECT tenures::text FROM opportunities WHERE external_id = 'T-1'"),
            "{bcus,location}");
  EXPECT_EQ(value("SELECT rent_eur_month FROM opportunities WHERE external_id = 'T-1'"), "1200");
  EXPECT_EQ(value("SELECT available_from FROM opportunities WHERE external_id = 'T-1'"),
            "2026-03-01");
  EXPECT_EQ(value("SELECT title FROM opportunities WHERE external_id = 'T-1'"),
            "Ancienne école Jules Ferry");
  EXPECT_EQ(value("SELECT kind || '|' || status || '|' || visibility || '|' || price_eur "
                  "FROM opportunities WHERE external_id = 'T-3'"),
            "entrepôt|en discussion|confidentiel|850000");
  EXPECT_EQ(value("SELECT p.notes FROM opportunity_private p JOIN opportunities o "
                  "ON o.id = p.opportunity_id WHERE o.external_id = 'T-3'"),
            "Visite faite\nle 12/03/2025");  // the file's "\r\n" inside the cell, as "\n"
  EXPECT_EQ(value("SELECT p.owner_name FROM opportunity_private p JOIN opportunities o "
                  "ON o.id = p.opportunity_id WHERE o.external_id = 'T-1'"),
            "Commune de Lille");
}

TEST_F(ImportTest, Utf8WithBomAndCommaSeparatorLoads) {
  auto r = opportunities(fixture("conventions/utf8_bom_comma.csv"));
  EXPECT_EQ(r.inserted, 2);
  EXPECT_EQ(r.rejected, 0);
  EXPECT_EQ(value("SELECT rent_eur_month FROM opportunities WHERE external_id = 'U-2'"), "1100.5");
  EXPECT_EQ(value("SELECT built_surface_m2 FROM opportunities WHERE external_id = 'U-1'"), "420.5");
}

TEST_F(ImportTest, Lambert93ColumnsAreDetectedByTheirRangeAndReprojected) {
  auto r = opportunities(fixture("conventions/lambert93_xy.csv"));
  EXPECT_EQ(r.inserted, 2);
  // Back in Lambert-93, the point is where the file put it (to the decimetre).
  EXPECT_EQ(value("SELECT round(ST_X(ST_Transform(geom, 2154))) || ' ' || "
                  "round(ST_Y(ST_Transform(geom, 2154))) FROM opportunities "
                  "WHERE external_id = 'L-1'"),
            "706350 7059020");
  // The commune is found from the location.
  EXPECT_EQ(value("SELECT commune_insee FROM opportunities WHERE external_id = 'L-1'"), "59350");
}

TEST_F(ImportTest, OtherProjectionsNeedTheSrsOption) {
  auto without = opportunities(fixture("conventions/web_mercator.csv"));
  EXPECT_EQ(without.rejected, 1);
  ASSERT_NE(issue_at(without, 2), nullptr);
  EXPECT_EQ(issue_at(without, 2)->reason.code, ReasonCode::outside_region);

  auto with =
      opportunities(fixture("conventions/web_mercator.csv"), [](auto& o) { o.srs = "EPSG:3857"; });
  EXPECT_EQ(with.inserted, 1);
  EXPECT_EQ(value("SELECT round(ST_X(geom)::numeric, 4) || ' ' || round(ST_Y(geom)::numeric, 4) "
                  "FROM opportunities WHERE external_id = 'M-1'"),
            "3.0586 50.6330");
}

TEST_F(ImportTest, WktColumnPolygonsAreValidatedRepairedOrRejected) {
  auto r = opportunities(fixture("conventions/wkt.csv"));
  EXPECT_EQ(r.inserted, 2);
  EXPECT_EQ(r.rejected, 3);
  EXPECT_EQ(value("SELECT GeometryType(geom) || ' ' || geom_repaired FROM opportunities "
                  "WHERE external_id = 'W-1'"),
            "MULTIPOLYGON false");
  EXPECT_EQ(
      value("SELECT ST_IsValid(geom) || ' ' || geom_repaired || ' ' || ST_NumGeometries(geom) "
            "FROM opportunities WHERE external_id = 'W-2'"),
      "true true 2");
  ASSERT_NE(issue_at(r, 3, RowIssue::Kind::warning), nullptr);
  EXPECT_EQ(issue_at(r, 3, RowIssue::Kind::warning)->reason.code, ReasonCode::polygon_repaired);
  EXPECT_NE(french(issue_at(r, 3, RowIssue::Kind::warning)->reason)
                .find("polygone invalide réparé (Self-intersection"),
            std::string::npos);
  ASSERT_NE(issue_at(r, 4), nullptr);
  EXPECT_EQ(issue_at(r, 4)->column, "WKT");
  EXPECT_EQ(issue_at(r, 4)->reason.code, ReasonCode::empty_geometry);
  ASSERT_NE(issue_at(r, 5), nullptr);
  EXPECT_EQ(issue_at(r, 5)->reason.code, ReasonCode::only_points_and_polygons);
  ASSERT_NE(issue_at(r, 6), nullptr);
  EXPECT_EQ(issue_at(r, 6)->reason.code, ReasonCode::unreadable_geometry);
  EXPECT_NE(french(issue_at(r, 6)->reason).find("géométrie illisible : "), std::string::npos);
  EXPECT_NE(french(issue_at(r, 6)->reason).find("invalid WKT"), std::string::npos);
}

TEST_F(ImportTest, RowsWithOnlyACommuneGetAPointInsideItWithCommunePrecision) {
  auto r = opportunities(fixture("conventions/commune_only.csv"));
  EXPECT_EQ(r.inserted, 3);
  EXPECT_EQ(value("SELECT string_agg(external_id || '=' || commune_insee || '/' || "
                  "location_precision, ',' ORDER BY external_id) FROM opportunities"),
            "C-1=59512/commune,C-2=59009/commune,C-3=59599/commune");
  EXPECT_EQ(count("SELECT count(*) FROM opportunities o JOIN territories t ON t.level = "
                  "'commune' AND t.code = o.commune_insee WHERE ST_Contains(t.geom, o.geom)"),
            3);
  ASSERT_NE(issue_at(r, 5), nullptr);
  EXPECT_EQ(issue_at(r, 5)->column, "Code INSEE");
  EXPECT_EQ(issue_at(r, 5)->reason.code, ReasonCode::unknown_insee);
  ASSERT_NE(issue_at(r, 6), nullptr);
  EXPECT_EQ(issue_at(r, 6)->reason.code, ReasonCode::no_commune_postcode_name);
}

TEST_F(ImportTest, SwappedOutsideAndBrokenCoordinatesAreReportedNotLoaded) {
  auto r = opportunities(fixture("conventions/bad_coordinates.csv"));
  EXPECT_EQ(r.inserted, 1);
  EXPECT_EQ(r.rejected, 5);
  EXPECT_EQ(value("SELECT external_id FROM opportunities"), "B-6");
  ASSERT_NE(issue_at(r, 2), nullptr);
  EXPECT_EQ(issue_at(r, 2)->reason.code, ReasonCode::lat_lon_swapped);
  EXPECT_EQ(issue_at(r, 2)->column, "Latitude");
  for (std::size_t line : {3u, 4u}) {
    ASSERT_NE(issue_at(r, line), nullptr) << line;
    EXPECT_EQ(issue_at(r, line)->reason.code, ReasonCode::outside_region) << line;
  }
  ASSERT_NE(issue_at(r, 5), nullptr);
  EXPECT_EQ(issue_at(r, 5)->reason.code, ReasonCode::not_a_number);
  ASSERT_NE(issue_at(r, 6), nullptr);
  EXPECT_EQ(issue_at(r, 6)->reason.code, ReasonCode::latitude_without_longitude);
}

// The same three opportunities in every format GDAL reads for us.
class ImportFormats : public ImportTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(ImportFormats, LoadsThePointsAtTheirPlace) {
  auto r = opportunities(fixture(std::string("formats/") + GetParam()));
  EXPECT_EQ(r.rejected, 0) << (r.issues.empty() ? "" : french(r.issues[0].reason));
  EXPECT_GE(r.inserted, 2);
  EXPECT_EQ(value("SELECT title || ' ' || kind || ' ' || round(ST_X(geom)::numeric, 4) || ' ' || "
                  "round(ST_Y(geom)::numeric, 4) FROM opportunities WHERE external_id = 'F-1'"),
            "Atelier Wazemmes atelier 3.0500 50.6270");
  EXPECT_EQ(value("SELECT built_surface_m2 || ' ' || tenures::text || ' ' || rent_eur_month "
                  "FROM opportunities WHERE external_id = 'F-1'"),
            "250 {location} 800");
}

INSTANTIATE_TEST_SUITE_P(Gdal, ImportFormats,
                         ::testing::Values("opportunites.geojson", "opportunites.gpkg",
                                           "opportunites.shp", "opportunites.kml",
                                           "opportunites.xlsx", "opportunites.ods"),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           return n.substr(n.find('.') + 1);
                         });

TEST_F(ImportTest, FootprintPolygonsFromGeoJsonKeepTheirShape) {
  auto r = opportunities(fixture("formats/opportunites.geojson"));
  EXPECT_EQ(r.inserted, 3);
  EXPECT_EQ(value("SELECT GeometryType(geom) || ' ' || ST_Contains(geom, point) FROM "
                  "opportunities WHERE external_id = 'F-3'"),
            "MULTIPOLYGON true");
}

TEST_F(ImportTest, Lambert93BoundaryFileIsReprojected) {
  auto area = [&] {
    return std::stod(
        value("SELECT sum(ST_Area(geom::geography)) FROM territories "
              "WHERE level = 'departement'"));
  };
  double before = area();
  auto r = territories("departements_hdf_l93.geojson", "departement");
  EXPECT_EQ(r.read, 5);
  EXPECT_EQ(r.rejected, 0);
  EXPECT_EQ(r.updated, 5);  // same codes, geometry reprojected back from metres
  EXPECT_NEAR(area() / before, 1.0, 1e-4);
  // Lille's Grand Place is still in Nord.
  EXPECT_EQ(value("SELECT code FROM territories WHERE level = 'departement' AND "
                  "ST_Contains(geom, ST_SetSRID(ST_MakePoint(3.0630, 50.6370), 4326))"),
            "59");
}

}  // namespace
}  // namespace terrier::test
