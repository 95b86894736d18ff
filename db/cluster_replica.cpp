#include "db/cluster_replica.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <pqxx/pqxx>

#include "core/error.hpp"
#include "core/log.hpp"
#include "db/cluster_detail.hpp"
#include "db/connection.hpp"

namespace terrier::db {
namespace fs = std::filesystem;
using namespace detail;

namespace {

constexpr const char* kReplicaPrefix = "replica-";

// WAL the primary keeps for a standby that was stopped a while, since the
// replicas use no replication slot (a slot would keep WAL for a replica
// stopped for good until the disk is full).
constexpr const char* kWalKeepSize = "512MB";

}  // namespace

EmbeddedReplica::EmbeddedReplica(const EmbeddedCluster& primary, int port)
    : primary_(primary), port_(port) {
  if (port < 1024 || port > 65535) {
    throw ConfigError(fmt::format("replica port {} is out of range (1024-65535)", port));
  }
  if (port == primary.config().port || port == primary.status().port) {
    throw ConfigError(
        fmt::format("port {} is the primary database's own; give the replica another", port));
  }
  fs::path home = fs::absolute(primary.config().home).lexically_normal();
  data_dir_ = home / fmt::format("{}{}", kReplicaPrefix, port);
  log_file_ = home / fmt::format("{}{}.log", kReplicaPrefix, port);
}

ClusterStatus EmbeddedReplica::status() const {
  ClusterStatus s;
  s.initialised = fs::exists(data_dir_ / "PG_VERSION");
  s.port = port_;
  if (!s.initialised) return s;
  std::ifstream pidfile(data_dir_ / "postmaster.pid");
  std::string pid_line;
  if (std::getline(pidfile, pid_line)) {
    long pid = std::strtol(pid_line.c_str(), nullptr, 10);
    // A stale postmaster.pid stays behind after a crash: check the process.
    if (pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) {
      s.running = true;
      s.pid = pid;
    }
  }
  return s;
}

void EmbeddedReplica::copy_primary() {
  const auto& config = primary_.config();
  auto user = cluster_user(config.os_user, /*create=*/false);
  {
    // WAL level "replica", wal senders and the replication line of pg_hba
    // on 127.0.0.1 are PostgreSQL 15's and initdb's defaults; only the WAL
    // kept for a stopped standby is ours.
    auto conn = connect(primary_.url("postgres"));
    pqxx::nontransaction n(*conn);
    auto keep = n.exec1("SHOW wal_keep_size")[0].as<std::string>();
    if (keep != kWalKeepSize) {
      n.exec0(fmt::format("ALTER SYSTEM SET wal_keep_size = '{}'", kWalKeepSize));
      n.exec("SELECT pg_reload_conf()");
    }
  }
  std::error_code ec;
  fs::remove_all(data_dir_, ec);
  fs::create_directories(data_dir_);
  fs::permissions(data_dir_, fs::perms::owner_all);
  { std::ofstream touch(log_file_, std::ios::app); }
  if (user) {
    for (const auto& p : {data_dir_, log_file_}) {
      if (chown(p.c_str(), user->uid, user->gid) != 0) {
        throw ClusterError(fmt::format("cannot give {} to user '{}': {}", p.string(), user->name,
                                       std::strerror(errno)));
      }
    }
  }
  log::info("copying the primary into {} (pg_basebackup)", data_dir_.string());
  // -R writes standby.signal and primary_conninfo (with the password, in a
  // folder only the cluster's user reads).
  auto r =
      run_process({(config.pg_bindir / "pg_basebackup").string(), "-d", primary_.url("postgres"),
                   "-D", data_dir_.string(), "-R", "-X", "stream", "-c", "fast", "--no-password"},
                  user, primary_.data_dir().parent_path().string());
  if (r.exit_code != 0) {
    fs::remove_all(data_dir_, ec);
    throw ClusterError(fmt::format("pg_basebackup failed: {}", first_line(r.output)));
  }
  // The copy carries the primary's postmaster options, not its pid file;
  // the port is given at each start.
  fs::remove(data_dir_ / "postmaster.opts", ec);
  // The primary keeps the rows the replica's queries still read, rather than
  // the replica cancelling them when it replays their removal.
  std::ofstream conf(data_dir_ / "postgresql.conf", std::ios::app);
  conf << "\n# Terrier read replica\nhot_standby_feedback = on\n";
  if (!conf) throw ClusterError("cannot write the replica's postgresql.conf");
}

bool EmbeddedReplica::start() {
  if (status().running) return false;
  if (!primary_.status().running) {
    throw ClusterError(
        "the embedded primary database is not running: start it first ('terrier db start')");
  }
  check_port_free(port_);
  if (!status().initialised) copy_primary();
  auto user = cluster_user(primary_.config().os_user, /*create=*/false);
  auto r = run_process(
      {(primary_.config().pg_bindir / "pg_ctl").string(), "start", "-D", data_dir_.string(), "-l",
       log_file_.string(), "-w", "-t", "60", "-o", fmt::format("-p {}", port_)},
      user, primary_.data_dir().parent_path().string());
  if (r.exit_code != 0) {
    throw ClusterError(fmt::format("the replica did not start on port {} (log {}):{}", port_,
                                   log_file_.string(), log_tail(log_file_, 5)));
  }
  return true;
}

bool EmbeddedReplica::stop() {
  if (!status().running) return false;
  auto user = cluster_user(primary_.config().os_user, /*create=*/false);
  auto r = run_process({(primary_.config().pg_bindir / "pg_ctl").string(), "stop", "-D",
                        data_dir_.string(), "-m", "fast", "-w", "-t", "60"},
                       user, primary_.data_dir().parent_path().string());
  if (r.exit_code != 0) {
    throw ClusterError(fmt::format("pg_ctl stop failed: {}", first_line(r.output)));
  }
  return true;
}

std::string EmbeddedReplica::url() const {
  if (!status().initialised) {
    throw ClusterError(fmt::format(
        "no replica on port {}: run 'terrier db replica start --port {}' first", port_, port_));
  }
  return primary_.url_at(port_);
}

std::vector<int> replica_ports(const EmbeddedCluster& primary) {
  std::vector<int> ports;
  fs::path home = primary.data_dir().parent_path();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(home, ec)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind(kReplicaPrefix, 0) != 0) continue;
    std::string digits = name.substr(std::strlen(kReplicaPrefix));
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    if (fs::exists(entry.path() / "PG_VERSION")) ports.push_back(std::stoi(digits));
  }
  std::sort(ports.begin(), ports.end());
  return ports;
}

}  // namespace terrier::db
