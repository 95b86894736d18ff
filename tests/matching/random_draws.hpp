#pragma once

// Seeded draws for the matching tests' random worlds (engine_test,
// engine_agreement_test): the same seed gives the same world.

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace terrier::matching {

template <typename Engine>
class RandomDraws {
 public:
  explicit RandomDraws(typename Engine::result_type seed) : rng_(seed) {}

  double uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng_)];
  }
  // Each item with probability p, in a random order.
  std::vector<std::string> subset(const std::vector<std::string>& v, double p) {
    std::vector<std::string> out;
    for (const auto& s : v) {
      if (chance(p)) out.push_back(s);
    }
    std::shuffle(out.begin(), out.end(), rng_);
    return out;
  }

 private:
  Engine rng_;
};

}  // namespace terrier::matching
