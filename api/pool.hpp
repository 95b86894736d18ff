#pragma once

// A bounded pool of PostgreSQL connections, each used by one request at a
// time, with a statement timeout. A broken connection is replaced on the next
// lease, so the server recovers by itself when the database comes back.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace terrier::api {

// The database cannot be reached now (503).
class DatabaseUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ConnectionPool {
 public:
  ConnectionPool(std::string url, std::size_t size, int statement_timeout_ms);

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<pqxx::connection> conn);
    ~Lease();
    Lease(Lease&&) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    pqxx::connection& operator*() { return *conn_; }
    pqxx::connection* operator->() { return conn_.get(); }
    // The connection failed: do not give it back.
    void discard() { conn_.reset(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  // Waits up to `wait` for a free connection; throws DatabaseUnavailable.
  Lease acquire(std::chrono::milliseconds wait = std::chrono::milliseconds(2000));

  std::size_t size() const { return size_; }
  std::size_t in_use() const;

 private:
  void give_back(std::unique_ptr<pqxx::connection> conn);
  std::unique_ptr<pqxx::connection> open();

  std::string url_;
  std::size_t size_;
  int statement_timeout_ms_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t leased_ = 0;
};

}  // namespace terrier::api
