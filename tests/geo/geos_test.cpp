#include "geo/geos.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace terrier::geo {
namespace {

TEST(GeosGeometry, BowTieIsInvalidAndRepairedIntoTwoPolygons) {
  GeosContext ctx;
  auto bowtie = ctx.from_wkt("POLYGON((0 0, 2 2, 2 0, 0 2, 0 0))");
  auto v = bowtie.validity();
  EXPECT_FALSE(v.valid);
  EXPECT_NE(v.reason.find("Self-intersection"), std::string::npos) << v.reason;
  auto fixed = bowtie.make_valid().polygonal_part();
  EXPECT_TRUE(fixed.validity().valid);
  EXPECT_EQ(fixed.type(), "MultiPolygon");
  EXPECT_EQ(fixed.to_wkt(1), "MULTIPOLYGON (((1 1, 2 2, 2 0, 1 1)), ((0 0, 0 2, 1 1, 0 0)))");
}

TEST(GeosGeometry, MalformedWktThrows) {
  GeosContext ctx;
  EXPECT_THROW(ctx.from_wkt("POLYGON((0 0, 1"), GeometryError);
}

TEST(GeosGeometry, HexEwkbCarriesSrid) {
  GeosContext ctx;
  auto p = ctx.point(3.0573, 50.6292);
  // Little-endian point with SRID flag (0x20000001) and SRID 4326 (0x10E6).
  EXPECT_EQ(p.to_hex_ewkb(4326).substr(0, 18), "0101000020E6100000");
}

TEST(GeosGeometry, PointOnSurfaceIsInsideAConcavePolygon) {
  GeosContext ctx;
  auto u = ctx.from_wkt("POLYGON((0 0, 3 0, 3 3, 2 3, 2 1, 1 1, 1 3, 0 3, 0 0))");
  auto p = u.point_on_surface();
  EXPECT_EQ(p.type(), "Point");
  EXPECT_FALSE(p.x() > 1 && p.x() < 2 && p.y() > 1);
}

}  // namespace
}  // namespace terrier::geo
