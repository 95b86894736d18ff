#include "geo/proj.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace terrier::geo {
namespace {

TEST(ProjTransform, LilleToLambert93InLonLatOrder) {
  ProjTransform t("EPSG:4326", "EPSG:2154");
  XY p = t.transform({3.0573, 50.6292});
  EXPECT_NEAR(p.x, 704061, 2);
  EXPECT_NEAR(p.y, 7059137, 2);
}

TEST(ProjTransform, Lambert93BackToLonLat) {
  ProjTransform t("EPSG:2154", "EPSG:4326");
  XY p = t.transform({704061, 7059137});
  EXPECT_NEAR(p.x, 3.0573, 1e-4);
  EXPECT_NEAR(p.y, 50.6292, 1e-4);
}

TEST(ProjTransform, UnknownCrsThrows) {
  EXPECT_THROW(ProjTransform("EPSG:999999", "EPSG:4326"), ProjectionError);
}

}  // namespace
}  // namespace terrier::geo
