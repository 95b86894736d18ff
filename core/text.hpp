#pragma once

// Text helpers for French data: UTF-8 accent folding, slugs, trimming.

#include <string>
#include <string_view>
#include <vector>

namespace terrier::text {

// Removes leading and trailing ASCII white space and no-break spaces.
std::string trim(std::string_view s);

// Lower-cases ASCII and folds the Latin-1 / Latin Extended-A letters used in
// French (é è ê ë à â ä î ï ô ö ù û ü ç œ æ ÿ and capitals) to their base
// ASCII letters; other characters are kept. "Béthune" -> "bethune".
std::string fold(std::string_view utf8);

// URL slug: folded, runs of non-alphanumerics become one '-', no leading or
// trailing '-'. "CA de Lens - Liévin" -> "ca-de-lens-lievin".
std::string slugify(std::string_view utf8);

// Splits on any of the separator strings, trims pieces, drops empty ones.
std::vector<std::string> split_any(std::string_view s, const std::vector<std::string>& seps);

bool is_valid_utf8(std::string_view s);

// Characters (not bytes) of a UTF-8 string, as a form's maxlength counts.
std::size_t utf8_length(std::string_view utf8);

// A PostgreSQL array literal of texts: {"a","b \"quoted\""}, for parameters
// such as $1::text[].
std::string pg_array_literal(const std::vector<std::string>& items);

// Text for an XML (or HTML) element or attribute value: & < > " ' escaped.
std::string xml_escape(std::string_view text);

// `s` with every `from` (not empty) replaced by `to`, left to right; what a
// replacement writes is not searched again.
std::string replace_all(std::string s, std::string_view from, std::string_view to);

}  // namespace terrier::text
