#include "db/connection.hpp"

#include <fmt/core.h>
#include <libpq-fe.h>

#include <pqxx/pqxx>

#include "core/error.hpp"

namespace terrier::db {

std::unique_ptr<pqxx::connection> connect(const std::string& url) {
  try {
    auto conn = std::make_unique<pqxx::connection>(url);
    // PostgreSQL JIT-compiles a statement whose estimated cost is high: a
    // regional tile, a large import's merge. The compilation took longer
    // than it saved (a zoom 8 tile: 1.5 s with it, 0.64 s without), so
    // Terrier's connections run without it.
    pqxx::nontransaction(*conn).exec0("SET jit = off");
    return conn;
  } catch (const pqxx::broken_connection& e) {
    throw DbError(fmt::format("cannot connect to database {}: {}", redact_database_url(url),
                              first_line(e.what())));
  } catch (const pqxx::failure& e) {
    throw DbError(fmt::format("cannot connect to database {}: {}", redact_database_url(url),
                              first_line(e.what())));
  }
}

std::unique_ptr<pqxx::connection> connect(const std::string& url, const SessionOptions& options) {
  auto conn = connect(url);
  pqxx::nontransaction n(*conn);
  n.exec0("SET application_name = " + n.quote(options.application_name));
  if (options.statement_timeout_ms > 0) {
    n.exec0(fmt::format("SET statement_timeout = {}", options.statement_timeout_ms));
  }
  return conn;
}

void ping(pqxx::connection_base& conn) {
  pqxx::nontransaction n(conn);
  n.exec("SELECT 1");
}

std::string server_version(pqxx::connection_base& conn) {
  pqxx::read_transaction r(conn);
  return r.exec1("SELECT current_setting('server_version')")[0].as<std::string>();
}

void cancel_backend(pqxx::connection_base& conn, int pid) {
  pqxx::nontransaction n(conn);
  n.exec_params("SELECT pg_cancel_backend($1)", pid);
}

std::string with_database(const std::string& url, const std::string& dbname) {
  // postgresql://user:pw@host:port/db?params
  auto scheme = url.find("://");
  if (scheme == std::string::npos) {
    throw ConfigError(fmt::format("not a postgresql:// URI: {}", redact_database_url(url)));
  }
  auto path = url.find('/', scheme + 3);
  auto query = url.find('?', scheme + 3);
  std::string authority = url.substr(0, std::min(path, query));
  std::string params = query == std::string::npos ? "" : url.substr(query);
  return authority + "/" + dbname + params;
}

namespace {
// libpq's parsed connection options and its error message, each freed by its
// own function.
struct ConninfoFree {
  void operator()(PQconninfoOption* p) const noexcept { PQconninfoFree(p); }
};
struct PqFree {
  void operator()(char* p) const noexcept { PQfreemem(p); }
};
}  // namespace

std::map<std::string, std::string> conninfo_values(const std::string& url) {
  char* raw_error = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoFree> info(PQconninfoParse(url.c_str(), &raw_error));
  std::unique_ptr<char, PqFree> error(raw_error);
  if (!info) {
    throw ConfigError(fmt::format("the database URL {} is not valid: {}", redact_database_url(url),
                                  first_line(error ? error.get() : "cannot parse")));
  }
  std::map<std::string, std::string> out;
  for (const auto* o = info.get(); o->keyword; ++o) {
    if (o->val && *o->val) out.emplace(o->keyword, o->val);
  }
  return out;
}

}  // namespace terrier::db
