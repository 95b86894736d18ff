#pragma once

// `terrier import KIND FILE`: read a file, validate each row, load the good
// rows in one transaction through a COPY into staging and a merge, report the
// bad ones with their line, column and reason.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "importers/geocode.hpp"
#include "importers/mapping.hpp"
#include "importers/row_fields.hpp"

namespace terrier::importers {

// How probable duplicates are searched: row by row in PostGIS (a GiST probe
// each), or, for an import that is a large part of the table, with every
// point read once and paired in memory. Both find the same pairs; automatic
// picks the cheaper.
enum class DuplicateSearch { automatic, row_by_row, in_memory };

// Where an import is: reading the file, then comparing and merging its rows
// with the database. The names are import_progress.state's.
enum class ImportPhase { reading, merging };
inline const char* phase_name(ImportPhase phase) {
  return phase == ImportPhase::reading ? "reading" : "merging";
}

struct ImportOptions {
  ImportKind kind = ImportKind::opportunities;
  std::string file;
  std::optional<std::string> source;  // default: the mapping's, else the file's stem
  std::optional<std::string> srs;
  std::optional<std::string> mapping_file;
  std::optional<std::string> reject_report;
  bool dry_run = false;
  bool sync = false;
  bool strict = false;
  // A field edited through the API since the row's last import keeps
  // Terrier's value (a conflict is reported) unless the file is preferred.
  bool prefer_file = false;
  bool progress = false;  // rows/s on stderr
  DuplicateSearch duplicate_search = DuplicateSearch::automatic;
  // Called once the header is read, before any row: how each column is read.
  std::function<void(const std::vector<ColumnReading>&)> on_header;
  std::string user;
  // Called while the file is read (after its first 256 rows, then at most
  // every 200 ms) with the rows read so far and, when the reader knows it,
  // the fraction of the file read; then once with ImportPhase::merging when
  // the whole file is read and the rows are compared with the database.
  std::function<void(ImportPhase phase, long long rows, std::optional<double> fraction)>
      on_progress;
  // An import limited to a circle (a member's, core/roles import_scope):
  // rows that do not lie in this circle, whose visibility is not one of
  // `visibilities`, or that would update a stored row outside them, or one
  // holding confidential fields, are rejected with their line and reason.
  std::optional<std::string> circle;
  std::vector<std::string> visibilities;
  // --geocode (opportunities): rows with an address and a commune but no
  // coordinates are placed by this geocoder (precision "adresse"); an
  // answer scored below geocode_min_score is refused with a warning and the
  // row is placed as it would have been without it.
  GeocodeBatch geocode;
  double geocode_min_score = 0.5;
  // territories only
  std::string level;  // commune, epci, departement
  std::optional<std::string> code_field, name_field;
};

struct ImportReport {
  std::string source;
  long long read = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0, deleted = 0,
            flagged = 0, conflicts = 0;
  std::vector<RowIssue> issues;
  bool committed = false;  // false: dry run, or --strict with rejected rows
  std::string position_name = "line";
  std::vector<ColumnReading> header;  // how each column was read

  // "read N, inserted N, updated N, unchanged N, rejected N"
  std::string summary() const;
};

// Runs one import. Throws ImportError (nothing changed) when the file cannot
// be read as a whole, and DbError for database failures (rolled back).
ImportReport run_import(pqxx::connection_base& conn, const ImportOptions& options);

// Now in UTC as ISO 8601: an import's started_at in import_runs.
std::string now_iso();

// Writes the issues as a CSV report (UTF-8 with BOM, ';'), for spreadsheets.
void write_issue_report(const std::string& path, const std::string& file,
                        const ImportReport& report);

}  // namespace terrier::importers
