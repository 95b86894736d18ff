#include "cli/db_commands.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "db/cluster.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"

namespace terrier::cli {
namespace {

void refuse_external(const Settings& settings, const char* what) {
  if (settings.database_url) {
    throw ConfigError(fmt::format(
        "TERRIER_DATABASE_URL is set: Terrier uses that server and does not {} an embedded one",
        what));
  }
}

}  // namespace

int db_start(const Settings& settings) {
  refuse_external(settings, "start");
  db::EmbeddedCluster cluster(settings.cluster);
  bool started = cluster.start();
  auto st = cluster.status();
  fmt::print("{} on 127.0.0.1:{} (data in {})\n",
             started ? "database started" : "database already running", st.port,
             cluster.data_dir().string());
  return 0;
}

int db_stop(const Settings& settings) {
  refuse_external(settings, "stop");
  db::EmbeddedCluster cluster(settings.cluster);
  fmt::print("{}\n", cluster.stop() ? "database stopped" : "database was not running");
  return 0;
}

int db_status(const Settings& settings) {
  if (settings.database_url) {
    auto conn = db::connect(*settings.database_url);
    auto version = db::server_version(*conn);
    fmt::print("external database {} reachable (PostgreSQL {})\n",
               redact_database_url(*settings.database_url), version);
    return 0;
  }
  db::EmbeddedCluster cluster(settings.cluster);
  auto st = cluster.status();
  if (!st.initialised) {
    fmt::print("no database in {} (run 'terrier db start')\n", cluster.data_dir().string());
    return 3;
  }
  if (!st.running) {
    fmt::print("database stopped (data in {})\n", cluster.data_dir().string());
    return 3;
  }
  fmt::print("database running on 127.0.0.1:{} (pid {}, data in {})\n", st.port, st.pid,
             cluster.data_dir().string());
  return 0;
}

int db_url(const Settings& settings) {
  if (settings.database_url) {
    fmt::print("{}\n", *settings.database_url);
    return 0;
  }
  db::EmbeddedCluster cluster(settings.cluster);
  fmt::print("{}\n", cluster.url());
  return 0;
}

int migrate(const Settings& settings) {
  auto migrations = db::load_migrations(settings.sql_dir);
  auto conn = db::connect(database_url(settings));
  auto result = db::migrate(*conn, migrations);
  for (const auto& name : result.applied) fmt::print("applied {}\n", name);
  fmt::print("{} migration(s) applied, {} already up to date\n", result.applied.size(),
             result.already_applied);
  return 0;
}

namespace {

const Registration kDb{
    Order::db, [](CLI::App& app, Command& chosen) {
      auto* db = app.add_subcommand("db", "The embedded PostgreSQL + PostGIS database");
      db->require_subcommand(1);
      static int port = 0;
      auto* start = db->add_subcommand("start", "Create (first time) and start the database");
      start->add_option("--port", port, "Port on 127.0.0.1 (TERRIER_DB_PORT, default 55432)");
      start->callback([&chosen] {
        chosen = [](const Settings& settings) {
          Settings s = settings;
          if (port != 0) s.cluster.port = port;
          return db_start(s);
        };
      });
      db->add_subcommand("stop", "Stop the database")->callback([&chosen] { chosen = db_stop; });
      db->add_subcommand("status", "Say whether the database runs (exit 3 when not)")
          ->callback([&chosen] { chosen = db_status; });
      db->add_subcommand("url", "Print the libpq URI of the database (for psql and QGIS)")
          ->callback([&chosen] { chosen = db_url; });
    }};

const Registration kMigrate{
    Order::migrate, [](CLI::App& app, Command& chosen) {
      app.add_subcommand("migrate", "Apply the pending migrations of sql/")->callback([&chosen] {
        chosen = migrate;
      });
    }};

}  // namespace

}  // namespace terrier::cli
