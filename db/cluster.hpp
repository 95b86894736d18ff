#pragma once

// The embedded PostgreSQL 15 + PostGIS cluster that Terrier runs when
// TERRIER_DATABASE_URL is not set: private, under $TERRIER_HOME, listening on
// 127.0.0.1 only.

#include <filesystem>
#include <optional>
#include <string>

namespace terrier::db {

struct ClusterConfig {
  std::filesystem::path home = "var";  // TERRIER_HOME
  int port = 55432;                    // TERRIER_DB_PORT
  // Unprivileged owner of the cluster when Terrier runs as root.
  std::string os_user = "terrier";                                 // TERRIER_DB_OS_USER
  std::filesystem::path pg_bindir = "/usr/lib/postgresql/15/bin";  // TERRIER_PG_BINDIR
  std::string database = "terrier";

  // Throws ConfigError when a value cannot work.
  void validate() const;
};

struct ClusterStatus {
  bool initialised = false;
  bool running = false;
  int port = 0;
  long pid = 0;
};

class EmbeddedCluster {
 public:
  explicit EmbeddedCluster(ClusterConfig config);

  // Creates the cluster the first time, starts it and creates the database.
  // Returns false when it was already running. Throws ClusterError.
  bool start();
  // Returns false when it was not running.
  bool stop();
  ClusterStatus status() const;
  // libpq URI of the cluster's database (or of `database` when given).
  std::string url(const std::optional<std::string>& database = std::nullopt) const;
  // The same, on another port of 127.0.0.1 (a replica's, which has the same
  // accounts).
  std::string url_at(int port, const std::optional<std::string>& database = std::nullopt) const;
  const ClusterConfig& config() const { return config_; }

  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::filesystem::path& log_file() const { return log_file_; }

 private:
  void initialise();
  void ensure_database();
  std::string read_password() const;
  int recorded_port() const;

  ClusterConfig config_;
  std::filesystem::path data_dir_;
  std::filesystem::path log_file_;
  std::filesystem::path settings_file_;
};

}  // namespace terrier::db
