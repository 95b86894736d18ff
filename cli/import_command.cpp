#include "cli/import_command.hpp"

#include <fmt/core.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "api/geocoder_client.hpp"
#include "cli/command.hpp"
#include "core/error.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"

namespace terrier::cli {
namespace {

std::string current_user() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  if (const passwd* pw = getpwuid(getuid())) return pw->pw_name;
  return std::to_string(getuid());
}

// Prints a report's issues (each reason in French, as the API and the page
// show it) and summary; the exit code.
int print_report(const importers::ImportOptions& options, const importers::ImportReport& report) {
  for (const auto& issue : report.issues) {
    std::string where = issue.column.empty() ? "" : fmt::format(" column '{}':", issue.column);
    std::string value = issue.value.empty() ? "" : fmt::format(" '{}':", issue.value);
    std::string at = issue.position == 0  // about the file as a whole, or its header
                         ? std::string(":")
                         : fmt::format(":{} {}:", report.position_name, issue.position);
    fmt::print(stderr, "{}{} {}:{}{} {}\n", options.file, at,
               importers::issue_kind_name(issue.kind), where, value,
               importers::french(issue.reason));
  }
  if (options.reject_report)
    importers::write_issue_report(*options.reject_report, options.file, report);
  if (options.dry_run) {
    fmt::print(stderr, "dry run: nothing was written\n");
  } else if (!report.committed) {
    fmt::print(stderr, "--strict: {} row(s) rejected, nothing was written\n", report.rejected);
  }
  fmt::print("{}\n", report.summary());
  return options.strict && report.rejected > 0 ? 2 : 0;
}

}  // namespace

int import_file(const Settings& settings, ImportArgs args) {
  auto kind = importers::parse_kind(args.kind);
  if (!kind) {
    throw ConfigError(fmt::format(
        "unknown import kind '{}' (territories, circles, places, opportunities, needs, requests)",
        args.kind));
  }
  auto& options = args.options;
  options.kind = *kind;
  if (*kind == importers::ImportKind::territories && options.level.empty()) {
    throw ConfigError("territories need --level commune|epci|departement");
  }
  if (args.geocode) {
    if (*kind != importers::ImportKind::opportunities) {
      throw ConfigError("--geocode places opportunities only");
    }
    if (settings.geocoder_url.empty()) {
      throw ConfigError("--geocode needs a geocoder: TERRIER_GEOCODER_URL is none");
    }
    options.geocode = [url = settings.geocoder_url](const auto& queries) {
      return api::geocode_batch(url, queries);
    };
  }
  options.user = current_user();
  options.progress = true;
  // Before any row: how the header was read (the dry run shows it too).
  options.on_header = [&options](const std::vector<importers::ColumnReading>& reading) {
    fmt::print(stderr, "{}: header read as:\n{}", options.file,
               importers::describe_reading(reading));
  };

  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  return print_report(options, importers::run_import(*conn, options));
}

namespace {

const Registration kImport{
    Order::import, [](CLI::App& app, Command& chosen) {
      static ImportArgs args;
      auto& io = args.options;
      auto* import = app.add_subcommand("import",
                                        "Load a file of territories, circles, places, "
                                        "opportunities, needs or requests");
      import
          ->add_option("kind", args.kind,
                       "territories, circles, places, opportunities, needs or requests")
          ->required();
      import->add_option("file", io.file, "CSV, GeoJSON, GeoPackage, Shapefile, KML, XLSX, ODS…")
          ->required()
          ->check(CLI::ExistingFile);
      import->add_option("--source", io.source, "Name of the source (default: the file's name)");
      import->add_option("--srs", io.srs, "CRS of the coordinates, e.g. EPSG:2154");
      import->add_option("--mapping", io.mapping_file, "JSON file mapping columns to fields")
          ->check(CLI::ExistingFile);
      import->add_flag("--dry-run", io.dry_run, "Check everything, write nothing");
      import->add_option("--reject-report", io.reject_report,
                         "Write the rejected rows to this CSV");
      import->add_flag("--sync", io.sync, "Delete the rows of this source missing from the file");
      import->add_flag("--strict", io.strict, "Load nothing when a row is rejected");
      import->add_flag(
          "--prefer-file", io.prefer_file,
          "Apply the file's values over fields edited in Terrier since the last import");
      import->add_flag("--geocode", args.geocode,
                       "opportunities: place the rows with an address and a commune but no "
                       "coordinates through the geocoder (TERRIER_GEOCODER_URL)");
      import
          ->add_option("--geocode-min-score", io.geocode_min_score,
                       "Refuse the geocoder's answers scored below this (0 to 1, default 0.5)")
          ->check(CLI::Range(0.0, 1.0));
      import->add_option("--level", io.level, "territories: commune, epci or departement");
      import->add_option("--code-field", io.code_field, "territories: the code column");
      import->add_option("--name-field", io.name_field, "territories: the name column");
  import->callback([&chosen] { chosen = [](const Settings& s) { return import_file(s, args);
    };
});
}
}
;

}  // namespace

}  // namespace terrier::cli
