#pragma once

// Reading one input row through a Mapping: typed access to fields, with each
// problem recorded against the row's position and the column's own header.

#include <optional>
#include <string>
#include <vector>

#include "importers/fields.hpp"
#include "importers/mapping.hpp"
#include "importers/record_source.hpp"

namespace terrier::importers {

struct RowIssue {
  enum class Kind { rejected, warning, flagged, conflict };  // conflict: with a page edit
  Kind kind = Kind::rejected;
  std::size_t position = 0;
  std::string column;  // the file's header, or the field name
  std::string value;
  std::string reason;
};

class RowFields {
 public:
  RowFields(const Mapping& mapping, const std::vector<std::string>& header,
            const SourceRecord& record, std::vector<RowIssue>& issues);

  // Trimmed text of a field (or the mapping's constant), translated by the
  // mapping's value table; nullopt when blank.
  std::optional<std::string> text(const char* field) const;
  std::optional<std::string> required_text(const char* field);
  // Numbers: min_exclusive for surfaces (> 0), else >= minimum.
  std::optional<double> number(const char* field, double minimum, bool exclusive = false,
                               double maximum = 1e12);
  std::optional<Date> date(const char* field);
  std::optional<bool> boolean(const char* field);
  std::optional<std::string> term(const char* field, const Vocabulary& vocabulary);
  std::vector<std::string> terms(const char* field, const Vocabulary& vocabulary);

  void reject(const char* field, const std::string& value, const std::string& reason);
  void warn(const char* field, const std::string& value, const std::string& reason);
  bool rejected() const { return rejected_; }

  // Columns that feed no field, as a JSON object {"header": "value"}.
  std::string attributes_json() const;
  const SourceRecord& record() const { return record_; }

 private:
  std::string column_name(const char* field) const;

  const Mapping& mapping_;
  const std::vector<std::string>& header_;
  const SourceRecord& record_;
  std::vector<RowIssue>& issues_;
  bool rejected_ = false;
};

// Formats numbers for COPY ("1250.5").
std::string sql_number(double v);

}  // namespace terrier::importers
