#include "cli/serve_command.hpp"

#include <fmt/core.h>

#include <csignal>
#include <filesystem>
#include <cstdio>

#include "api/export.hpp"
#include "api/pool.hpp"
#include "api/problem.hpp"
#include "api/server.hpp"
#include "api/service.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/password.hpp"
#include "db/migrations.hpp"
#include "db/feature_store.hpp"
#include "db/token_store.hpp"
#include "importers/request_rows.hpp"
#include "matching/config.hpp"

namespace terrier::cli {

int serve(const Settings& settings, const ServeArgs& args) {
  std::string url = database_url(settings);
  {
    auto conn = db::connect(url);
    db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  }
  api::ServerConfig server_config;
  server_config.set_listen(args.listen);
  server_config.threads = args.threads;
  api::ServiceConfig service_config;
  service_config.web_root = settings.web_root;
  service_config.basemap =
      api::make_basemap(settings.basemap, settings.basemap_url, settings.basemap_attribution);
  service_config.cors_origins = settings.cors_origins;
  service_config.trust_proxy = settings.trust_proxy;
  service_config.limits.exact_count_limit = args.exact_count_limit;
  service_config.limits.reverify_months = settings.reverify_months;
  service_config.matching = matching::load_match_config(settings.match_config);

  // The signals are taken by this thread only; the server's threads, started
  // after this, inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // The dummy hash an unknown address is checked against, computed now: the
  // first such sign-in must not take twice as long as a wrong password.
  password::dummy_hash();
  api::ConnectionPool pool(url, args.pool_size, args.statement_timeout_ms);
  api::Service service(service_config, pool);
  api::Server server(server_config, service);
  server.start();
  fmt::print("listening on http://{}:{}/ ({} threads, {} database connections)\n",
             server_config.host, server.port(), args.threads, args.pool_size);
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  log::info("signal {}: finishing the requests in flight", signal_number);
  server.shutdown_gracefully();
  log::info("stopped");
  return 0;
}

int token_create(const Settings& settings, const TokenArgs& args) {
  auto role = parse_role(args.role);
  if (!role) {
    throw ConfigError(fmt::format("unknown role '{}' (public, member, foundation, animator, admin)",
                                  args.role));
  }
  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  auto created = db::create_token(*conn, args.name, *role, args.territory);
  fmt::print("token {} created for '{}' ({}{}); it is shown once, keep it:\n", created.id,
             args.name, role_name(*role), args.territory ? ", " + *args.territory : "");
  fmt::print("{}\n", created.token);
  return 0;
}

int token_revoke(const Settings& settings, const TokenArgs& args) {
  auto conn = db::connect(database_url(settings));
  if (!db::revoke_token(*conn, args.revoke_id)) {
    throw ConfigError(fmt::format("no active token has id {}", args.revoke_id));
  }
  fmt::print("token {} revoked\n", args.revoke_id);
  return 0;
}

}  // namespace terrier::cli

namespace terrier::cli {
namespace {

// `terrier export --layers requests --format csv|xlsx|ods -o FILE`: the
// requests ("sollicitations"), with the headers `terrier import requests` reads.
int export_requests(const Settings& settings, const ExportArgs& args) {
  if (args.format != "csv" && args.format != "xlsx" && args.format != "ods")
    throw ConfigError("requests are exported as csv, xlsx or ods (--format)");
  if (!args.territory.empty()) throw ConfigError("requests are exported whole: leave --territory out");
  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  namespace fs = std::filesystem;
  fs::path out = fs::absolute(args.output);
  fs::path part = out.parent_path() / ("." + out.filename().string() + ".part." + args.format);
  try {
    if (args.format == "csv") {
      importers::write_requests_csv(*conn, part.string());
    } else {
      importers::write_requests_sheet(*conn, part.string(), args.format == "xlsx" ? "XLSX" : "ODS");
    }
    fs::rename(part, out);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(part, ec);
    throw Error(fmt::format("{}: export failed, nothing written: {}", out.string(), first_line(e.what())));
  }
  fmt::print("{} written ({} bytes)\n", out.string(), fs::file_size(out));
  return 0;
}

}  // namespace

int export_territory(const Settings& settings, const ExportArgs& args) {
  if (args.layers == "requests") return export_requests(settings, args);
  api::ExportRequest request;
  request.territory = args.territory;
  request.role = Role::admin;  // the command line is trusted: it holds the database URL
  try {
    api::parse_export_options(args.format, args.layers, request);
  } catch (const api::Problem& p) {
    throw ConfigError(p.what());
  }
  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  if (!args.territory.empty() && !db::territory_known(*conn, args.territory)) {
    throw ConfigError(fmt::format("no territory has the slug '{}'", args.territory));
  }
  namespace fs = std::filesystem;
  fs::path out = fs::absolute(args.output);
  fs::path part = out.parent_path() / ("." + out.filename().string() + ".part." + args.format);
  try {
    api::write_export(*conn, request, part.string());
    fs::rename(part, out);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(part, ec);
    throw Error(fmt::format("{}: export failed, nothing written: {}", out.string(), first_line(e.what())));
  }
  fmt::print("{} written ({} bytes)\n", out.string(), fs::file_size(out));
  return 0;
}

}  // namespace terrier::cli
