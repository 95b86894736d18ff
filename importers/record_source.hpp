#pragma once

// One shape for every input file: a header, then records with a position
// (physical line for CSV, feature number for other formats), text fields and
// an optional geometry. CSV goes through CsvReader; everything else through
// GDAL/OGR.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "importers/reasons.hpp"

namespace terrier::importers {

struct SourceRecord {
  std::size_t position = 0;  // CSV: line; other formats: feature number (1-based)
  std::vector<std::optional<std::string>> fields;  // UTF-8, aligned with header()
  std::optional<std::string> wkb;                  // the file's own geometry
  std::optional<Reason> shape_error;               // the record does not fit the header
};

class RecordSource {
 public:
  virtual ~RecordSource() = default;
  virtual const std::vector<std::string>& header() const = 0;
  virtual bool next(SourceRecord& out) = 0;
  // "line" for text files, "feature" otherwise: how positions are named.
  virtual const char* position_name() const = 0;
  // CRS of the file's own geometries ("EPSG:2154"), if the file says.
  virtual std::optional<std::string> crs() const = 0;
  // A description for the log: "CSV, Windows-1252, ';'" or "GDAL GeoJSON".
  virtual std::string description() const = 0;
  // Progress in [0, 1] when known.
  virtual std::optional<double> progress() const = 0;
  // A spreadsheet (XLSX, ODS): numbers in date columns are Excel serials.
  virtual bool spreadsheet() const { return false; }
};

// Opens a file by its content and extension; in a file of several layers
// (a workbook Terrier exported: "lieux", "opportunites", "besoins"), the
// first of `layers` it has, else its first layer. Throws ImportError naming
// the file when it cannot be read as a whole.
std::unique_ptr<RecordSource> open_source(const std::string& path,
                                          const std::vector<std::string>& layers = {});

}  // namespace terrier::importers
