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

// Replaces the database name in a postgresql:// URI (used by tests and the
// embedded cluster to reach the maintenance database).
std::string with_database(const std::string& url, const std::string& dbname);

// The keywords and values of a libpq URI or key/value string (only those
// set); a string libpq cannot parse throws ConfigError, password removed.
std::map<std::string, std::string> conninfo_values(const std::string& url);

// A round trip to the server; throws pqxx::broken_connection when it is gone.
void ping(pqxx::connection_base& conn);

}  // namespace terrier::db
