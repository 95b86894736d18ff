#pragma once

// The commands of `terrier`: each command's file registers itself (its
// subcommand, options and help) with a `Registration` at start-up, and
// main.cpp only parses, reads the settings and runs the chosen command.
//
//   namespace {
//   const Registration kMigrate{Order::migrate, [](CLI::App& app, Command& chosen) {
//     app.add_subcommand("migrate", "…")->callback([&chosen] { chosen = migrate; });
//   }};
//   }

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

#include "cli/settings.hpp"

namespace terrier::cli {

// What runs once the command line is parsed and the settings are complete;
// returns the process's exit status.
using Command = std::function<int(const Settings&)>;

// Adds a subcommand to `app`; its callback stores in `chosen` what to run.
// Whatever the options write into must outlive the parse (a static, or a
// shared_ptr the callbacks hold).
using Define = void (*)(CLI::App& app, Command& chosen);

// The place of each command in `terrier --help`.
enum class Order { db, migrate, backup, import, match, serve, alerts, export_, token, user };

struct Registration {
  Registration(Order order, Define define);
};

// Every registered command, in Order.
std::vector<Define> registered_commands();

}  // namespace terrier::cli
