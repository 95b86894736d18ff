#pragma once

// Streaming read replicas of the embedded cluster (`terrier db replica`): a
// hot standby made by pg_basebackup under $TERRIER_HOME/replica-PORT,
// listening on 127.0.0.1:PORT, that replays the primary's WAL. With an
// external TERRIER_DATABASE_URL people bring their own replicas.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "db/cluster.hpp"

namespace terrier::db {

class EmbeddedReplica {
 public:
  // Throws ConfigError for a port out of range or the primary's own.
  EmbeddedReplica(const EmbeddedCluster& primary, int port);

  // Copies the primary the first time, then starts the standby. Returns false
  // when it was already running. Throws ClusterError (no primary, port
  // taken, pg_basebackup or pg_ctl failed).
  bool start();
  // Returns false when it was not running.
  bool stop();
  ClusterStatus status() const;
  std::string url() const;
  int port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }

 private:
  void copy_primary();

  const EmbeddedCluster& primary_;
  int port_;
  std::filesystem::path data_dir_;
  std::filesystem::path log_file_;
};

// The ports of the replicas made under the primary's home, in order.
std::vector<int> replica_ports(const EmbeddedCluster& primary);

}  // namespace terrier::db
