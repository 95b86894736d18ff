// geo/gdal: reading a vector file, reprojecting, writing through
// GDALVectorTranslate, and the errors that name the file.

#include "geo/gdal.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "geo/geos.hpp"

namespace terrier::geo {
namespace {

namespace fs = std::filesystem;

std::string formats(const std::string& name) {
  return std::string(TERRIER_TEST_DATA) + "/importers/formats/" + name;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/terrier-gdal-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

TEST(GdalVectorReader, ReadsFieldsAndPointsOfAGeoJsonFile) {
  GdalVectorReader reader(formats("opportunites.geojson"));
  EXPECT_EQ(reader.driver_name(), "GeoJSON");
  ASSERT_GE(reader.field_names().size(), 6u);
  EXPECT_EQ(reader.field_names()[0], "ref");
  OgrRecord record;
  ASSERT_TRUE(reader.next(record));
  ASSERT_TRUE(record.fields[0]);
  EXPECT_EQ(*record.fields[0], "F-1");
  ASSERT_TRUE(record.wkb);
  GeosContext ctx;
  auto point = ctx.from_wkb(*record.wkb);
  EXPECT_NEAR(point.x(), 3.05, 1e-9);
  EXPECT_NEAR(point.y(), 50.627, 1e-9);
  long long n = 1;
  while (reader.next(record)) ++n;
  EXPECT_EQ(reader.feature_count().value_or(-1), n);
}

TEST(GdalVectorReader, AFileThatIsNoVectorFileNamesItself) {
  TempDir dir;
  std::string path = dir.file("notes.geojson");
  std::ofstream(path) << "this is not GeoJSON";
  try {
    GdalVectorReader reader(path);
    FAIL() << "opened a file that is not a vector file";
  } catch (const ImportError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(OgrReprojector, LilleToLambert93InLonLatOrder) {
  GeosContext ctx;
  OgrReprojector to_l93("EPSG:4326", "EPSG:2154");
  auto p = ctx.from_wkb(to_l93.transform_wkb(ctx.point(3.0573, 50.6292).to_wkb()));
  EXPECT_NEAR(p.x(), 704061, 2);
  EXPECT_NEAR(p.y(), 7059137, 2);
  EXPECT_THROW(OgrReprojector("EPSG:999999", "EPSG:4326"), ProjectionError);
}

TEST(TranslateVector, WritesEverySourceAsALayerOfOneFile) {
  TempDir dir;
  std::string out = dir.file("out.gpkg");
  translate_vector(
      {{formats("opportunites.geojson"), "opportunites"}, {formats("opportunites.kml"), "encore"}},
      out, "GPKG");
  GdalVectorReader back(out);
  EXPECT_EQ(back.driver_name(), "GPKG");
  OgrRecord record;
  ASSERT_TRUE(back.next(record));
  ASSERT_TRUE(record.wkb);
}

// The first source opened the destination; a second one that cannot be
// read must name itself and close the destination on the way out (the
// sanitizer build's leak check sees a dataset left open).
TEST(TranslateVector, AnUnreadableLaterSourceNamesItselfAndClosesTheDestination) {
  TempDir dir;
  std::string out = dir.file("out.gpkg");
  std::string missing = dir.file("absent.geojson");
  try {
    translate_vector({{formats("opportunites.geojson"), "a"}, {missing, "b"}}, out, "GPKG");
    FAIL() << "a missing source was not reported";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  // Closed: the file GDAL wrote is a complete GeoPackage that opens again.
  GdalVectorReader back(out);
  OgrRecord record;
  EXPECT_TRUE(back.next(record));
}

TEST(GeoJsonGeometry, BecomesWkbOrAGeometryErrorWithOgrsReason) {
  GeosContext ctx;
  auto p = ctx.from_wkb(geojson_geometry_to_wkb(R"({"type":"Point","coordinates":[2.8,50.4,12]})"));
  EXPECT_NEAR(p.x(), 2.8, 1e-12);
  EXPECT_EQ(p.num_coordinates(), 1u);
  EXPECT_THROW(geojson_geometry_to_wkb(R"({"type":"Point"})"), GeometryError);
  EXPECT_THROW(geojson_geometry_to_wkb("[1, 2]"), GeometryError);
}

TEST(GeoJsonGeometry, BecomesFlatWktOrAGeometryError) {
  EXPECT_EQ(geojson_geometry_to_wkt(R"({"type":"Point","coordinates":[2.8,50.4,12]})"),
            "POINT (2.8 50.4)");
  EXPECT_EQ(
      geojson_geometry_to_wkt(R"({"type":"LineString","coordinates":[[2.8,50.4],[2.9,50.5]]})"),
      "LINESTRING (2.8 50.4,2.9 50.5)");
  EXPECT_THROW(geojson_geometry_to_wkt(R"({"type":"Point"})"), GeometryError);
}

TEST(ZipUnpackedBytes, CountsTheEntriesOfAnXlsxAndIgnoresOtherFiles) {
  auto xlsx = zip_unpacked_bytes(formats("opportunites.xlsx"));
  ASSERT_TRUE(xlsx);
  EXPECT_GT(*xlsx, fs::file_size(formats("opportunites.xlsx")));
  EXPECT_FALSE(zip_unpacked_bytes(formats("opportunites.geojson")));
}

}  // namespace
}  // namespace terrier::geo
