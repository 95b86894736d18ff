#pragma once

#include "cli/settings.hpp"

namespace terrier::cli {

// Each returns the process exit status.
int db_start(const Settings& settings);
int db_stop(const Settings& settings);
int db_status(const Settings& settings);
int db_url(const Settings& settings);
// `terrier db replica`: streaming standbys of the embedded database on
// 127.0.0.1:port (db/cluster_replica).
int replica_start(const Settings& settings, int port);
int replica_stop(const Settings& settings, int port);
int replica_url(const Settings& settings, int port);
int replica_status(const Settings& settings);
int migrate(const Settings& settings);

}  // namespace terrier::cli
