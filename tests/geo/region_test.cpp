#include "geo/region.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace terrier::geo {
namespace {

TEST(Region, GuessesCoordinateConventions) {
  EXPECT_EQ(guess_coordinates({2.8319, 50.4320}), CoordinateGuess::lon_lat);  // Lens
  EXPECT_EQ(guess_coordinates({50.4320, 2.8319}), CoordinateGuess::lat_lon_swapped);
  EXPECT_EQ(guess_coordinates({704061, 7059137}), CoordinateGuess::lambert93);  // Lille
  EXPECT_EQ(guess_coordinates({5.3698, 43.2965}), CoordinateGuess::outside);    // Marseille
  EXPECT_EQ(guess_coordinates({4.8357, 45.7640}), CoordinateGuess::outside);    // Lyon
  EXPECT_EQ(guess_coordinates({std::numeric_limits<double>::quiet_NaN(), 50}),
            CoordinateGuess::outside);
}

}  // namespace
}  // namespace terrier::geo
