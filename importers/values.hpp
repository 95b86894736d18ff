#pragma once

// Values as people write them when they do not know, or know roughly:
// placeholders ("NC", "à définir", "#N/A"), approximate numbers ("env.
// 300"), ranges ("100 à 200 m²", "≥ 150"), thousands with dots decided by
// the file's convention, and dates coarser than a day ("mars 2027", "T2
// 2027", "printemps 2027", "immédiatement", Excel serial numbers).

#include <optional>
#include <string>
#include <string_view>

#include "importers/fields.hpp"

namespace terrier::importers {

// "NC", "N.C.", "n/c", "NR", "NSP", "?", "-", "–", "—", "/", "x", "à
// définir", "à préciser", "à confirmer", "inconnu", "non communiqué", "non
// renseigné", "sans objet", "néant", "N/A", "#N/A", "#VALEUR!", "#REF!",
// "#DIV/0!" (case, accents and surrounding blanks ignored).
bool is_placeholder(std::string_view text);

// How a file writes decimals, learnt from its numbers.
enum class DecimalMark { unknown, comma, point };

// What one number says about the file's decimal mark: "12,5" or "1.250,5"
// a comma, "12.5" or "1,250.5" a point, "1.250" or "300" nothing.
DecimalMark decimal_mark_of(std::string_view text);

struct Quantity {
  std::optional<double> value;
  bool approximate = false;  // "env. 300", "~300", "300 environ", "≈ 300"
  bool ambiguous = false;    // "1.250" and the decimal mark is unknown
  std::optional<Reason> error;
  bool ok() const { return !error; }
};

// A number (parse_number's conventions), possibly approximate; "1.250" is
// 1 250 when the file writes decimal commas, 1.25 when it writes points,
// and ambiguous (an error) when the mark is unknown.
Quantity parse_quantity(std::string_view text, DecimalMark mark);

// A surface wanted: "100 à 200 m²", "100-200", "de 100 à 200", "entre 100
// et 200", "≥ 150", "150 minimum", "max 400", "environ 250" (ideal), "250"
// (ideal).
struct Range {
  std::optional<double> min, max, ideal;
  bool approximate = false;
  bool ambiguous = false;
  std::optional<Reason> error;
  bool ok() const { return !error; }
};
Range parse_range(std::string_view text, DecimalMark mark);

enum class DatePrecision { day, month, quarter, season, year, immediate };
// "jour", "mois", "trimestre", "saison", "année", "immédiat"
const char* precision_name(DatePrecision p);

struct FuzzyDate {
  std::optional<Date> date;  // the first day of the period
  DatePrecision precision = DatePrecision::day;
  bool excel_serial = false;
  std::optional<Reason> error;
  bool ok() const { return !error; }
};

// parse_date's forms, and: "12 mars 2027", "1er mars 2027" (a day), "mars 2027", "03/2027", "T2
// 2027", "2e trimestre 2027", "printemps 2027", "2027", "immédiatement" / "de suite" / "dès
// maintenant" (today), and, from a spreadsheet, Excel serial numbers (days since 1899-12-30, from
// 1954 to 2119).
FuzzyDate parse_fuzzy_date(std::string_view text, bool spreadsheet, const Date& today);

// The date `days` after 1899-12-30 (Excel's day 0 in the 1900 system).
Date from_excel_serial(long days);

}  // namespace terrier::importers
