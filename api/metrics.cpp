#include "api/metrics.hpp"

#include <fmt/core.h>

#include "api/handlers.hpp"
#include "api/replicas.hpp"
#include "core/roles.hpp"

namespace terrier::api {

void Metrics::record(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  ++count_;
  sum_ += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  }
}

std::string Metrics::render(std::size_t pool_in_use, std::size_t pool_size,
                            std::size_t in_flight) const {
  std::lock_guard lock(mutex_);
  std::string out =
      "# HELP terrier_http_requests_total HTTP requests by route and status.\n"
      "# TYPE terrier_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += fmt::format("terrier_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first,
                       key.second, n);
  }
  out +=
      "# HELP terrier_http_request_duration_seconds Time to answer a request.\n"
      "# TYPE terrier_http_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    out += fmt::format("terrier_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n",
                       kBuckets[i], bucket_counts_[i]);
  }
  out += fmt::format("terrier_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", count_);
  out += fmt::format("terrier_http_request_duration_seconds_sum {}\n", sum_);
  out += fmt::format("terrier_http_request_duration_seconds_count {}\n", count_);
  out += fmt::format(
      "# HELP terrier_db_pool_connections Database connections in use and in the pool.\n"
      "# TYPE terrier_db_pool_connections gauge\n"
      "terrier_db_pool_connections{{state=\"in_use\"}} {}\n"
      "terrier_db_pool_connections{{state=\"max\"}} {}\n"
      "# HELP terrier_http_requests_in_flight Requests being answered.\n"
      "# TYPE terrier_http_requests_in_flight gauge\n"
      "terrier_http_requests_in_flight {}\n",
      pool_in_use, pool_size, in_flight);
  return out;
}

Response metrics_page(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  if (ctx.role == Role::anonymous) {
    Response r = problem_response(401, "Unauthorized", "/metrics needs an admin's token");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (!reads_metrics(ctx.role))
    throw Problem(403, "Forbidden", "/metrics is for admins' tokens only");
  Response m;
  m.content_type = "text/plain; version=0.0.4";
  m.body = ctx.metrics ? ctx.metrics->render(pool.in_use(), pool.size(), ctx.in_flight) : "";
  if (ctx.replicas) m.body += ctx.replicas->metrics_text();
  return m;
}

}  // namespace terrier::api
