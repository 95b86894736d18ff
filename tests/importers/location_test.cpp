// Where a row is: coordinates in either CRS, a commune, or a reason why
// not. No database: two communes and a coarse outline of the region.

#include "importers/location.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "geo/gdal.hpp"

namespace terrier::importers {
namespace {

LocationOptions with_srs(const char* srs) {
  LocationOptions o;
  o.srs = srs;
  return o;
}

struct LocationTest : ::testing::Test {
  CommuneIndex communes;
  std::optional<std::string> region;

  void SetUp() override {
    geo::init_gdal();
    communes.add({"59350", "Lille", {"59000", "59800"}, 3.0586, 50.6311});
    communes.add({"62041", "Arras", {"62000"}, 2.7775, 50.2910});
    region = geo::geojson_geometry_to_wkb(
        R"({"type":"Polygon","coordinates":[[[1.3,48.8],[4.3,48.8],[4.3,51.1],[1.3,51.1],[1.3,48.8]]]})");
  }

  LocationResult locate(LocationInput in, LocationOptions options = {}) {
    LocationResolver resolver(communes, region, options);
    return resolver.resolve(in);
  }
  static LocationInput at(const char* lon, const char* lat) {
    LocationInput in;
    in.lon = lon;
    in.lat = lat;
    return in;
  }
};

TEST_F(LocationTest, LonLatIsAnExactPoint) {
  auto r = locate(at("3.0573", "50.6292"));
  ASSERT_TRUE(std::holds_alternative<Location>(r));
  const auto& loc = std::get<Location>(r);
  EXPECT_TRUE(loc.is_point);
  EXPECT_EQ(loc.precision, "exact");
  EXPECT_NEAR(loc.lon, 3.0573, 1e-9);
  EXPECT_NEAR(loc.lat, 50.6292, 1e-9);
}

// Lambert-93 metres are recognised without being declared, and with --srs
// every row goes through the same transformation.
TEST_F(LocationTest, Lambert93IsReprojectedDeclaredOrNot) {
  for (const auto& options : {LocationOptions{}, with_srs("EPSG:2154")}) {
    LocationResolver resolver(communes, region, options);
    for (int i = 0; i < 3; ++i) {
      auto r = resolver.resolve(at("704061", "7059137"));
      ASSERT_TRUE(std::holds_alternative<Location>(r)) << options.srs.value_or("guessed");
      EXPECT_NEAR(std::get<Location>(r).lon, 3.0573, 1e-4);
      EXPECT_NEAR(std::get<Location>(r).lat, 50.6292, 1e-4);
    }
  }
}

TEST_F(LocationTest, AnUnknownCrsIsTheRowsError) {
  auto r = locate(at("1", "2"), with_srs("EPSG:999999"));
  ASSERT_TRUE(std::holds_alternative<LocationError>(r));
  EXPECT_EQ(std::get<LocationError>(r).field, "lon");
}

TEST_F(LocationTest, SwappedOrOutsideCoordinatesAreRefused) {
  auto swapped = locate(at("50.6292", "3.0573"));
  ASSERT_TRUE(std::holds_alternative<LocationError>(swapped));
  EXPECT_EQ(std::get<LocationError>(swapped).reason.code, ReasonCode::lat_lon_swapped);
  auto outside = locate(at("4.83", "45.76"));  // Lyon
  ASSERT_TRUE(std::holds_alternative<LocationError>(outside));
  EXPECT_EQ(std::get<LocationError>(outside).reason.code, ReasonCode::outside_region);
}

TEST_F(LocationTest, HalfACoordinateNamesTheOtherHalf) {
  LocationInput lat_only;
  lat_only.lat = "50.63";
  auto r = locate(lat_only);
  ASSERT_TRUE(std::holds_alternative<LocationError>(r));
  EXPECT_EQ(std::get<LocationError>(r).field, "lon");
}

TEST_F(LocationTest, ACommuneLocatesARowAtCommunePrecision) {
  LocationInput in;
  in.postcode = "62000";
  in.commune_name = "ARRAS";
  auto r = locate(in);
  ASSERT_TRUE(std::holds_alternative<Location>(r));
  EXPECT_EQ(std::get<Location>(r).precision, "commune");
  EXPECT_EQ(std::get<Location>(r).insee, "62041");
}

TEST_F(LocationTest, APostcodeAloneOrNothingAtAll) {
  LocationInput postcode;
  postcode.postcode = "59000";
  auto r = locate(postcode);
  ASSERT_TRUE(std::holds_alternative<LocationError>(r));
  EXPECT_EQ(std::get<LocationError>(r).field, "postcode");
  EXPECT_TRUE(std::holds_alternative<NoLocation>(locate(LocationInput{})));
}

TEST(SwapWktAxes, SwapsEveryPair) {
  EXPECT_EQ(swap_wkt_axes("POINT(50.63 3.06)"), "POINT(3.06 50.63)");
}

}  // namespace
}  // namespace terrier::importers
