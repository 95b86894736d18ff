#include "importers/headers.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <set>

#include "core/text.hpp"
#include "importers/reasons.hpp"

namespace terrier::importers {
namespace {

// Words that only say in which unit or tax regime a value is written.
const std::set<std::string, std::less<>> kDroppedUnits = {"eur", "euro", "euros", "ht",
                                                          "hc",  "ttc",  "cc"};
// Words a parenthesis may hold and still be read as part of the header:
// units, some of which change the meaning (per year, per m², in km).
const std::set<std::string, std::less<>> kUnitWords = {
    "m2",    "eur",    "euro",     "euros", "ht", "hc", "ttc", "cc", "mois",    "an",
    "annee", "annuel", "annuelle", "km",    "m",  "ha", "par", "en", "mensuel", "mensuelle"};
const std::set<std::string, std::less<>> kArticles = {"le", "la", "les", "l", "un", "une"};
// Small words that snake_case names leave out: "type_bien" is "Type de bien".
const std::set<std::string, std::less<>> kConnectors = {"de", "du", "des", "d",
                                                        "la", "le", "les", "l"};
// A trailing "m2" is a unit, unless the header is an amount (then per m²).
const std::set<std::string, std::less<>> kAmountWords = {"prix",   "loyer",  "cout",   "montant",
                                                         "valeur", "budget", "charges"};

// "surfaceBatieM2" -> "surface Batie M2"; "€" -> " eur ".
std::string split_camel_case(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (s.substr(i, 3) == "\u20AC") {
      out += " eur ";
      i += 2;
      continue;
    }
    bool upper = c >= 'A' && c <= 'Z';
    if (upper && i > 0) {
      char p = s[i - 1];
      bool lower_before = (p >= 'a' && p <= 'z');
      bool acronym_end =
          p >= 'A' && p <= 'Z' && i + 1 < s.size() && s[i + 1] >= 'a' && s[i + 1] <= 'z';
      if (lower_before || acronym_end) out += ' ';
    }
    out += c;
  }
  return out;
}

struct Token {
  std::string word;
  bool in_parentheses = false;
};

std::vector<Token> tokenize(const std::string& folded) {
  std::vector<Token> tokens;
  std::string word;
  int depth = 0;
  auto flush = [&] {
    if (!word.empty()) tokens.push_back({word, depth > 0});
    word.clear();
  };
  for (char ch : folded) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word += static_cast<char>(c);
      continue;
    }
    flush();
    if (c == '(' || c == '[') ++depth;
    if ((c == ')' || c == ']') && depth > 0) --depth;
  }
  flush();
  return tokens;
}

// A parenthesis is kept only when it holds units ("(€/m²/an)", "(km)");
// other words there are comments ("Prix (négociable)").
std::vector<std::string> drop_comments(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < tokens.size();) {
    if (!tokens[i].in_parentheses) {
      out.push_back(tokens[i++].word);
      continue;
    }
    std::size_t end = i;
    bool units = true;
    while (end < tokens.size() && tokens[end].in_parentheses) {
      units = units && kUnitWords.count(tokens[end].word) > 0;
      ++end;
    }
    if (units) {
      for (std::size_t k = i; k < end; ++k) out.push_back(tokens[k].word);
    }
    i = end;
  }
  return out;
}

}  // namespace

std::string normalize_header(std::string_view header) {
  std::vector<std::string> words = drop_comments(tokenize(text::fold(split_camel_case(header))));
  while (words.size() > 1 && kArticles.count(words.front())) words.erase(words.begin());
  bool amount = false;
  bool currency = false;
  for (const auto& w : words) {
    amount = amount || kAmountWords.count(w) > 0;
    currency = currency || w == "eur" || w == "euro" || w == "euros";
  }
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (i > 0 && kDroppedUnits.count(w)) continue;
    if (i > 0 && i + 1 < words.size() && kConnectors.count(w)) continue;
    // "(€/mois)", "par mois": a monthly amount is the default.
    if (i > 0 && w == "mois") {
      if (!kept.empty() && kept.back() == "par") kept.pop_back();
      continue;
    }
    // "en m²", "en euros": the unit goes, and its "en" with it.
    if (w == "en" && i > 0 && i + 1 < words.size() &&
        (words[i + 1] == "m2" || kDroppedUnits.count(words[i + 1]) || words[i + 1] == "km")) {
      continue;
    }
    kept.push_back(w);
  }
  // A trailing "m2" is the unit of a surface, but "per m²" for an amount.
  if (kept.size() > 1 && kept.back() == "m2" && !amount && !currency) kept.pop_back();
  std::string out;
  for (const auto& w : kept) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string describe_column(const ColumnReading& c) {
  if (c.field) return fmt::format("'{}' -> {}", c.column, *c.field);
  if (!c.kept) {
    std::string key = normalize_header(c.column);
    return fmt::format("'{}' -> ignorée ({})", c.column,
                       key.empty()                                ? "en-tête vide"
                       : key == "lien terrier" || key == "couche" ? "colonne d'export de Terrier"
                                                                  : "--mapping");
  }
  // The same words as the report's warning about the column.
  return fmt::format(
      "'{}' -> {}", c.column,
      french(c.suggestion ? Reason{ReasonCode::column_kept_did_you_mean, {*c.suggestion}}
                          : Reason{ReasonCode::column_kept}));
}

std::string describe_reading(const std::vector<ColumnReading>& reading) {
  std::string out;
  for (const auto& c : reading) out += "  " + describe_column(c) + "\n";
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

bool is_close_header(std::string_view header, std::string_view alias) {
  if (header.empty() || alias.empty() || header == alias) return false;
  std::size_t longest = std::max(header.size(), alias.size());
  if (longest >= 5 && edit_distance(header, alias) * 4 <= longest) return true;
  // Abbreviations: as many words, each a prefix of at least 3 letters.
  auto words_of = [](std::string_view s) {
    std::vector<std::string_view> out;
    for (std::size_t start = 0; start <= s.size();) {
      std::size_t end = std::min(s.find(' ', start), s.size());
      out.push_back(s.substr(start, end - start));
      start = end + 1;
    }
    return out;
  };
  auto hw = words_of(header);
  auto aw = words_of(alias);
  if (hw.size() != aw.size()) return false;
  for (std::size_t i = 0; i < hw.size(); ++i) {
    if (hw[i] == aw[i]) continue;
    if (hw[i].size() < 3 || aw[i].substr(0, hw[i].size()) != hw[i]) return false;
  }
  return true;
}

}  // namespace terrier::importers
