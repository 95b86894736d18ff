#include "db/cluster.hpp"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <sstream>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "db/cluster_detail.hpp"
#include "db/connection.hpp"
#include "db/process.hpp"

namespace terrier::db {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSuperuser = "terrier";

}  // namespace

namespace detail {

bool running_as_root() {
  return geteuid() == 0;
}

// Last lines of the server log, to explain a failed start.
std::string log_tail(const fs::path& log, std::size_t lines) {
  std::ifstream in(log);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += "\n  " + all[i];
  }
  return out;
}

void check_port_free(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw ClusterError(fmt::format("cannot open a socket: {}", std::strerror(errno)));
  // As PostgreSQL binds: connections in TIME_WAIT on the port (left by a
  // stop that closed its clients' connections) do not make it "in use".
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = errno;
  close(fd);
  if (rc != 0) {
    throw ClusterError(
        fmt::format("port {} on 127.0.0.1 is already in use ({}); choose another with --port or "
                    "TERRIER_DB_PORT",
                    port, std::strerror(err)));
  }
}

}  // namespace detail

namespace {
using namespace detail;

std::map<std::string, std::string> read_settings(const fs::path& file) {
  std::map<std::string, std::string> kv;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return kv;
}

void write_settings(const fs::path& file, const std::map<std::string, std::string>& kv) {
  fs::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw ClusterError(fmt::format("{}: cannot write", tmp.string()));
    for (const auto& [k, v] : kv) out << k << '=' << v << '\n';
  }
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write);
  fs::rename(tmp, file);
}

// Every folder above `dir` must let the cluster's user through.
void check_reachable(const fs::path& dir, const OsUser& user) {
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    struct stat st {};
    if (stat(p.c_str(), &st) == 0 && st.st_uid != user.uid && !(st.st_mode & S_IXOTH)) {
      throw ClusterError(fmt::format(
          "{} is not reachable by user '{}', who must own the database cluster when "
          "Terrier runs as root; set TERRIER_HOME to a folder under a world-searchable path",
          p.string(), user.name));
    }
    if (p == p.root_path()) break;
  }
}

}  // namespace

void ClusterConfig::validate() const {
  if (port < 1024 || port > 65535) {
    throw ConfigError(fmt::format("database port {} is out of range (1024-65535)", port));
  }
  if (home.empty()) throw ConfigError("TERRIER_HOME is empty");
  if (!fs::exists(pg_bindir / "pg_ctl")) {
    throw ConfigError(fmt::format(
        "{}: PostgreSQL 15 programs not found (install postgresql-15, or set TERRIER_PG_BINDIR)",
        pg_bindir.string()));
  }
}

EmbeddedCluster::EmbeddedCluster(ClusterConfig config) : config_(std::move(config)) {
  config_.validate();
  config_.home = fs::absolute(config_.home).lexically_normal();
  data_dir_ = config_.home / "pgdata";
  log_file_ = config_.home / "postgres.log";
  settings_file_ = config_.home / "cluster.conf";
}

namespace detail {

// The user the cluster's processes run as: the invoking user, or when that is
// root, an unprivileged system user created on first use.
std::optional<OsUser> cluster_user(const std::string& name, bool create) {
  if (!running_as_root()) return std::nullopt;
  if (auto u = find_os_user(name)) return u;
  if (!create) throw ClusterError(fmt::format("user '{}' does not exist", name));
  log::info("creating system user '{}' to own the database cluster", name);
  auto r = run_process({"/usr/sbin/useradd", "--system", "--user-group", "--no-create-home",
                        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name});
  if (r.exit_code != 0) {
    throw ClusterError(fmt::format("cannot create user '{}': {}", name, first_line(r.output)));
  }
  auto u = find_os_user(name);
  if (!u) throw ClusterError(fmt::format("user '{}' was created but cannot be found", name));
  return u;
}

}  // namespace detail

void EmbeddedCluster::initialise() {
  auto user = cluster_user(config_.os_user, /*create=*/true);
  fs::create_directories(config_.home);
  if (user) check_reachable(config_.home, *user);

  std::string password = random_hex(16);
  fs::path pwfile = config_.home / ".initdb-password";
  {
    std::ofstream out(pwfile, std::ios::trunc);
    out << password << '\n';
  }
  fs::permissions(pwfile, fs::perms::owner_read | fs::perms::owner_write);
  fs::create_directories(data_dir_);
  fs::permissions(data_dir_, fs::perms::owner_all);
  { std::ofstream touch(log_file_, std::ios::app); }
  if (user) {
    for (const auto& p : {pwfile, data_dir_, log_file_}) {
      if (chown(p.c_str(), user->uid, user->gid) != 0) {
        throw ClusterError(fmt::format("cannot give {} to user '{}': {}", p.string(), user->name,
                                       std::strerror(errno)));
      }
    }
  }

  log::info("creating the database cluster in {}", data_dir_.string());
  auto r = run_process({(config_.pg_bindir / "initdb").string(), "-D", data_dir_.string(), "-U",
                        kSuperuser, "--pwfile", pwfile.string(), "--auth-host=scram-sha-256",
                        "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"},
                       user, config_.home.string());
  fs::remove(pwfile);
  if (r.exit_code != 0) {
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
    throw ClusterError(fmt::format("initdb failed: {}", first_line(r.output)));
  }

  // Loopback only, no Unix socket (its folder would need to be shared with
  // the cluster's user); the port is given at each start.
  std::ofstream conf(data_dir_ / "postgresql.conf", std::ios::app);
  conf << "\n# Terrier embedded cluster\n"
          "listen_addresses = '127.0.0.1'\n"
          "unix_socket_directories = ''\n"
          "max_connections = 100\n"
          "log_min_messages = warning\n";
  if (!conf) throw ClusterError("cannot write postgresql.conf");

  write_settings(
      settings_file_,
      {{"password", password}, {"port", std::to_string(config_.port)}, {"user", kSuperuser}});
}

ClusterStatus EmbeddedCluster::status() const {
  ClusterStatus s;
  s.initialised = fs::exists(data_dir_ / "PG_VERSION");
  if (!s.initialised) return s;
  s.port = recorded_port();
  std::ifstream pidfile(data_dir_ / "postmaster.pid");
  std::string pid_line, dir_line, start_line, port_line;
  if (std::getline(pidfile, pid_line) && std::getline(pidfile, dir_line) &&
      std::getline(pidfile, start_line) && std::getline(pidfile, port_line)) {
    long pid = std::strtol(pid_line.c_str(), nullptr, 10);
    // A stale postmaster.pid stays behind after a crash: check the process.
    if (pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) {
      s.running = true;
      s.pid = pid;
      s.port = std::atoi(port_line.c_str());
    }
  }
  return s;
}

int EmbeddedCluster::recorded_port() const {
  auto kv = read_settings(settings_file_);
  auto it = kv.find("port");
  return it == kv.end() ? config_.port : std::atoi(it->second.c_str());
}

std::string EmbeddedCluster::read_password() const {
  auto kv = read_settings(settings_file_);
  auto it = kv.find("password");
  if (it == kv.end()) {
    throw ClusterError(
        fmt::format("{}: no password recorded for the embedded cluster", settings_file_.string()));
  }
  return it->second;
}

bool EmbeddedCluster::start() {
  if (status().running) return false;
  check_port_free(config_.port);
  if (!status().initialised) initialise();

  auto user = cluster_user(config_.os_user, /*create=*/true);
  auto kv = read_settings(settings_file_);
  kv["port"] = std::to_string(config_.port);
  write_settings(settings_file_, kv);

  auto r =
      run_process({(config_.pg_bindir / "pg_ctl").string(), "start", "-D", data_dir_.string(), "-l",
                   log_file_.string(), "-w", "-t", "60", "-o", fmt::format("-p {}", config_.port)},
                  user, config_.home.string());
  if (r.exit_code != 0) {
    throw ClusterError(fmt::format("PostgreSQL did not start on port {} (log {}):{}", config_.port,
                                   log_file_.string(), log_tail(log_file_, 5)));
  }
  ensure_database();
  return true;
}

void EmbeddedCluster::ensure_database() {
  auto conn = connect(url("postgres"));
  pqxx::nontransaction n(*conn);
  auto rows = n.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", config_.database);
  if (rows.empty()) {
    n.exec0("CREATE DATABASE " + n.quote_name(config_.database));
    log::info("created database '{}'", config_.database);
  }
}

bool EmbeddedCluster::stop() {
  if (!status().running) return false;
  auto user = cluster_user(config_.os_user, /*create=*/false);
  auto r = run_process({(config_.pg_bindir / "pg_ctl").string(), "stop", "-D", data_dir_.string(),
                        "-m", "fast", "-w", "-t", "60"},
                       user, config_.home.string());
  if (r.exit_code != 0) {
    throw ClusterError(fmt::format("pg_ctl stop failed: {}", first_line(r.output)));
  }
  return true;
}

std::string EmbeddedCluster::url(const std::optional<std::string>& database) const {
  return url_at(status().port, database);
}

std::string EmbeddedCluster::url_at(int port, const std::optional<std::string>& database) const {
  if (!status().initialised) {
    throw ClusterError(fmt::format("no embedded database in {}: run 'terrier db start' first",
                                   config_.home.string()));
  }
  return fmt::format("postgresql://{}:{}@127.0.0.1:{}/{}", kSuperuser, read_password(), port,
                     database.value_or(config_.database));
}

}  // namespace terrier::db
