#include "api/pool.hpp"

#include <pqxx/pqxx>

#include "core/error.hpp"

namespace terrier::api {

ConnectionPool::ConnectionPool(std::string url, std::size_t size, int statement_timeout_ms)
    : url_(std::move(url)), size_(size), statement_timeout_ms_(statement_timeout_ms) {}

ConnectionPool::Lease::Lease(ConnectionPool& pool, std::unique_ptr<pqxx::connection> conn)
    : pool_(&pool), conn_(std::move(conn)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_) pool_->give_back(std::move(conn_));
}

std::unique_ptr<pqxx::connection> ConnectionPool::open() {
  try {
    return db::connect(url_, {"terrier serve", statement_timeout_ms_});
  } catch (const std::exception& e) {
    throw DatabaseUnavailable(first_line(e.what()));
  }
}

ConnectionPool::Lease ConnectionPool::acquire(std::chrono::milliseconds wait) {
  std::unique_ptr<pqxx::connection> conn;
  {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, wait, [&] { return !idle_.empty() || leased_ < size_; })) {
      throw DatabaseUnavailable("all database connections are busy");
    }
    ++leased_;
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  try {
    if (!conn || !conn->is_open()) conn = open();
  } catch (...) {
    give_back(nullptr);
    throw;
  }
  return Lease(*this, std::move(conn));
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> conn) {
  {
    std::lock_guard lock(mutex_);
    --leased_;
    if (conn && conn->is_open()) idle_.push_back(std::move(conn));
  }
  available_.notify_one();
}

std::size_t ConnectionPool::in_use() const {
  std::lock_guard lock(mutex_);
  return leased_;
}

}  // namespace terrier::api
