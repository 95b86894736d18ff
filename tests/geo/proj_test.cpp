#include "geo/proj.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/log.hpp"

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

// PROJ's own complaint goes through Terrier's logger (at debug level), never
// straight to stderr.
TEST(ProjTransform, ProjsMessagesGoToTerriersLog) {
  const log::Level before = log::level();
  log::set_level(log::Level::debug);
  ::testing::internal::CaptureStderr();
  EXPECT_THROW(ProjTransform("EPSG:999999", "EPSG:4326"), ProjectionError);
  std::string err = ::testing::internal::GetCapturedStderr();
  log::set_level(before);
  EXPECT_NE(err.find("terrier: debug: PROJ"), std::string::npos) << err;
  for (std::size_t start = 0; start < err.size();) {
    auto end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    EXPECT_EQ(err.compare(start, 9, "terrier: "), 0) << err.substr(start, end - start);
    start = end + 1;
  }
}

}  // namespace
}  // namespace terrier::geo
