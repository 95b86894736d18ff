// terrier: the command-line entry point. The only place that reads the
// environment and wires components together.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <pqxx/except>

#include "cli/command.hpp"
#include "cli/settings.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

int main(int argc, char** argv) {
  using namespace terrier;
  CLI::App app{"Terrier: tiers-lieux and land opportunities of Hauts-de-France"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("terrier ") + TERRIER_VERSION);

  std::string home;
  std::string log_level;
  app.add_option("--home", home, "Folder of the embedded database (TERRIER_HOME, default ./var)");
  app.add_option("--log-level", log_level, "debug, info, warn, error or off");

  // Each command's file adds its subcommand (cli/command.hpp); the chosen
  // one runs after parsing, once the settings are complete.
  cli::Command command;
  for (auto define : cli::registered_commands()) define(app, command);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    // Flags override the environment; both are read here only.
    cli::Settings settings = cli::Settings::from_environment();
    if (!home.empty()) settings.cluster.home = home;
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
