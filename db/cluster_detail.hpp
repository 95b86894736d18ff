#pragma once

// What the embedded cluster (db/cluster.cpp) and its replicas
// (db/cluster_replica.cpp) share: who runs PostgreSQL's programs, whether a
// port is free, the end of a server log.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "db/process.hpp"

namespace terrier::db::detail {

bool running_as_root();
// Last lines of a server log, to explain a failed start.
std::string log_tail(const std::filesystem::path& log, std::size_t lines);
// Throws ClusterError when 127.0.0.1:port cannot be bound.
void check_port_free(int port);
// The invoking user (nullopt), or when it is root the cluster's own user.
std::optional<OsUser> cluster_user(const std::string& name, bool create);

}  // namespace terrier::db::detail
