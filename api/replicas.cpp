#include "api/replicas.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api/service.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "db/connection.hpp"
#include "db/replication.hpp"

namespace terrier::api {
namespace {

constexpr const char* kPositionCookie = "terrier_lsn";
// Longer than any lag a replica may have and still be read: by then every
// healthy replica has replayed the write.
constexpr int kPositionCookieMaxAgeS = 300;

// host:port of a libpq URL, to name a replica without its password.
std::string replica_name(const std::string& url) {
  auto values = db::conninfo_values(url);
  std::string host = values.count("host") ? values["host"] : "localhost";
  std::string port = values.count("port") ? values["port"] : "5432";
  return host + ":" + port;
}

}  // namespace

struct ReadReplicas::Replica {
  std::string url;
  std::string name;
  ConnectionPool pool;
  std::unique_ptr<pqxx::connection> checker;  // the checker thread's only
  std::atomic<bool> up{false};
  std::atomic<bool> in_recovery{false};
  std::atomic<double> lag_s{0};
  std::atomic<std::uint64_t> replay_lsn{0};
  std::atomic<long long> reads{0};
  std::atomic<long long> fallbacks{0};  // reads retried on the primary
  mutable std::mutex mutex;
  std::string state = "down";  // up, lagging, not-a-standby, down
  std::string error;

  Replica(std::string u, std::size_t size, int timeout_ms)
      : url(u), name(replica_name(u)), pool(std::move(u), size, timeout_ms) {}
};

void ReplicaConfig::validate() const {
  if (max_lag_s <= 0 || max_lag_s > 3600) {
    throw ConfigError(fmt::format(
        "--max-replica-lag {} is out of range (more than 0, at most 3600 s)", max_lag_s));
  }
  for (const auto& url : urls) {
    if (url.rfind("postgres", 0) != 0 && url.find('=') == std::string::npos) {
      throw ConfigError(fmt::format(
          "read replica '{}' is not a libpq URI (postgresql://user:password@host:port/db)",
          redact_database_url(url)));
    }
    db::conninfo_values(url);  // throws ConfigError when libpq cannot read it
  }
  if (!urls.empty() && cookie_key.empty()) throw ConfigError("read replicas need a cookie key");
}

bool replica_route(const std::string& method, const std::vector<std::string>& segments) {
  if (method != "GET" || segments.empty()) return false;
  const auto& s = segments;
  if (s[0] == "tiles") return true;
  if (s[0] == "ogcapi") return s.size() >= 4 && s[1] == "collections" && s[3] == "items";
  if (s[0] != "api" || s.size() < 2) return false;
  const std::string& last = s.back();
  if (last == "history" || last == "matches" || last == "fiche.pdf" || last == "export" ||
      last == "white-zones") {
    return s[1] != "requests";  // a person's requests: on the primary, with the account
  }
  return s[1] == "assignment" || (s[1] == "matches" && s.size() == 3);
}

ReadReplicas::ReadReplicas(ReplicaConfig config) : config_(std::move(config)) {
  config_.validate();
  for (const auto& url : config_.urls) {
    replicas_.push_back(
        std::make_unique<Replica>(url, config_.pool_size, config_.statement_timeout_ms));
  }
  if (!replicas_.empty()) checker_ = std::thread([this] { run_checker(); });
}

ReadReplicas::~ReadReplicas() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (checker_.joinable()) checker_.join();
}

void ReadReplicas::run_checker() {
  std::unique_lock lock(mutex_);
  do {
    lock.unlock();
    for (auto& r : replicas_) check(*r);
    lock.lock();
  } while (!wake_.wait_for(lock, config_.check_every, [this] { return stopping_; }));
}

void ReadReplicas::check(Replica& r) {
  std::string state, error;
  try {
    if (!r.checker || !r.checker->is_open()) {
      r.checker = db::connect(r.url, {"terrier serve (replica check)", 2000});
    }
    auto st = db::read_replica_state(*r.checker);
    r.in_recovery = st.in_recovery;
    r.lag_s = st.lag_s;
    r.replay_lsn = st.replay_lsn;
    // A promoted standby is a primary of its own, ahead of ours or apart
    // from it: not read from.
    state = !st.in_recovery ? "not-a-standby" : st.lag_s > config_.max_lag_s ? "lagging" : "up";
  } catch (const std::exception& e) {
    r.checker.reset();
    state = "down";
    error = first_line(e.what());
  }
  bool up = state == "up";
  if (up != r.up.load()) {
    if (up) {
      log::info("read replica {} is up", r.name);
    } else {
      log::warn("read replica {} is {}{}", r.name, state, error.empty() ? "" : ": " + error);
    }
  }
  r.up = up;
  std::lock_guard lock(r.mutex);
  r.state = state;
  r.error = error;
}

ConnectionPool* ReadReplicas::choose(std::uint64_t min_lsn) {
  std::size_t n = replicas_.size();
  std::size_t start = next_++;
  for (std::size_t i = 0; i < n; ++i) {
    Replica& r = *replicas_[(start + i) % n];
    if (r.up && r.replay_lsn >= min_lsn) {
      ++r.reads;
      return &r.pool;
    }
  }
  ++primary_reads_;
  return nullptr;
}

void ReadReplicas::mark_down(ConnectionPool* pool, const std::string& why) {
  for (auto& r : replicas_) {
    if (&r->pool != pool) continue;
    ++r->fallbacks;
    if (r->up.exchange(false)) log::warn("read replica {} failed a read: {}", r->name, why);
    std::lock_guard lock(r->mutex);
    r->state = "down";
    r->error = why;
  }
}

std::string ReadReplicas::sign(const std::string& lsn_text) const {
  // Keyed twice, so that the hash's length extension gives nothing.
  return sha256_hex(config_.cookie_key + "\n" + sha256_hex(config_.cookie_key + "\n" + lsn_text))
      .substr(0, 32);
}

std::uint64_t ReadReplicas::read_position(const Request& request) const {
  auto cookies = request.headers.find("cookie");
  if (cookies == request.headers.end()) return 0;
  for (const auto& part : text::split_any(cookies->second, {";"})) {
    auto eq = part.find('=');
    if (eq == std::string::npos || text::trim(part.substr(0, eq)) != kPositionCookie) continue;
    std::string value = text::trim(part.substr(eq + 1));
    auto dot = value.find('.');
    if (dot != std::string::npos && sign(value.substr(0, dot)) == value.substr(dot + 1)) {
      if (auto lsn = db::parse_lsn(value.substr(0, dot))) return *lsn;
    }
    return std::numeric_limits<std::uint64_t>::max();
  }
  return 0;
}

std::string ReadReplicas::read_position_cookie(std::uint64_t lsn, bool secure) const {
  std::string text = db::format_lsn(lsn);
  return fmt::format("{}={}.{}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{}", kPositionCookie,
                     text, sign(text), kPositionCookieMaxAgeS, secure ? "; Secure" : "");
}

std::optional<std::string> ReadReplicas::credential_key(const Request& request) const {
  // A bearer token only: a browser's session sends the cookie back.
  auto auth = request.headers.find("authorization");
  if (auth == request.headers.end()) return std::nullopt;
  // Keyed, so that the table holds nothing a credential can be found from.
  return sha256_hex(config_.cookie_key + "\nread position\n" + auth->second);
}

void ReadReplicas::remember_position(pqxx::connection_base& primary, const Request& request,
                                     std::uint64_t lsn) const {
  if (auto key = credential_key(request)) {
    db::remember_read_position(primary, *key, lsn, kPositionCookieMaxAgeS);
  }
}

std::uint64_t ReadReplicas::remembered_position(ConnectionPool& primary,
                                                const Request& request) const {
  auto key = credential_key(request);
  if (!key) return 0;
  auto conn = primary.acquire();
  return db::remembered_read_position(*conn, *key, kPositionCookieMaxAgeS);
}

std::string ReadReplicas::health_json() const {
  // Numbered in --read-url's order: /healthz is public, and the replicas'
  // addresses are for /metrics (admins) and the log.
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < replicas_.size(); ++i) {
    const auto& r = replicas_[i];
    std::lock_guard lock(r->mutex);
    nlohmann::ordered_json one = {{"replica", i + 1}, {"state", r->state}};
    if (r->state != "down") one["lag_s"] = std::round(r->lag_s.load() * 1000) / 1000;
    out.push_back(one);
  }
  return out.dump();
}

std::string ReadReplicas::metrics_text() const {
  std::string out =
      "# HELP terrier_replica_up Whether a read replica is read from (1) or skipped (0).\n"
      "# TYPE terrier_replica_up gauge\n";
  for (const auto& r : replicas_) {
    out += fmt::format("terrier_replica_up{{replica=\"{}\"}} {}\n", r->name, r->up ? 1 : 0);
  }
  out +=
      "# HELP terrier_replica_lag_seconds How far behind the primary a replica replays.\n"
      "# TYPE terrier_replica_lag_seconds gauge\n";
  for (const auto& r : replicas_) {
    out +=
        fmt::format("terrier_replica_lag_seconds{{replica=\"{}\"}} {}\n", r->name, r->lag_s.load());
  }
  out +=
      "# HELP terrier_db_reads_total Reads of the replica routes, by the pool that answered.\n"
      "# TYPE terrier_db_reads_total counter\n";
  out += fmt::format("terrier_db_reads_total{{pool=\"primary\"}} {}\n", primary_reads_.load());
  for (const auto& r : replicas_) {
    out += fmt::format("terrier_db_reads_total{{pool=\"{}\"}} {}\n", r->name, r->reads.load());
  }
  out +=
      "# HELP terrier_replica_fallbacks_total Reads a replica failed, answered by the primary.\n"
      "# TYPE terrier_replica_fallbacks_total counter\n";
  for (const auto& r : replicas_) {
    out += fmt::format("terrier_replica_fallbacks_total{{replica=\"{}\"}} {}\n", r->name,
                       r->fallbacks.load());
  }
  return out;
}

}  // namespace terrier::api
