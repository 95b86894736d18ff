// terrier: the command-line entry point. The only place that reads the
// environment and wires components together.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <pqxx/except>

#include "cli/backup_command.hpp"
#include "cli/db_commands.hpp"
#include "cli/export_command.hpp"
#include "cli/import_command.hpp"
#include "cli/match_command.hpp"
#include "cli/serve_command.hpp"
#include "cli/settings.hpp"
#include "cli/token_command.hpp"
#include "cli/user_command.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

int main(int argc, char** argv) {
  using namespace terrier;
  CLI::App app{"Terrier: tiers-lieux and land opportunities of Hauts-de-France"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("terrier ") + TERRIER_VERSION);

  std::string home;
  std::string log_level;
  int port = 0;
  app.add_option("--home", home, "Folder of the embedded database (TERRIER_HOME, default ./var)");
  app.add_option("--log-level", log_level, "debug, info, warn, error or off");

  // Subcommand callbacks only choose the command; it runs after parsing, once
  // the settings are complete.
  std::function<int(const cli::Settings&)> command;
  auto run = [&](int (*fn)(const cli::Settings&)) { return [&command, fn] { command = fn; }; };

  auto* db = app.add_subcommand("db", "The embedded PostgreSQL + PostGIS database");
  db->require_subcommand(1);
  auto* db_start = db->add_subcommand("start", "Create (first time) and start the database");
  db_start->add_option("--port", port, "Port on 127.0.0.1 (TERRIER_DB_PORT, default 55432)");
  db_start->callback(run(cli::db_start));
  db->add_subcommand("stop", "Stop the database")->callback(run(cli::db_stop));
  db->add_subcommand("status", "Say whether the database runs (exit 3 when not)")
      ->callback(run(cli::db_status));
  db->add_subcommand("url", "Print the libpq URI of the database (for psql and QGIS)")
      ->callback(run(cli::db_url));

  app.add_subcommand("migrate", "Apply the pending migrations of sql/")
      ->callback(run(cli::migrate));

  std::string backup_file;
  auto* backup = app.add_subcommand("backup", "Save the whole database to FILE (pg_dump)");
  backup->add_option("file", backup_file, "The backup file to write")->required();
  backup->callback([&] {
    command = [&backup_file](const cli::Settings& s) { return cli::backup(s, backup_file); };
  });
  auto* restore =
      app.add_subcommand("restore", "Replace the database by a backup, in one transaction");
  restore->add_option("file", backup_file, "A file written by 'terrier backup'")->required();
  restore->callback([&] {
    command = [&backup_file](const cli::Settings& s) { return cli::restore(s, backup_file); };
  });

  cli::ImportArgs import_args;
  auto& io = import_args.options;
  auto* import_cmd = app.add_subcommand("import",
                                        "Load a file of territories, circles, places, "
                                        "opportunities or needs");
  import_cmd
      ->add_option("kind", import_args.kind,
                   "territories, circles, places, opportunities, needs or requests")
      ->required();
  import_cmd->add_option("file", io.file, "CSV, GeoJSON, GeoPackage, Shapefile, KML, XLSX, ODS…")
      ->required()
      ->check(CLI::ExistingFile);
  import_cmd->add_option("--source", io.source, "Name of the source (default: the file's name)");
  import_cmd->add_option("--srs", io.srs, "CRS of the coordinates, e.g. EPSG:2154");
  import_cmd->add_option("--mapping", io.mapping_file, "JSON file mapping columns to fields")
      ->check(CLI::ExistingFile);
  import_cmd->add_flag("--dry-run", io.dry_run, "Check everything, write nothing");
  import_cmd->add_option("--reject-report", io.reject_report,
                         "Write the rejected rows to this CSV");
  import_cmd->add_flag("--sync", io.sync, "Delete the rows of this source missing from the file");
  import_cmd->add_flag("--strict", io.strict, "Load nothing when a row is rejected");
  import_cmd->add_flag(
      "--prefer-file", io.prefer_file,
      "Apply the file's values over fields edited in Terrier since the last import");
  import_cmd->add_option("--level", io.level, "territories: commune, epci or departement");
  import_cmd->add_option("--code-field", io.code_field, "territories: the code column");
  import_cmd->add_option("--name-field", io.name_field, "territories: the name column");
  import_cmd->callback([&] {
    command = [&import_args](const cli::Settings& s) { return cli::import_file(s, import_args); };
  });

  cli::MatchArgs match_args;
  auto* match = app.add_subcommand("match", "Pair needs with opportunities: rank, store, assign");
  match->add_option("--need", match_args.need,
                    "Rank the opportunities for this need, and store them");
  match->add_option("--opportunity", match_args.opportunity,
                    "Rank the needs this opportunity fits; recompute the needs it touches");
  match->add_flag("--assign", match_args.assign,
                  "One-to-one assignment maximising the total score (with --territory)");
  match->add_flag("--all", match_args.all, "Recompute and store the matches of every active need");
  match->add_option("--territory", match_args.territory,
                    "A circle, EPCI, commune or département slug");
  match->add_option("--limit", match_args.limit, "How many to show (default: the config's top_k)");
  match->add_flag("--json", match_args.json, "JSON instead of a table");
  match->add_option("--config", match_args.config, "Matching weights (TERRIER_MATCH_CONFIG)")
      ->check(CLI::ExistingFile);
  match->callback([&] {
    command = [&match_args](const cli::Settings& s) { return cli::match(s, match_args); };
  });

  cli::ServeArgs serve_args;
  auto* serve = app.add_subcommand("serve", "Serve the map, OGC API – Features and the API");
  serve->add_option("--listen", serve_args.listen,
                    "HOST:PORT (default 127.0.0.1:8080; port 0: any)");
  serve->add_option("--threads", serve_args.threads, "HTTP threads (default 4)");
  serve->add_option("--pool", serve_args.pool_size, "Database connections (default 8)");
  serve->add_option("--statement-timeout", serve_args.statement_timeout_ms,
                    "Milliseconds a query may take (default 5000)");
  serve->add_option("--import-workers", serve_args.import_workers,
                    "Imports from the page run at the same time (default 2)");
  serve->add_option("--import-grace", serve_args.import_grace_s,
                    "Seconds SIGTERM waits for running imports before rolling them back "
                    "(default 10)");
  serve->add_option(
      "--exact-count-limit", serve_args.exact_count_limit,
      "Above this many rows numberMatched is the planner's estimate (default 100000)");
  serve
      ->add_option("--cluster-max-zoom", serve_args.cluster_max_zoom,
                   "Opportunities' tiles carry clusters up to this zoom (default 11; -1: never)")
      ->check(CLI::Range(-1, 16));
  serve->add_option("--tile-cache", serve_args.tile_cache_mb,
                    "Megabytes of tiles kept in memory (default 16; 0: none)");
  serve->callback([&] {
    command = [&serve_args](const cli::Settings& s) { return cli::serve(s, serve_args); };
  });

  cli::ExportArgs export_args;
  auto* exp = app.add_subcommand(
      "export", "Export a territory's map (outline, places, opportunities, needs)");
  exp->add_option(
      "--territory", export_args.territory,
      "Circle, EPCI, commune or département slug (default: the whole region, without outline)");
  exp->add_option("--format", export_args.format,
                  "geojson, gpkg, kml, csv, xlsx, ods or cnig (CNIG Friches standard)");
  exp->add_option("--layers", export_args.layers,
                  "places,opportunities,needs (default: all), or requests alone (csv, xlsx, ods)");
  exp->add_option("-o,--output", export_args.output, "The file to write")->required();
  exp->callback([&] {
    command = [&export_args](const cli::Settings& s) {
      return cli::export_territory(s, export_args);
    };
  });

  cli::TokenArgs token_args;
  auto* token = app.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Create a token; it is printed once");
  token_create->add_option("--role", token_args.role, "public, member, foundation, animator, admin")
      ->required();
  token_create->add_option("--territory", token_args.territory, "The animator's circle (slug)");
  token_create->add_option("--name", token_args.name, "Who holds it")->required();
  token_create->callback([&] {
    command = [&token_args](const cli::Settings& s) { return cli::token_create(s, token_args); };
  });
  auto* token_list = token->add_subcommand(
      "list", "List the active tokens (never their secrets): shared and personal");
  token_list->add_option("--user", token_args.user, "Only this account's personal tokens (e-mail)");
  token_list->callback([&] {
    command = [&token_args](const cli::Settings& s) { return cli::token_list(s, token_args); };
  });
  auto* token_revoke = token->add_subcommand("revoke", "Revoke a token by its id");
  token_revoke->add_option("id", token_args.revoke_id, "The token's id")->required();
  token_revoke->callback([&] {
    command = [&token_args](const cli::Settings& s) { return cli::token_revoke(s, token_args); };
  });

  cli::UserArgs user_args;
  auto* user =
      app.add_subcommand("user", "People's accounts: invite, list, disable, enable, reset");
  user->require_subcommand(1);
  auto user_command = [&](int (*fn)(const cli::Settings&, const cli::UserArgs&)) {
    return [&command, &user_args, fn] {
      command = [&user_args, fn](const cli::Settings& s) { return fn(s, user_args); };
    };
  };
  auto* user_invite =
      user->add_subcommand("invite", "Create an account; prints its invitation path");
  user_invite->add_option("email", user_args.email, "The person's e-mail address")->required();
  user_invite->add_option("--role", user_args.role, "member, foundation, animator or admin")
      ->required();
  user_invite->add_option("--circle", user_args.circle,
                          "The circle (slug): required for animators");
  user_invite->add_option("--name", user_args.name, "The person's name");
  user_invite->callback(user_command(cli::user_invite));
  user->add_subcommand("list", "List the accounts")->callback(user_command(cli::user_list));
  struct UserSubcommand {
    const char* name;
    const char* help;
    int (*fn)(const cli::Settings&, const cli::UserArgs&);
  };
  for (const auto& c :
       {UserSubcommand{"disable", "Disable an account: its sessions and tokens stop at once",
                       cli::user_disable},
        UserSubcommand{"enable", "Enable a disabled account again", cli::user_enable},
        UserSubcommand{"reset",
                       "Forget the password, end the sessions, revoke the personal tokens; "
                       "prints a new invitation path",
                       cli::user_reset}}) {
    auto* sub = user->add_subcommand(c.name, c.help);
    sub->add_option("email", user_args.email, "The account's e-mail address")->required();
    sub->callback(user_command(c.fn));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    // Flags override the environment; both are read here only.
    cli::Settings settings = cli::Settings::from_environment();
    if (!home.empty()) settings.cluster.home = home;
    if (port != 0) settings.cluster.port = port;
    if (!log_level.empty()) log::set_level(log::parse_level(log_level));
    return command(settings);
  } catch (const terrier::Error& e) {
    fmt::print(stderr, "terrier: {}\n", e.what());
    return 1;
  } catch (const pqxx::broken_connection& e) {
    fmt::print(stderr, "terrier: lost the database connection: {}\n", first_line(e.what()));
    return 1;
  } catch (const pqxx::sql_error& e) {
    fmt::print(stderr, "terrier: database error: {}\n", first_line(e.what()));
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "terrier: {}\n", e.what());
    return 1;
  }
}
