#pragma once

// Reading one input row through a Mapping: typed access to fields, with each
// problem recorded against the row's position and the column's own header.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "importers/fields.hpp"
#include "importers/mapping.hpp"
#include "importers/reasons.hpp"
#include "importers/record_source.hpp"
#include "importers/values.hpp"

namespace terrier::importers {

struct RowIssue {
  enum class Kind { rejected, warning, flagged, conflict };  // conflict: with a page edit
  Kind kind = Kind::rejected;
  std::size_t position = 0;
  std::string column;  // the file's header, or the field name
  std::string value;
  Reason reason;
};

// "rejected", "warning", "flagged" or "conflict": the import's report on
// stderr and the API's issues name a kind so.
const char* issue_kind_name(RowIssue::Kind kind);

// What an import learns about the whole file while reading it: how it
// writes decimals (so that "1.250" can be read), whether it is a
// spreadsheet (Excel serial dates), and the day of the import.
struct FileConventions {
  DecimalMark mark = DecimalMark::unknown;
  // false during the first reading: a row with an ambiguous number is put
  // aside (needs_convention()) and read again once the whole file is seen.
  bool decided = false;
  bool comma_seen = false, point_seen = false;
  bool spreadsheet = false;
  Date today;
  // After the first reading: the mark the file's numbers agree on, if any.
  void decide();
};

// What an import knows of a file before its first row: whether it is a
// spreadsheet, and today's date (local time).
FileConventions conventions_of(const RecordSource& source);

class RowFields {
 public:
  // Without conventions (the API's JSON bodies), decimals are points.
  RowFields(const Mapping& mapping, const std::vector<std::string>& header,
            const SourceRecord& record, std::vector<RowIssue>& issues,
            FileConventions* conventions = nullptr);

  // Trimmed text of a field (or the mapping's constant), translated by the
  // mapping's value table; nullopt when blank, or when a placeholder ("NC",
  // "à définir", "#N/A"...), which is then warned about once.
  std::optional<std::string> text(const char* field) const;
  std::optional<std::string> required_text(const char* field);
  // Rejects a required field that is missing, naming the placeholder if
  // the file wrote one.
  void reject_missing(const char* field);
  // Numbers: min_exclusive for surfaces (> 0), else >= minimum. Approximate
  // values ("env. 300") are read and noted in the attributes.
  std::optional<double> number(const char* field, double minimum, bool exclusive = false,
                               double maximum = 1e12);
  // A range of surfaces ("100 à 200 m²", "≥ 150", "environ 250").
  Range range(const char* field);
  // Dates people write; a precision coarser than a day is noted in the
  // attributes ("mars 2027": {"precision": {"available_from": "mois"}}).
  std::optional<Date> date(const char* field);
  // The field said "immédiatement" (its date is the import's day).
  bool is_immediate(const char* field) const { return immediate_.count(field) > 0; }
  // A note kept in the attributes under `group`: {"group": {"field": value}}.
  void annotate(const std::string& group, const std::string& field, const std::string& value);
  // The row holds a number that only the whole file's convention can read.
  bool needs_convention() const { return needs_convention_; }
  std::optional<bool> boolean(const char* field);
  std::optional<std::string> term(const char* field, const Vocabulary& vocabulary);
  std::vector<std::string> terms(const char* field, const Vocabulary& vocabulary);

  void reject(const char* field, const std::string& value, Reason reason);
  void warn(const char* field, const std::string& value, Reason reason);
  bool rejected() const { return rejected_; }

  // Columns that feed no field, as a JSON object {"header": "value"}.
  std::string attributes_json() const;
  const SourceRecord& record() const { return record_; }

  // A geocoded point (import --geocode): read as the row's lon and lat,
  // with the precision "adresse", whatever the file says of them.
  void place_at(double lon, double lat);

 private:
  std::string column_name(const char* field) const;
  std::optional<std::string> raw_text(const char* field) const;
  void check_other_columns();

  const Mapping& mapping_;
  const std::vector<std::string>& header_;
  const SourceRecord& record_;
  std::vector<RowIssue>& issues_;
  FileConventions* conventions_;
  bool rejected_ = false;
  bool needs_convention_ = false;
  mutable std::map<std::string, std::string, std::less<>> placeholders_;  // field -> as written
  std::set<std::string, std::less<>> immediate_;
  std::map<std::string, std::map<std::string, std::string>> notes_;
  std::map<std::string, std::string, std::less<>> placed_;  // lon, lat, location_precision
};

// Formats numbers for COPY ("1250.5").
std::string sql_number(double v);

}  // namespace terrier::importers
