#include "cli/db_commands.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "db/cluster.hpp"
#include "db/cluster_replica.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/replication.hpp"

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

namespace {

// Replicas are the embedded cluster's: an external primary has its own.
void refuse_external_replicas(const Settings& settings) {
  if (settings.database_url) {
    throw ConfigError(
        "TERRIER_DATABASE_URL is set: with an external database, bring your own replicas and "
        "give them to 'terrier serve --read-url'");
  }
}

int require_port(int port) {
  if (port == 0) throw ConfigError("--port is required: the replica's port on 127.0.0.1");
  return port;
}

}  // namespace

int replica_start(const Settings& settings, int port) {
  refuse_external_replicas(settings);
  db::EmbeddedCluster primary(settings.cluster);
  db::EmbeddedReplica replica(primary, require_port(port));
  bool started = replica.start();
  fmt::print("{} on 127.0.0.1:{} (data in {})\n",
             started ? "replica started" : "replica already running", port,
             replica.data_dir().string());
  return 0;
}

int replica_stop(const Settings& settings, int port) {
  refuse_external_replicas(settings);
  db::EmbeddedCluster primary(settings.cluster);
  db::EmbeddedReplica replica(primary, require_port(port));
  fmt::print("{}\n", replica.stop() ? "replica stopped" : "replica was not running");
  return 0;
}

int replica_url(const Settings& settings, int port) {
  refuse_external_replicas(settings);
  db::EmbeddedCluster primary(settings.cluster);
  db::EmbeddedReplica replica(primary, require_port(port));
  fmt::print("{}\n", replica.url());
  return 0;
}

// One line per replica: its port, state and replay lag; exit 3 when one is
// not streaming.
int replica_status(const Settings& settings) {
  refuse_external_replicas(settings);
  db::EmbeddedCluster primary(settings.cluster);
  auto ports = db::replica_ports(primary);
  if (ports.empty()) {
    fmt::print("no replica (run 'terrier db replica start --port N')\n");
    return 0;
  }
  int rc = 0;
  for (int port : ports) {
    db::EmbeddedReplica replica(primary, port);
    if (!replica.status().running) {
      fmt::print("127.0.0.1:{} stopped\n", port);
      rc = 3;
      continue;
    }
    try {
      auto conn = db::connect(replica.url());
      auto st = db::read_replica_state(*conn);
      if (!st.in_recovery) rc = 3;
      fmt::print("127.0.0.1:{} {} lag {:.1f} s replayed {}\n", port,
                 !st.in_recovery ? "not-a-standby"
                 : st.streaming  ? "streaming"
                                 : "not-streaming",
                 st.lag_s, db::format_lsn(st.replay_lsn));
    } catch (const std::exception& e) {
      fmt::print("127.0.0.1:{} unreachable ({})\n", port, first_line(e.what()));
      rc = 3;
    }
  }
  return rc;
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

      static int replica_port = 0;
      auto* replica = db->add_subcommand(
          "replica", "Streaming read replicas of the embedded database (terrier serve --read-url)");
      replica->require_subcommand(1);
      auto add = [&](const char* name, const char* help, int (*run)(const Settings&, int)) {
        auto* sub = replica->add_subcommand(name, help);
        sub->add_option("--port", replica_port, "The replica's port on 127.0.0.1")->required();
        sub->callback(
            [&chosen, run] { chosen = [run](const Settings& s) { return run(s, replica_port); }; });
      };
      add("start", "Copy the primary (first time) and start the replica", replica_start);
      add("stop", "Stop the replica", replica_stop);
      add("url", "Print the libpq URI of the replica", replica_url);
      replica->add_subcommand("status", "List the replicas, their state and lag (exit 3: one down)")
          ->callback([&chosen] { chosen = replica_status; });
    }};

const Registration kMigrate{
    Order::migrate, [](CLI::App& app, Command& chosen) {
      app.add_subcommand("migrate", "Apply the pending migrations of sql/")->callback([&chosen] {
        chosen = migrate;
      });
    }};

}  // namespace

}  // namespace terrier::cli
