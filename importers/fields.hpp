#pragma once

// Parsing of field values as people type them in French spreadsheets. Each
// parser returns the value, or the reason it cannot (a code with the value
// as written: importers/reasons; the caller adds file, line and column).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/vocabulary.hpp"
#include "importers/reasons.hpp"

namespace terrier::importers {

template <typename T>
struct Parsed {
  std::optional<T> value;       // nullopt without an error: the field was empty
  std::optional<Reason> error;  // the field cannot be read
  bool ok() const { return !error; }
};

// "1 250,5", "1 250,5" (no-break or narrow no-break spaces), "1250.5",
// "1.250,5", "12 500 €", "420 m²", "-3,5", "+7". Rejects text ("à négocier"),
// NaN, infinities and magnitudes of 1e15 or more. Empty (or blanks) -> empty.
Parsed<double> parse_number(std::string_view text);

struct Date {
  int year = 0, month = 0, day = 0;
  std::string iso() const;  // "2025-03-12"
  auto operator<=>(const Date&) const = default;
};

// "12/03/2025", "12/03/25" (20xx), "12-03-2025", "12.03.2025", "2025-03-12",
// "2025-03-12T10:00:00" (time ignored). Checks the calendar (no 31/02).
Parsed<Date> parse_date(std::string_view text);

// "oui"/"non", "o"/"n", "vrai"/"faux", "true"/"false", "yes"/"no", "1"/"0",
// "x" (true).
Parsed<bool> parse_bool(std::string_view text);

// A closed French vocabulary with synonyms: matching ignores case, accents,
// surrounding blanks and a final 's' ("Entrepots" -> "entrepôt").
class Vocabulary {
 public:
  // canonical values, and synonyms as {alias, canonical} pairs.
  Vocabulary(std::string name, std::vector<std::string> values,
             std::vector<std::pair<std::string, std::string>> synonyms = {});
  // The canonical values from core/vocabulary.hpp, with the synonyms files use.
  Vocabulary(std::string name, vocabulary::Values values,
             std::vector<std::pair<std::string, std::string>> synonyms = {})
      : Vocabulary(std::move(name), std::vector<std::string>(values.begin(), values.end()),
                   std::move(synonyms)) {}

  // The canonical value, or unknown_term with the accepted values.
  Parsed<std::string> parse(std::string_view text) const;
  // Several values in one cell, split on "/", ",", ";", "+", ">", " ou ",
  // " et ", "|"; order kept, duplicates removed. "toutes", "tous",
  // "indifférent", "peu importe": every value.
  Parsed<std::vector<std::string>> parse_list(std::string_view text) const;

  const std::string& name() const { return name_; }
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::string name_;
  std::vector<std::string> values_;
  std::vector<std::pair<std::string, std::string>> folded_;  // folded alias -> canonical
};

// The vocabularies of the data model (sql/001_extensions.sql).
const Vocabulary& opportunity_kinds();
const Vocabulary& tenures();
const Vocabulary& owner_kinds();
const Vocabulary& opportunity_statuses();
const Vocabulary& visibilities();
const Vocabulary& need_statuses();
const Vocabulary& place_kinds();
const Vocabulary& location_precisions();
const Vocabulary& request_channels();
const Vocabulary& request_statuses();

}  // namespace terrier::importers
