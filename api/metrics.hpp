#pragma once

// Request counters and a latency histogram, rendered in Prometheus' text
// format at /metrics.

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace terrier::api {

class Metrics {
 public:
  void record(const std::string& route, int status, double seconds);
  std::string render(std::size_t pool_in_use, std::size_t pool_size, std::size_t in_flight) const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25,  0.5,  1,     2.5,  10};
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, long long> requests_;
  std::array<long long, kBuckets.size()> bucket_counts_{};
  long long count_ = 0;
  double sum_ = 0;
};

}  // namespace terrier::api
