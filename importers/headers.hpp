#pragma once

// How a file's header is read: the normalisation that makes "Surface bâtie
// (m²)", "surface_batie_m2" and "surfaceBatieM2" the same key, the
// suggestion offered for a column that feeds no field, and the reading of
// each column that the import prints before any row (and the API returns).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace terrier::importers {

// A header reduced to what identifies it: camelCase split, folded (no
// accents, lower case), punctuation as single spaces, leading articles and
// inner "de", "du", "des", "la" dropped ("type_bien" is "Type de bien"), units dropped (m², €, HT,
// HC, TTC, "en m²", as a suffix or in parentheses) except where they change the meaning (a rent per
// year, per m² and per year, a radius in km). Other words in parentheses are dropped. "Surface
// bâtie (m²)" -> "surface batie"; "loyer_eur_mois" -> "loyer mois"; "Loyer (€/m²/an)" -> "loyer m2
// an"; "La Commune" -> "commune".
std::string normalize_header(std::string_view header);

// How one column of a file was read.
struct ColumnReading {
  std::string column;                     // the file's header
  std::optional<std::string> field;       // the field(s) it feeds ("a, b"); nullopt: ignored
  std::optional<std::string> suggestion;  // for an ignored column: the label of a close field
  bool kept = true;  // ignored columns: kept in attributes (false: --mapping ignore)
};

// What the import prints before any row: one line per column,
// "'Réf.' -> external_id" or "'surf_bat' -> ignorée (gardée dans attributes);
// did you mean 'Surface bâtie (m²)'?".
std::string describe_reading(const std::vector<ColumnReading>& reading);
std::string describe_column(const ColumnReading& c);

// Edit distance between two ASCII strings (Levenshtein).
std::size_t edit_distance(std::string_view a, std::string_view b);

// Whether the normalised key `header` is close to the normalised `alias`:
// a small edit distance, or each word an abbreviation of the alias's word
// ("surf bat" for "surface batie").
bool is_close_header(std::string_view header, std::string_view alias);

}  // namespace terrier::importers
