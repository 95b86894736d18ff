#include "cli/backup_command.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/process.hpp"

namespace terrier::cli {
namespace {

namespace fs = std::filesystem;

// The connection's parts as pg_dump options; the password goes through the
// environment (PGPASSWORD), never on a command line that `ps` shows.
struct Target {
  std::vector<std::string> options;
  std::string password;
};

Target target_of(const std::string& url) {
  Target t;
  for (const auto& [key, val] : db::conninfo_values(url)) {
    if (key == "host") t.options.push_back("--host=" + val);
    if (key == "port") t.options.push_back("--port=" + val);
    if (key == "user") t.options.push_back("--username=" + val);
    if (key == "dbname") t.options.push_back("--dbname=" + val);
    if (key == "password") t.password = val;
  }
  return t;
}

db::ProcessResult run_pg_tool(const Settings& settings, const std::string& tool,
                              std::vector<std::string> args, const Target& target) {
  std::vector<std::string> argv = {(settings.cluster.pg_bindir / tool).string()};
  argv.insert(argv.end(), target.options.begin(), target.options.end());
  argv.insert(argv.end(), args.begin(), args.end());
  if (!target.password.empty()) setenv("PGPASSWORD", target.password.c_str(), 1);
  auto result = db::run_process(argv);
  unsetenv("PGPASSWORD");
  return result;
}

// pg_dump and pg_restore print context lines first; the error is the line
// that says so.
std::string error_line(const std::string& output) {
  for (const auto& line : text::split_any(output, {"\n"})) {
    if (line.find("error:") != std::string::npos) return line;
  }
  return first_line(output);
}

std::string size_text(std::uintmax_t bytes) {
  return bytes >= (1u << 20) ? fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1 << 20))
                             : fmt::format("{} kB", (bytes + 1023) / 1024);
}

}  // namespace

int backup(const Settings& settings, const std::string& file) {
  fs::path target_file = fs::absolute(file);
  if (fs::is_directory(target_file))
    throw Error(fmt::format("{}: is a folder; give a file name", file));
  auto target = target_of(database_url(settings));
  fs::path partial = target_file;
  partial += fmt::format(".partial-{}", getpid());
  auto result = run_pg_tool(
      settings, "pg_dump",
      {"--format=custom", "--no-owner", "--no-privileges", "--file=" + partial.string()}, target);
  std::error_code ec;
  if (result.exit_code != 0) {
    fs::remove(partial, ec);
    throw Error(
        fmt::format("backup failed, nothing written to {}: {}", file, error_line(result.output)));
  }
  fs::rename(partial, target_file, ec);
  if (ec) {
    fs::remove(partial, ec);
    throw Error(fmt::format("backup failed, nothing written to {}: {}", file, ec.message()));
  }
  fmt::print("backup written to {} ({})\n", file, size_text(fs::file_size(target_file)));
  return 0;
}

int restore(const Settings& settings, const std::string& file) {
  if (!fs::is_regular_file(file)) throw Error(fmt::format("{}: no such file", file));
  auto target = target_of(database_url(settings));
  // Read the archive's table of contents first: a file that is not a
  // pg_dump archive is refused before the database is touched.
  auto list = run_pg_tool(settings, "pg_restore", {"--list", file}, Target{});
  if (list.exit_code != 0) {
    throw Error(fmt::format("{}: not a Terrier backup (pg_dump custom format): {}", file,
                            error_line(list.output)));
  }
  auto result = run_pg_tool(settings, "pg_restore",
                            {"--clean", "--if-exists", "--no-owner", "--no-privileges",
                             "--single-transaction", "--exit-on-error", file},
                            target);
  if (result.exit_code != 0) {
    throw Error(
        fmt::format("restore failed, the database is unchanged: {}", error_line(result.output)));
  }
  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  fmt::print("database restored from {}\n", file);
  return 0;
}

namespace {

const Registration kBackup{
    Order::backup, [](CLI::App& app, Command& chosen) {
      static std::string file;
      auto* backup = app.add_subcommand("backup", "Save the whole database to FILE (pg_dump)");
      backup->add_option("file", file, "The backup file to write")->required();
      backup->callback(
          [&chosen] { chosen = [](const Settings& s) { return cli::backup(s, file); }; });
      auto* restore =
          app.add_subcommand("restore", "Replace the database by a backup, in one transaction");
      restore->add_option("file", file, "A file written by 'terrier backup'")->required();
      restore->callback(
          [&chosen] { chosen = [](const Settings& s) { return cli::restore(s, file); }; });
    }};

}  // namespace

}  // namespace terrier::cli
