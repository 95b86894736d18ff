#include "cli/export_command.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <functional>

#include "api/export.hpp"
#include "api/problem.hpp"
#include "cli/command.hpp"
#include "core/error.hpp"
#include "db/connection.hpp"
#include "db/feature_store.hpp"
#include "db/migrations.hpp"
#include "importers/request_rows.hpp"

namespace terrier::cli {
namespace {

namespace fs = std::filesystem;

// `write` fills a file beside `output` (same folder, hidden, `extension`),
// which is then renamed to it: a failure removes it and leaves nothing.
void write_then_rename(const std::string& output, const std::string& extension,
                       const std::function<void(const std::string&)>& write) {
  fs::path out = fs::absolute(output);
  fs::path part = out.parent_path() / ("." + out.filename().string() + ".part." + extension);
  try {
    write(part.string());
    fs::rename(part, out);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(part, ec);
    throw Error(
        fmt::format("{}: export failed, nothing written: {}", out.string(), first_line(e.what())));
  }
  fmt::print("{} written ({} bytes)\n", out.string(), fs::file_size(out));
}

// `terrier export --layers requests --format csv|xlsx|ods -o FILE`: the requests
// ("sollicitations"), with the headers `terrier import requests` reads.
int export_requests(const Settings& settings, const ExportArgs& args) {
  if (args.format != "csv" && args.format != "xlsx" && args.format != "ods") {
    throw ConfigError("requests are exported as csv, xlsx or ods (--format)");
  }
  if (!args.territory.empty()) {
    throw ConfigError("requests are exported whole: leave --territory out");
  }
  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  write_then_rename(args.output, args.format, [&](const std::string& part) {
    if (args.format == "csv") {
      importers::write_requests_csv(*conn, part);
    } else {
      importers::write_requests_sheet(*conn, part, args.format == "xlsx" ? "XLSX" : "ODS");
    }
  });
  return 0;
}

}  // namespace

int export_territory(const Settings& settings, const ExportArgs& args) {
  if (args.layers == "requests") return export_requests(settings, args);
  api::ExportRequest request;
  request.territory = args.territory;
  request.role = Role::admin;  // the command line is trusted: it holds the database URL
  request.link_base = settings.public_url;
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
  write_then_rename(args.output, args.format,
                    [&](const std::string& part) { api::write_export(*conn, request, part); });
  return 0;
}

namespace {

const Registration kExport{
    Order::export_, [](CLI::App& app, Command& chosen) {
      static ExportArgs args;
      auto* exp = app.add_subcommand(
          "export", "Export a territory's map (outline, places, opportunities, needs)");
      exp->add_option(
          "--territory", args.territory,
          "Circle, EPCI, commune or département slug (default: the whole region, without outline)");
      exp->add_option(
          "--format", args.format,
          "geojson, gpkg (styled for QGIS), kml, csv, xlsx, ods, cnig (CNIG Friches standard) or "
          "qgz (a QGIS project with its GeoPackage and an A4 layout)");
      exp->add_option(
          "--layers", args.layers,
          "places,opportunities,needs (default: all), or requests alone (csv, xlsx, ods)");
      exp->add_option("-o,--output", args.output, "The file to write")->required();
      exp->callback(
          [&chosen] { chosen = [](const Settings& s) { return export_territory(s, args); }; });
    }};

}  // namespace

}  // namespace terrier::cli
