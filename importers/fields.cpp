#include "importers/fields.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/text.hpp"

namespace terrier::importers {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Units people type after amounts and surfaces. The text is folded first,
// so case is gone and "m²" reads "m2".
std::string strip_unit(std::string s) {
  static constexpr std::string_view kUnits[] = {"\u20AC/mois", "euros", "eur", "\u20AC", "m2"};
  for (std::string_view unit : kUnits) {
    if (ends_with(s, unit)) {
      s.resize(s.size() - unit.size());
      return text::trim(s);
    }
  }
  return s;
}

// Drops the blanks of thousands groups ("1 250 000"): only a run of blanks
// between a digit and exactly three digits, so "12 5" stays two numbers and
// is refused. fold() has already turned U+00A0 and U+202F into ' '.
bool remove_group_blanks(std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != ' ') {
      out += s[i++];
      continue;
    }
    std::size_t end = s.find_first_not_of(' ', i);
    if (out.empty() || !is_digit(out.back()) || end == std::string::npos) return false;
    std::size_t digits = 0;
    while (end + digits < s.size() && is_digit(s[end + digits])) ++digits;
    if (digits != 3) return false;
    i = end;
  }
  s = std::move(out);
  return true;
}

// Removes the group separator `sep` from the integer part `s`, checking
// that it separates groups of exactly three digits ("1.250.000").
bool remove_group_separator(std::string& s, char sep) {
  std::size_t begin = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  std::size_t first = s.find(sep, begin);
  if (first == std::string::npos) return true;
  if (first == begin || first - begin > 3) return false;
  std::string out = s.substr(0, first);
  for (std::size_t i = first; i < s.size(); i += 4) {
    if (s[i] != sep || i + 4 > s.size()) return false;
    for (std::size_t k = i + 1; k < i + 4; ++k) {
      if (!is_digit(s[k])) return false;
      out += s[k];
    }
  }
  s = std::move(out);
  return true;
}

// Turns French and English groupings into "[-]digits[.digits]".
bool normalise_separators(std::string& s) {
  std::size_t dots = std::count(s.begin(), s.end(), '.');
  std::size_t commas = std::count(s.begin(), s.end(), ',');
  if (dots > 0 && commas > 0) {
    std::size_t decimal = s.find_last_of(".,");
    char group = s[decimal] == '.' ? ',' : '.';
    std::string integer = s.substr(0, decimal);
    if (!remove_group_separator(integer, group)) return false;
    s = integer + '.' + s.substr(decimal + 1);
    return true;
  }
  char sep = commas > 0 ? ',' : '.';
  std::size_t count = std::max(dots, commas);
  if (count == 1) {
    std::replace(s.begin(), s.end(), ',', '.');
    return true;
  }
  return count == 0 || remove_group_separator(s, sep);
}

bool is_plain_decimal(std::string_view s) {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  std::size_t digits = 0;
  bool point = false;
  for (; i < s.size(); ++i) {
    if (is_digit(s[i])) {
      ++digits;
    } else if (s[i] == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits > 0;
}

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Reads 1..max_digits ASCII digits; false if there are none or too many.
bool read_int(std::string_view s, std::size_t max_digits, int& value) {
  if (s.empty() || s.size() > max_digits) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc{} && end == s.data() + s.size() && is_digit(s[0]);
}

// Splits "12/03/2025", "12-03-25", "2025-03-12" into three numbers; the
// same separator must be used twice.
bool split_date(std::string_view s, std::string_view parts[3]) {
  std::size_t first = s.find_first_of("/-.");
  if (first == std::string_view::npos) return false;
  char sep = s[first];
  std::size_t second = s.find(sep, first + 1);
  if (second == std::string_view::npos || s.find(sep, second + 1) != std::string_view::npos) {
    return false;
  }
  parts[0] = s.substr(0, first);
  parts[1] = s.substr(first + 1, second - first - 1);
  parts[2] = s.substr(second + 1);
  return true;
}

// Cuts a time of day after the date ("2025-03-12T10:00:00", "12/03/2025
// 10:00"): spreadsheets export date cells with midnight attached.
std::optional<std::string_view> without_time(std::string_view s) {
  std::size_t cut = s.find_first_of("T ");
  if (cut == std::string_view::npos) return s;
  std::string_view time = s.substr(cut + 1);
  if (time.empty() || !is_digit(time[0]) ||
      time.find_first_not_of("0123456789:.+-Z") != std::string_view::npos) {
    return std::nullopt;
  }
  return s.substr(0, cut);
}

bool read_date(std::string_view s, Date& date) {
  std::string_view parts[3];
  if (!split_date(s, parts)) return false;
  if (parts[0].size() == 4) {
    return read_int(parts[0], 4, date.year) && read_int(parts[1], 2, date.month) &&
           read_int(parts[2], 2, date.day);
  }
  if (!read_int(parts[0], 2, date.day) || !read_int(parts[1], 2, date.month)) return false;
  if (parts[2].size() == 2 && read_int(parts[2], 2, date.year)) {
    date.year += 2000;
    return true;
  }
  return parts[2].size() == 4 && read_int(parts[2], 4, date.year);
}

// Collapses runs of blanks so that "bâtiment  mixte" matches.
std::string collapse_blanks(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  return out;
}

std::string_view singular(std::string_view word) {
  bool eux = word.size() > 3 && word.substr(word.size() - 3) == "eux";  // lieux, bureaux
  if ((word.size() > 1 && word.back() == 's') || eux) word.remove_suffix(1);
  return word;
}

// Spellings to look up, most literal first: as typed, last word singular
// ("entrepots", "tiers lieux": "tiers" keeps its s), every word singular
// ("jardins partages").
std::vector<std::string> lookup_candidates(const std::string& folded) {
  std::size_t last = folded.rfind(' ');
  last = last == std::string::npos ? 0 : last + 1;
  std::string all;
  for (std::size_t start = 0;;) {
    std::size_t end = folded.find(' ', start);
    all += singular(std::string_view(folded).substr(start, end - start));
    if (end == std::string::npos) break;
    all += ' ';
    start = end + 1;
  }
  return {folded, folded.substr(0, last) + std::string(singular(folded.substr(last))), all};
}

}  // namespace

Parsed<double> parse_number(std::string_view text) {
  std::string original = text::trim(text);
  if (original.empty()) return {};
  std::string s = text::fold(original);
  s = strip_unit(std::move(s));
  if (!remove_group_blanks(s) || !normalise_separators(s) || !is_plain_decimal(s)) {
    return {std::nullopt, Reason{ReasonCode::not_a_number, {original}}};
  }
  std::string_view digits = s;
  if (digits[0] == '+') digits.remove_prefix(1);  // from_chars refuses '+'
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range || (ec == std::errc{} && std::fabs(value) >= 1e15)) {
    return {std::nullopt, Reason{ReasonCode::too_large, {original}}};
  }
  if (ec != std::errc{} || end != digits.data() + digits.size() || !std::isfinite(value)) {
    return {std::nullopt, Reason{ReasonCode::not_a_number, {original}}};
  }
  return {value, {}};
}

std::string Date::iso() const {
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

Parsed<Date> parse_date(std::string_view text) {
  std::string original = text::trim(text);
  if (original.empty()) return {};
  Date date;
  std::optional<std::string_view> day_part = without_time(original);
  if (!day_part || !read_date(*day_part, date)) {
    return {std::nullopt, Reason{ReasonCode::not_a_date, {original}}};
  }
  if (date.year < 1800 || date.year > 2200) {
    return {std::nullopt,
            Reason{ReasonCode::implausible_year, {original, std::to_string(date.year)}}};
  }
  if (date.month < 1 || date.month > 12) {
    return {std::nullopt,
            Reason{ReasonCode::no_such_month, {original, std::to_string(date.month)}}};
  }
  if (date.day < 1 || date.day > days_in_month(date.year, date.month)) {
    return {std::nullopt, Reason{ReasonCode::no_such_day,
                                 {original, std::to_string(date.month), std::to_string(date.year),
                                  std::to_string(days_in_month(date.year, date.month))}}};
  }
  return {date, {}};
}

Parsed<bool> parse_bool(std::string_view text) {
  std::string original = text::trim(text);
  if (original.empty()) return {};
  std::string folded = text::fold(original);
  for (std::string_view yes : {"oui", "o", "vrai", "true", "yes", "y", "1", "x"}) {
    if (folded == yes) return {true, {}};
  }
  for (std::string_view no : {"non", "n", "faux", "false", "no", "0"}) {
    if (folded == no) return {false, {}};
  }
  return {std::nullopt, Reason{ReasonCode::not_yes_no, {original}}};
}

Vocabulary::Vocabulary(std::string name, std::vector<std::string> values,
                       std::vector<std::pair<std::string, std::string>> synonyms)
    : name_(std::move(name)), values_(std::move(values)) {
  for (const auto& value : values_) folded_.emplace_back(text::fold(value), value);
  for (auto& [alias, canonical] : synonyms) {
    // A synonym pointing outside the vocabulary would let values through
    // that the database domain then refuses: fail at first use instead.
    if (std::find(values_.begin(), values_.end(), canonical) == values_.end()) {
      throw std::logic_error(fmt::format("vocabulary '{}': synonym '{}' maps to unknown '{}'",
                                         name_, alias, canonical));
    }
    folded_.emplace_back(text::fold(alias), std::move(canonical));
  }
}

Parsed<std::string> Vocabulary::parse(std::string_view text) const {
  std::string original = text::trim(text);
  if (original.empty()) return {};
  std::string folded = collapse_blanks(text::fold(original));
  for (const std::string& candidate : lookup_candidates(folded)) {
    for (const auto& [alias, canonical] : folded_) {
      if (alias == candidate) return {canonical, {}};
    }
  }
  std::string list;
  for (const auto& value : values_) list += (list.empty() ? "" : ", ") + value;
  return {std::nullopt, Reason{ReasonCode::unknown_term, {original, name_, list}}};
}

Parsed<std::vector<std::string>> Vocabulary::parse_list(std::string_view text) const {
  // " ou " and " et " carry their blanks so that words containing them
  // ("bureau", "atelier") are never cut.
  static const std::vector<std::string> kSeparators = {
      "/", ",", ";", "+", ">", "|", " ou ", " et ", " OU ", " ET ", " Ou ", " Et "};
  // "toutes", "indifférent": any value of the vocabulary.
  static const std::vector<std::string> kAny = {
      "toutes",           "tous",        "tout",         "indifferent",
      "indifferente",     "peu importe", "n'importe",    "n'importe lequel",
      "toutes modalites", "tous types",  "toutes formes"};
  std::string whole = collapse_blanks(text::fold(text::trim(text)));
  if (std::find(kAny.begin(), kAny.end(), whole) != kAny.end()) return {values_, {}};
  std::vector<std::string> pieces = text::split_any(text, kSeparators);
  if (pieces.empty()) return {};
  std::vector<std::string> values;
  for (const auto& piece : pieces) {
    Parsed<std::string> one = parse(piece);
    if (!one.ok()) return {std::nullopt, one.error};
    if (std::find(values.begin(), values.end(), *one.value) == values.end()) {
      values.push_back(*one.value);
    }
  }
  return {values, {}};
}

const Vocabulary& opportunity_kinds() {
  static const Vocabulary v("type de bien", vocabulary::kOpportunityKinds,
                            {{"bureaux", "bureau"},
                             {"local commercial", "commerce"},
                             {"local d'activite", "atelier"},
                             {"hangar", "entrepôt"},
                             {"batiment", "bâtiment mixte"},
                             {"mixte", "bâtiment mixte"},
                             {"maison", "logement"},
                             {"appartement", "logement"},
                             {"terrain nu", "terrain"},
                             {"parcelle", "terrain"}});
  return v;
}

const Vocabulary& tenures() {
  static const Vocabulary v("mode de mise à disposition", vocabulary::kTenures,
                            {{"bail commercial d'utilite sociale", "bcus"},
                             {"bail commercial d\u2019utilit\u00e9 sociale", "bcus"},
                             {"cession", "vente"},
                             {"achat", "vente"},
                             {"bail commercial", "location"},
                             {"loyer", "location"},
                             {"bea", "bail emphytéotique"},
                             {"bail emphyteotique", "bail emphytéotique"},
                             {"emphyteose", "bail emphytéotique"},
                             {"occupation precaire", "occupation temporaire"},
                             {"urbanisme transitoire", "occupation temporaire"},
                             {"convention d'occupation temporaire", "occupation temporaire"},
                             {"pret", "mise à disposition"},
                             {"commodat", "mise à disposition"},
                             {"pret a usage", "mise à disposition"}});
  return v;
}

const Vocabulary& owner_kinds() {
  // EPF (établissements publics fonciers) are the region's public land
  // agencies: for matching they behave as a collectivité.
  static const Vocabulary v("type de propriétaire", vocabulary::kOwnerKinds,
                            {{"commune", "collectivité"},
                             {"mairie", "collectivité"},
                             {"departement", "collectivité"},
                             {"region", "collectivité"},
                             {"epci", "collectivité"},
                             {"intercommunalite", "collectivité"},
                             {"epf", "collectivité"},
                             {"hlm", "bailleur social"},
                             {"etat", "état"},
                             {"prive", "privé"},
                             {"particulier", "privé"},
                             {"entreprise", "privé"},
                             {"sci", "privé"},
                             {"fonciere solidaire", "foncière"}});
  return v;
}

const Vocabulary& opportunity_statuses() {
  static const Vocabulary v("statut", vocabulary::kOpportunityStatuses,
                            {{"libre", "disponible"},
                             {"en cours", "en discussion"},
                             {"en negociation", "en discussion"},
                             {"attribue", "attribuée"},
                             {"retire", "retirée"},
                             {"hors marche", "retirée"}});
  return v;
}

const Vocabulary& visibilities() {
  static const Vocabulary v("visibilité", vocabulary::kVisibilities,
                            {{"publique", "public"},
                             {"interne", "réseau"},
                             {"reseau", "réseau"},
                             {"prive", "confidentiel"},
                             {"confidentielle", "confidentiel"}});
  return v;
}

const Vocabulary& need_statuses() {
  static const Vocabulary v("statut du besoin", vocabulary::kNeedStatuses,
                            {{"actif", "active"},
                             {"en cours", "active"},
                             {"satisfait", "satisfaite"},
                             {"trouve", "satisfaite"},
                             {"clos", "close"},
                             {"ferme", "close"},
                             {"abandonne", "close"}});
  return v;
}

// A request's channel and status, as people write them in their tables.
const Vocabulary& request_channels() {
  static const Vocabulary v("canal", vocabulary::kRequestChannels,
                            {{"tel", "téléphone"},
                             {"appel", "téléphone"},
                             {"appel telephonique", "téléphone"},
                             {"email", "e-mail"},
                             {"e mail", "e-mail"},
                             {"mail", "e-mail"},
                             {"courriel", "e-mail"},
                             {"lettre", "courrier"},
                             {"rendez-vous", "rencontre"},
                             {"rendez vous", "rencontre"},
                             {"rdv", "rencontre"},
                             {"formulaire en ligne", "formulaire"}});
  return v;
}

const Vocabulary& request_statuses() {
  static const Vocabulary v("statut de la sollicitation", vocabulary::kRequestStatuses,
                            {{"ouvert", "ouverte"},
                             {"en cours", "ouverte"},
                             {"oriente", "orientée"},
                             {"clos", "close"},
                             {"fermee", "close"},
                             {"ferme", "close"},
                             {"terminee", "close"}});
  return v;
}

const Vocabulary& place_kinds() {
  static const Vocabulary v("type de lieu", vocabulary::kPlaceKinds,
                            {{"tiers lieu", "tiers-lieu"},
                             {"tiers-lieux", "tiers-lieu"},
                             {"fab lab", "fablab"},
                             {"cafe associatif", "café associatif"},
                             {"cafe", "café associatif"},
                             {"seniors residence", "résidence seniors"},
                             {"residence seniors", "résidence seniors"},
                             {"residence senior", "résidence seniors"},
                             {"venue", "lieu culturel"},
                             {"centre social", "autre"},
                             {"jardin", "jardin partagé"}});
  return v;
}

const Vocabulary& location_precisions() {
  static const Vocabulary v("précision de localisation", vocabulary::kLocationPrecisions,
                            {{"address", "adresse"}, {"exacte", "exact"}, {"gps", "exact"}});
  return v;
}

}  // namespace terrier::importers
