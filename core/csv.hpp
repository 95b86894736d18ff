#pragma once

// Cells of the CSV files Terrier writes (exports, import reports). A text
// cell that begins with '=', '+', '-', '@', a tab or a carriage return is
// read by spreadsheets as a formula (CSV injection, OWASP): such a cell gets a
// leading apostrophe. Only text is neutralised: numbers written as numbers by
// a typed writer (a negative rent in a numeric column) stay numbers.

#include <string>
#include <string_view>

namespace terrier::csv {

// True when a spreadsheet could take the text for a formula.
bool looks_like_formula(std::string_view text);

// The text itself, or "'" + text when it looks like a formula.
std::string neutralise(std::string_view text);

// The text a neutralised cell stood for: "'=1+2" is "=1+2" again (the
// CSV importer reads Terrier's own exports back as they were written).
std::string unneutralise(std::string text);

// A neutralised text cell between double quotes, inner quotes doubled.
std::string quoted_cell(std::string_view text);

}  // namespace terrier::csv
