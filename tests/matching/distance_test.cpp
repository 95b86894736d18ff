#include "matching/distance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "matching/rules.hpp"

namespace terrier::matching {
namespace {

// Hauts-de-France and around it.
constexpr double kMinLon = 1.3, kMaxLon = 4.3, kMinLat = 48.8, kMaxLat = 51.1;
constexpr double kMetresPerDegree = 111320;

struct Pair {
  double lon1, lat1, lon2, lat2;
};

// How the second point of a pair is drawn: the ranking meets every distance,
// from a few metres (a dense town) to the approximation's range.
enum class Spread { log_uniform_offset, uniform_offset, two_points_in_region };

class PairSampler {
 public:
  explicit PairSampler(std::uint64_t seed) : rng_(seed) {}

  Pair next(Spread spread) {
    double lon1 = uniform(kMinLon, kMaxLon), lat1 = uniform(kMinLat, kMaxLat);
    if (spread == Spread::two_points_in_region) {
      return {lon1, lat1, uniform(kMinLon, kMaxLon), uniform(kMinLat, kMaxLat)};
    }
    double metres = spread == Spread::log_uniform_offset
                        ? std::exp(uniform(std::log(0.5), std::log(kApproxDistanceRange)))
                        : uniform(0, kApproxDistanceRange);
    double azimuth = uniform(0, 2 * std::numbers::pi);
    double dlat = metres * std::cos(azimuth) / kMetresPerDegree;
    double dlon =
        metres * std::sin(azimuth) / (kMetresPerDegree * std::cos(lat1 * std::numbers::pi / 180));
    return {lon1, lat1, lon1 + dlon, lat1 + dlat};
  }

 private:
  double uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng_); }
  std::mt19937_64 rng_;
};

struct SpreadCase {
  Spread spread;
  const char* name;
};

// The header promises kApproxDistanceError, five times the worst error
// measured: the measured error must stay below a fifth of it.
TEST(ApproxDistance, StaysWithinAFifthOfItsBoundUpTo300KmAroundHautsDeFrance) {
  const std::vector<SpreadCase> cases = {
      {Spread::log_uniform_offset, "log-uniform offsets (near pairs)"},
      {Spread::uniform_offset, "uniform offsets (far pairs)"},
      {Spread::two_points_in_region, "two points anywhere in the region"},
  };
  constexpr int kPairsPerCase = 70000;
  PairSampler sampler(20260301);
  for (const auto& c : cases) {
    int measured = 0, beyond_range = 0;
    double worst = 0;
    Pair worst_pair{};
    for (int i = 0; i < kPairsPerCase; ++i) {
      Pair p = sampler.next(c.spread);
      double exact = geodesic_distance_m(p.lon1, p.lat1, p.lon2, p.lat2);
      if (exact > kApproxDistanceRange) {
        ++beyond_range;
        continue;
      }
      if (exact == 0) continue;
      double error = std::fabs(approx_distance_m(p.lon1, p.lat1, p.lon2, p.lat2) - exact) / exact;
      if (error > worst) {
        worst = error;
        worst_pair = p;
      }
      ++measured;
    }
    RecordProperty(std::string("worst_relative_error: ") + c.name, std::to_string(worst));
    EXPECT_LT(worst, kApproxDistanceError / 5)
        << c.name << ": worst at (" << worst_pair.lon1 << ", " << worst_pair.lat1 << ") → ("
        << worst_pair.lon2 << ", " << worst_pair.lat2 << "), "
        << geodesic_distance_m(worst_pair.lon1, worst_pair.lat1, worst_pair.lon2, worst_pair.lat2)
        << " m";
    // The sample must meet the distances it is about.
    EXPECT_GT(measured, kPairsPerCase * 6 / 10) << c.name;
    EXPECT_LT(beyond_range, kPairsPerCase * 4 / 10) << c.name;
  }
}

struct ExtremeCase {
  const char* what;
  Pair pair;
};

// The pairs where a mid-latitude approximation is weakest: long east-west
// runs at the region's northern edge, long diagonals, the longest
// north-south run.
TEST(ApproxDistance, StaysWithinAFifthOfItsBoundOnTheRegionsLongestRuns) {
  const std::vector<ExtremeCase> cases = {
      {"east-west along 51.1° N", {0.1, 51.1, 4.3, 51.1}},
      {"east-west along 48.8° N", {0.3, 48.8, 4.3, 48.8}},
      {"south-west to north-east", {1.3, 48.8, 3.4, 51.0}},
      {"north-west to south-east", {1.3, 51.1, 3.4, 48.9}},
      {"north-south along 2.8° E", {2.8, 48.5, 2.8, 51.1}},
  };
  for (const auto& c : cases) {
    const Pair& p = c.pair;
    double exact = geodesic_distance_m(p.lon1, p.lat1, p.lon2, p.lat2);
    ASSERT_LE(exact, kApproxDistanceRange) << c.what;
    ASSERT_GT(exact, 0.8 * kApproxDistanceRange) << c.what;
    double error = std::fabs(approx_distance_m(p.lon1, p.lat1, p.lon2, p.lat2) - exact) / exact;
    EXPECT_LT(error, kApproxDistanceError / 5) << c.what << ": " << exact << " m";
  }
}

TEST(ApproxDistance, IsZeroBetweenAPointAndItself) {
  const std::vector<Pair> points = {{2.8319, 50.4320, 2.8319, 50.4320},
                                    {kMinLon, kMinLat, kMinLon, kMinLat},
                                    {kMaxLon, kMaxLat, kMaxLon, kMaxLat}};
  for (const auto& p : points) {
    EXPECT_EQ(approx_distance_m(p.lon1, p.lat1, p.lon2, p.lat2), 0) << p.lon1 << " " << p.lat1;
  }
}

TEST(ApproxDistance, IsSymmetric) {
  PairSampler sampler(7);
  for (int i = 0; i < 1000; ++i) {
    Pair p = sampler.next(Spread::uniform_offset);
    EXPECT_DOUBLE_EQ(approx_distance_m(p.lon1, p.lat1, p.lon2, p.lat2),
                     approx_distance_m(p.lon2, p.lat2, p.lon1, p.lat1));
  }
}

}  // namespace
}  // namespace terrier::matching
