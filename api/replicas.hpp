#pragma once

// Reads on streaming replicas, writes on the primary. `terrier serve
// --read-url` gives one pool per replica; a checker asks each, about every
// second, whether it is still a standby, how late it is and how far it has
// replayed, and the service (api/service.cpp) sends the read-only routes
// named by `replica_route` to a healthy one, round robin. A person who just
// wrote carries the primary's WAL position in a signed cookie
// (`terrier_lsn`), and the primary keeps it for the bearer token that wrote
// (read_positions: a script that keeps no cookie reads its own writes too): their reads go to a
// replica that has replayed it, or to the primary. Nothing is kept in the process that another
// server behind the balancer would need.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/pool.hpp"

namespace terrier::api {

struct Request;

struct ReplicaConfig {
  std::vector<std::string> urls;  // --read-url, TERRIER_READ_DATABASE_URLS
  double max_lag_s = 5;           // --max-replica-lag: later than this, skipped
  std::size_t pool_size = 8;      // connections per replica
  int statement_timeout_ms = 5000;
  std::chrono::milliseconds check_every{1000};
  // Signs the read-your-writes cookie; the same on every server of one
  // database (serve derives it from the primary's URL, whose password they
  // share).
  std::string cookie_key;

  void validate() const;  // throws ConfigError
};

// Whether a GET of these segments only reads what a replica has: feature
// pages and items, tiles, matches, histories, fiches, exports, white zones
// and the assignment. Sessions, accounts, tokens, searches, feeds and
// imports' progress stay on the primary.
bool replica_route(const std::string& method, const std::vector<std::string>& segments);

class ReadReplicas {
 public:
  explicit ReadReplicas(ReplicaConfig config);
  ~ReadReplicas();
  ReadReplicas(const ReadReplicas&) = delete;
  ReadReplicas& operator=(const ReadReplicas&) = delete;

  // A healthy replica that has replayed `min_lsn`, in turn; nullptr: read on
  // the primary. Counts the read.
  ConnectionPool* choose(std::uint64_t min_lsn);
  // A read on `pool` failed for want of the replica: skipped until the
  // checker sees it well again.
  void mark_down(ConnectionPool* pool, const std::string& why);
  void count_primary_read() { ++primary_reads_; }

  // The WAL position of the caller's last write (0: none, or a cookie that
  // is not ours, in which case the primary answers: max when forged).
  std::uint64_t read_position(const Request& request) const;
  // Set-Cookie after a write at `lsn`.
  std::string read_position_cookie(std::uint64_t lsn, bool secure) const;
  // The same position kept on the primary for the request's bearer token
  // (a script may keep no cookie); without a token nothing is kept, and 0
  // is read without asking the primary.
  void remember_position(pqxx::connection_base& primary, const Request& request,
                         std::uint64_t lsn) const;
  std::uint64_t remembered_position(ConnectionPool& primary, const Request& request) const;

  // /healthz's "replicas" (a JSON array: each one's number, state and lag)
  // and /metrics' lines (each one's host:port).
  std::string health_json() const;
  std::string metrics_text() const;

 private:
  struct Replica;
  void run_checker();
  void check(Replica& replica);
  std::string sign(const std::string& lsn_text) const;
  std::optional<std::string> credential_key(const Request& request) const;

  ReplicaConfig config_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  std::atomic<std::size_t> next_{0};
  std::atomic<long long> primary_reads_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread checker_;
};

}  // namespace terrier::api
