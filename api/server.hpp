#pragma once

// The HTTP server: Pistache, multi-threaded, in front of Service.

#include <memory>
#include <string>

#include "api/service.hpp"

namespace terrier::api {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  int threads = 4;
  // Pistache's own limit; the service refuses bodies over its own (smaller)
  // limit with a problem-details 413.
  std::size_t max_request_bytes = 21 * 1024 * 1024;

  // "HOST:PORT" -> host and port; throws ConfigError.
  void set_listen(const std::string& listen);
  void validate() const;
};

class Server {
 public:
  Server(ServerConfig config, Service& service);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();      // returns once listening
  int port() const;  // the port actually bound
  // Stops taking new work, lets in-flight requests finish (up to the grace
  // period), then stops.
  void shutdown_gracefully(std::chrono::milliseconds grace = std::chrono::milliseconds(10000));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace terrier::api
