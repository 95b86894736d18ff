#include "importers/values.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "core/text.hpp"

namespace terrier::importers {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Folded, trimmed, with the mathematical signs people paste spelled out.
std::string folded(std::string_view text) {
  std::string s = text::fold(text::trim(text));
  s = text::replace_all(std::move(s), "\u2265", ">=");
  s = text::replace_all(std::move(s), "\u2264", "<=");
  s = text::replace_all(std::move(s), "\u2248", "~");
  return text::trim(s);
}

// The first number of the text, with its separators: "env. 1.250 m2" ->
// "1.250", "1 250,5 €" -> "1 250,5".
std::string_view numeric_core(std::string_view s) {
  std::size_t first = s.find_first_of("0123456789");
  if (first == std::string_view::npos) return {};
  std::size_t end = first;
  while (end < s.size()) {
    char c = s[end];
    bool joins = (c == '.' || c == ',' || c == ' ') && end + 1 < s.size() && is_digit(s[end + 1]);
    if (!is_digit(c) && !joins) break;
    ++end;
  }
  return s.substr(first, end - first);
}

// Drops "env.", "environ", "~", ... around a number; true if there was one.
bool strip_approximation(std::string& s) {
  static constexpr std::string_view kBefore[] = {"approximativement",
                                                 "a peu pres",
                                                 "autour de",
                                                 "environ",
                                                 "approx.",
                                                 "approx",
                                                 "env.",
                                                 "env",
                                                 "ca.",
                                                 "~",
                                                 "+/-"};
  static constexpr std::string_view kAfter[] = {"environ", "env.", "env", "approx."};
  for (std::string_view p : kBefore) {
    if (starts_with(s, p) && (p.back() == '.' || p == "~" || p == "+/-" || s.size() == p.size() ||
                              !std::isalpha(static_cast<unsigned char>(s[p.size()])))) {
      s = text::trim(s.substr(p.size()));
      return true;
    }
  }
  for (std::string_view p : kAfter) {
    if (ends_with(s, p) && s.size() > p.size() && s[s.size() - p.size() - 1] == ' ') {
      s = text::trim(s.substr(0, s.size() - p.size()));
      return true;
    }
  }
  return false;
}

// "1.250", "-12.500": one dot followed by exactly three digits.
bool is_dot_thousands_or_decimal(std::string_view core) {
  std::size_t i = (!core.empty() && (core[0] == '-' || core[0] == '+')) ? 1 : 0;
  std::size_t dot = core.find('.');
  if (dot == std::string_view::npos || core.find_first_of(".,", dot + 1) != std::string_view::npos)
    return false;
  if (dot == i || dot - i > 3 || core.size() - dot - 1 != 3) return false;
  for (std::size_t k = i; k < core.size(); ++k) {
    if (k != dot && !is_digit(core[k])) return false;
  }
  return true;
}

// Whether the text around the core is only blanks and units.
bool only_units_around(std::string_view s, std::string_view core) {
  std::size_t at = s.find(core);
  std::string rest =
      text::trim(std::string(s.substr(0, at)) + " " + std::string(s.substr(at + core.size())));
  return rest.empty() || rest == "m2" || rest == "\u20AC" || rest == "eur" || rest == "euros";
}

}  // namespace

bool is_placeholder(std::string_view text) {
  static const std::array<std::string_view, 27> kPlaceholders = {"nc",
                                                                 "n.c.",
                                                                 "n.c",
                                                                 "n/c",
                                                                 "nr",
                                                                 "n.r.",
                                                                 "nsp",
                                                                 "?",
                                                                 "-",
                                                                 "/",
                                                                 "x",
                                                                 "a definir",
                                                                 "a preciser",
                                                                 "a confirmer",
                                                                 "inconnu",
                                                                 "inconnue",
                                                                 "non communique",
                                                                 "non renseigne",
                                                                 "sans objet",
                                                                 "neant",
                                                                 "n/a",
                                                                 "na",
                                                                 "#n/a",
                                                                 "#valeur!",
                                                                 "#ref!",
                                                                 "#div/0!",
                                                                 "??"};
  std::string s = text::fold(text::trim(text));  // en and em dashes fold to '-'
  if (s.empty()) return false;
  return std::find(kPlaceholders.begin(), kPlaceholders.end(), s) != kPlaceholders.end();
}

DecimalMark decimal_mark_of(std::string_view text) {
  std::string s = folded(text);
  std::string_view core = numeric_core(s);
  std::size_t dots = std::count(core.begin(), core.end(), '.');
  std::size_t commas = std::count(core.begin(), core.end(), ',');
  if (commas == 1 && (dots == 0 || core.rfind('.') < core.find(','))) return DecimalMark::comma;
  if (dots == 1 && commas == 0) {
    return core.size() - core.find('.') - 1 == 3 ? DecimalMark::unknown : DecimalMark::point;
  }
  if (dots == 1 && commas >= 1 && core.find('.') > core.rfind(',')) return DecimalMark::point;
  return DecimalMark::unknown;
}

Quantity parse_quantity(std::string_view text, DecimalMark mark) {
  Quantity q;
  std::string s = folded(text);
  if (s.empty()) return q;
  q.approximate = strip_approximation(s);
  std::string_view core = numeric_core(s);
  if (is_dot_thousands_or_decimal(core) && only_units_around(s, core)) {
    if (mark == DecimalMark::unknown) {
      q.ambiguous = true;
      q.error = Reason{ReasonCode::ambiguous_decimal,
                       {text::trim(text), text::replace_all(std::string(core), ".", ""),
                        text::replace_all(std::string(core), ".", ",")}};
      return q;
    }
    if (mark == DecimalMark::comma)
      s = text::replace_all(s, std::string(core), text::replace_all(std::string(core), ".", ""));
  }
  Parsed<double> p = parse_number(s);
  if (!p.ok()) {
    // parse_number names the folded text: name what the file says.
    q.error = p.error;
    if (!q.error->params.empty()) q.error->params[0] = text::trim(text);
    return q;
  }
  q.value = p.value;
  return q;
}

Range parse_range(std::string_view text, DecimalMark mark) {
  Range r;
  std::string s = folded(text);
  if (s.empty()) return r;
  s = text::replace_all(std::move(s), "m2", " ");
  s = text::trim(text::replace_all(std::move(s), "  ", " "));
  auto number = [&](std::string_view part, std::optional<double>& out) {
    Quantity q = parse_quantity(part, mark);
    if (!q.ok() || !q.value) {
      r.ambiguous = r.ambiguous || q.ambiguous;
      if (!r.error) {
        r.error = q.ok() ? Reason{ReasonCode::not_a_surface_or_range, {text::trim(text)}} : q.error;
      }
      return;
    }
    r.approximate = r.approximate || q.approximate;
    out = q.value;
  };
  auto two = [&](std::string_view a, std::string_view b) {
    number(a, r.min);
    number(b, r.max);
    if (r.ok() && *r.min > *r.max)
      r.error = Reason{ReasonCode::minimum_above_maximum, {text::trim(text)}};
  };
  for (std::string_view p : {"entre "}) {
    if (starts_with(s, p) && s.find(" et ") != std::string::npos) {
      std::size_t et = s.find(" et ");
      two(std::string_view(s).substr(p.size(), et - p.size()), std::string_view(s).substr(et + 4));
      return r;
    }
  }
  std::string body = starts_with(s, "de ") ? s.substr(3) : s;
  if (std::size_t a = body.find(" a "); a != std::string::npos) {
    two(std::string_view(body).substr(0, a), std::string_view(body).substr(a + 3));
    return r;
  }
  static constexpr std::string_view kMinBefore[] = {">=",  ">",        "minimum", "min.",
                                                    "min", "au moins", "plus de", "a partir de"};
  static constexpr std::string_view kMinAfter[] = {"minimum", "min.",     "min", "et plus",
                                                   "ou plus", "au moins", "+"};
  static constexpr std::string_view kMaxBefore[] = {
      "<=", "<", "maximum", "max.", "max", "jusqu'a", "jusqu a", "moins de", "au plus"};
  static constexpr std::string_view kMaxAfter[] = {"maximum", "max.", "max", "au plus"};
  for (std::string_view p : kMinBefore) {
    if (starts_with(s, p)) return number(std::string_view(s).substr(p.size()), r.min), r;
  }
  for (std::string_view p : kMaxBefore) {
    if (starts_with(s, p)) return number(std::string_view(s).substr(p.size()), r.max), r;
  }
  for (std::string_view p : kMinAfter) {
    if (ends_with(s, p))
      return number(std::string_view(s).substr(0, s.size() - p.size()), r.min), r;
  }
  for (std::string_view p : kMaxAfter) {
    if (ends_with(s, p))
      return number(std::string_view(s).substr(0, s.size() - p.size()), r.max), r;
  }
  // "100-200", "100 - 200": a dash after a digit.
  for (std::size_t i = 1; i < s.size(); ++i) {
    std::size_t before = s.find_last_not_of(' ', i - 1);
    if (s[i] == '-' && before != std::string::npos && is_digit(s[before])) {
      two(std::string_view(s).substr(0, i), std::string_view(s).substr(i + 1));
      return r;
    }
  }
  number(s, r.ideal);
  return r;
}

const char* precision_name(DatePrecision p) {
  switch (p) {
    case DatePrecision::day:
      return "jour";
    case DatePrecision::month:
      return "mois";
    case DatePrecision::quarter:
      return "trimestre";
    case DatePrecision::season:
      return "saison";
    case DatePrecision::year:
      return "année";
    case DatePrecision::immediate:
      return "immédiat";
  }
  return "";
}

Date from_excel_serial(long days) {
  // Days from 1970-01-01, then the civil calendar (H. Hinnant's algorithm).
  long z = days - 25569 + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  Date d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = static_cast<int>(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
  return d;
}

namespace {

FuzzyDate dated(Date d, DatePrecision p) {
  FuzzyDate out;
  out.date = d;
  out.precision = p;
  return out;
}

std::optional<int> year_of(std::string_view s) {
  s = numeric_core(s);
  if (s.size() != 4 || !std::all_of(s.begin(), s.end(), is_digit)) return std::nullopt;
  int y = std::atoi(std::string(s).c_str());
  if (y < 1800 || y > 2200) return std::nullopt;
  return y;
}

// "mars 2027", "T2 2027", "2e trimestre 2027", "printemps 2027", "03/2027";
// and a day of a named month, "12 mars 2027", "1er mars 2027".
std::optional<FuzzyDate> period(const std::string& s) {
  static constexpr std::string_view kMonths[] = {"janvier",   "fevrier", "mars",     "avril",
                                                 "mai",       "juin",    "juillet",  "aout",
                                                 "septembre", "octobre", "novembre", "decembre"};
  static constexpr std::string_view kShort[] = {"janv", "fevr", "mars", "avr", "mai", "juin",
                                                "juil", "aout", "sept", "oct", "nov", "dec"};
  std::size_t space = s.rfind(' ');
  std::string head = space == std::string::npos ? "" : text::trim(s.substr(0, space));
  auto year = year_of(space == std::string::npos ? s : s.substr(space + 1));
  for (std::string_view p : {"debut ", "courant ", "en "}) {
    if (starts_with(head, p)) head = head.substr(p.size());
  }
  if (!head.empty() && head.back() == '.') head.pop_back();
  if (year && !head.empty()) {
    if (std::size_t gap = head.find(' '); gap != std::string::npos) {
      std::string day = head.substr(0, gap), month = text::trim(head.substr(gap + 1));
      if (day == "1er") day = "1";
      if (!month.empty() && month.back() == '.') month.pop_back();
      for (int m = 0; m < 12 && day.size() <= 2 && !day.empty() &&
                      std::all_of(day.begin(), day.end(), is_digit);
           ++m) {
        if (month != kMonths[m] && month != kShort[m] && !(m == 1 && month == "fev")) continue;
        // The calendar is parse_date's (no 31 février).
        auto exact = parse_date(fmt::format("{}/{}/{}", day, m + 1, *year));
        if (!exact.value) return std::nullopt;
        return dated(*exact.value, DatePrecision::day);
      }
    }
    for (int m = 0; m < 12; ++m) {
      if (head == kMonths[m] || head == kShort[m] || (m == 1 && head == "fev")) {
        return dated(Date{*year, m + 1, 1}, DatePrecision::month);
      }
    }
    static constexpr std::pair<std::string_view, int> kSeasons[] = {
        {"printemps", 3}, {"ete", 6}, {"automne", 9}, {"hiver", 12}};
    for (auto [name, month] : kSeasons) {
      if (head == name) return dated(Date{*year, month, 1}, DatePrecision::season);
    }
    static constexpr std::pair<std::string_view, int> kQuarters[] = {{"t1", 1},
                                                                     {"t2", 2},
                                                                     {"t3", 3},
                                                                     {"t4", 4},
                                                                     {"q1", 1},
                                                                     {"q2", 2},
                                                                     {"q3", 3},
                                                                     {"q4", 4},
                                                                     {"1er trimestre", 1},
                                                                     {"1e trimestre", 1},
                                                                     {"premier trimestre", 1},
                                                                     {"2e trimestre", 2},
                                                                     {"2eme trimestre", 2},
                                                                     {"2nd trimestre", 2},
                                                                     {"deuxieme trimestre", 2},
                                                                     {"second trimestre", 2},
                                                                     {"3e trimestre", 3},
                                                                     {"3eme trimestre", 3},
                                                                     {"troisieme trimestre", 3},
                                                                     {"4e trimestre", 4},
                                                                     {"4eme trimestre", 4},
                                                                     {"quatrieme trimestre", 4}};
    for (auto [name, quarter] : kQuarters) {
      if (head == name) return dated(Date{*year, quarter * 3 - 2, 1}, DatePrecision::quarter);
    }
    return std::nullopt;
  }
  // "03/2027", "2027-03"
  for (char sep : {'/', '-', '.'}) {
    std::size_t at = s.find(sep);
    if (at == std::string::npos || s.find(sep, at + 1) != std::string::npos) continue;
    std::string a = s.substr(0, at), b = s.substr(at + 1);
    auto month_year = [](const std::string& m, const std::string& y) -> std::optional<FuzzyDate> {
      auto yy = year_of(y);
      if (!yy || m.empty() || m.size() > 2 || !std::all_of(m.begin(), m.end(), is_digit))
        return std::nullopt;
      int mm = std::atoi(m.c_str());
      if (mm < 1 || mm > 12) return std::nullopt;
      return dated(Date{*yy, mm, 1}, DatePrecision::month);
    };
    if (auto d = month_year(a, b)) return d;
    if (auto d = month_year(b, a)) return d;
  }
  return std::nullopt;
}

}  // namespace

FuzzyDate parse_fuzzy_date(std::string_view text, bool spreadsheet, const Date& today) {
  std::string s = folded(text);
  if (s.empty()) return {};
  static constexpr std::string_view kNow[] = {
      "immediatement",   "immediat",        "immediate",           "de suite",
      "tout de suite",   "des maintenant",  "maintenant",          "des a present",
      "des aujourd'hui", "des aujourd hui", "disponible de suite", "disponible immediatement"};
  for (std::string_view now : kNow) {
    if (s == now) return dated(today, DatePrecision::immediate);
  }
  if (spreadsheet && !s.empty() &&
      std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c) || c == '.'; })) {
    double serial = std::atof(s.c_str());
    if (serial >= 20000 && serial < 80000) {
      FuzzyDate d = dated(from_excel_serial(static_cast<long>(serial)), DatePrecision::day);
      d.excel_serial = true;
      return d;
    }
  }
  if (auto y = year_of(s); y && s.size() == 4) return dated(Date{*y, 1, 1}, DatePrecision::year);
  if (auto p = period(s)) return *p;
  Parsed<Date> exact = parse_date(text);
  FuzzyDate out;
  out.date = exact.value;
  out.error = exact.error;
  if (exact.error && exact.error->code == ReasonCode::not_a_date) {
    // Not date-like at all: say every form that is read.
    out.error = Reason{ReasonCode::not_a_date_form, {text::trim(text)}};
  }
  return out;
}

}  // namespace terrier::importers
