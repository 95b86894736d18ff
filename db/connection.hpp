#pragma once

// Opening connections.

#include <map>
#include <memory>
#include <pqxx/connection>
#include <string>

namespace terrier::db {

// Opens a connection to a libpq URI; a failure becomes a DbError of one line
// that names the server (password removed) and libpq's reason.
std::unique_ptr<pqxx::connection> connect(const std::string& url);

// A server's session: its name in pg_stat_activity (`terrier serve`,
// `terrier tiles`, `terrier import`) and, when positive, the longest a
// statement may run.
struct SessionOptions {
  std::string application_name;
  int statement_timeout_ms = 0;
};
std::unique_ptr<pqxx::connection> connect(const std::string& url, const SessionOptions& options);

// Replaces the database name in a postgresql:// URI (used by tests and the
// embedded cluster to reach the maintenance database).
std::string with_database(const std::string& url, const std::string& dbname);

// The keywords and values of a libpq URI or key/value string (only those
// set); a string libpq cannot parse throws ConfigError, password removed.
std::map<std::string, std::string> conninfo_values(const std::string& url);

// A round trip to the server; throws pqxx::broken_connection when it is gone.
void ping(pqxx::connection_base& conn);

// The server's version, e.g. "15.10 (Debian 15.10-0+deb12u1)".
std::string server_version(pqxx::connection_base& conn);

// Cancels the statement the backend `pid` runs (pg_cancel_backend).
void cancel_backend(pqxx::connection_base& conn, int pid);

}  // namespace terrier::db
