#include "db/cql2.hpp"

#include <fmt/core.h>

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/json.hpp"
#include "core/text.hpp"

namespace terrier::db::cql2 {
namespace {

// A refusal, caught by parse_text and parse_json.
struct Refused {
  std::string message;
};

using Position = std::array<double, 2>;
using Ring = std::vector<Position>;

// --- Values both encodings share ------------------------------------------

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int as_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// YYYY-MM-DD, a day of the calendar.
bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s.substr(0, 4)) ||
      !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2))) {
    return false;
  }
  using namespace std::chrono;
  return year_month_day{year{as_int(s.substr(0, 4))},
                        month{static_cast<unsigned>(as_int(s.substr(5, 2)))},
                        day{static_cast<unsigned>(as_int(s.substr(8, 2)))}}
             .ok() &&
         as_int(s.substr(0, 4)) >= 1;
}

// RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM).
bool valid_timestamp(std::string_view s) {
  if (s.size() < 20 || !valid_date(s.substr(0, 10)) || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || !all_digits(s.substr(11, 2)) || !all_digits(s.substr(14, 2)) ||
      !all_digits(s.substr(17, 2))) {
    return false;
  }
  if (as_int(s.substr(11, 2)) > 23 || as_int(s.substr(14, 2)) > 59 ||
      as_int(s.substr(17, 2)) > 59) {
    return false;
  }
  std::size_t i = 19;
  if (s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start || i - start > 9) return false;
  }
  std::string_view zone = s.substr(i);
  if (zone == "Z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
         all_digits(zone.substr(1, 2)) && all_digits(zone.substr(4, 2)) &&
         as_int(zone.substr(1, 2)) <= 14 && as_int(zone.substr(4, 2)) <= 59;  // UTC-12 to UTC+14
}

// A decimal number as CQL2 writes it (digits, an optional fraction and
// exponent), finite.
bool valid_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i == s.size() || s[i] < '0' || s[i] > '9') return false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  }
  if (i != s.size() || s.size() > 64) return false;
  double v = 0;
  std::string_view unsigned_part = s[0] == '-' ? s.substr(1) : s;
  auto [end, ec] =
      std::from_chars(unsigned_part.data(), unsigned_part.data() + unsigned_part.size(), v);
  return ec == std::errc() && std::isfinite(v);
}

std::string coordinate(double v) {
  return fmt::format("{}", v);
}

std::string wkt_positions(const Ring& ring) {
  std::string out;
  for (const auto& p : ring) {
    if (!out.empty()) out += ", ";
    out += coordinate(p[0]) + " " + coordinate(p[1]);
  }
  return out;
}

// The WKT of a geometry, or a refusal without its prefix.
std::string point_wkt(const Ring& positions) {
  return "POINT(" + wkt_positions(positions) + ")";
}

std::string linestring_wkt(const Ring& positions) {
  if (positions.size() < 2) throw Refused{"une LINESTRING a au moins deux positions"};
  return "LINESTRING(" + wkt_positions(positions) + ")";
}

std::string polygon_wkt(const std::vector<Ring>& rings) {
  if (rings.empty()) throw Refused{"un POLYGON a au moins un anneau"};
  std::string out = "POLYGON(";
  for (std::size_t i = 0; i < rings.size(); ++i) {
    const auto& r = rings[i];
    if (r.size() < 4 || r.front() != r.back()) {
      throw Refused{
          "chaque anneau d'un POLYGON a au moins quatre positions et se referme "
          "(la dernière est la première)"};
    }
    out += (i ? ", (" : "(") + wkt_positions(r) + ")";
  }
  return out + ")";
}

std::string bbox_wkt(const std::vector<double>& b) {
  if (b.size() != 4) throw Refused{"BBOX prend quatre nombres : ouest, sud, est, nord"};
  if (b[0] > b[2] || b[1] > b[3]) {
    throw Refused{"BBOX : l'ouest ne dépasse pas l'est, ni le sud le nord"};
  }
  Ring r = {{b[0], b[1]}, {b[2], b[1]}, {b[2], b[3]}, {b[0], b[3]}, {b[0], b[1]}};
  return polygon_wkt({r});
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Node leaf(NodeKind kind, std::string text, std::size_t position) {
  Node n;
  n.kind = kind;
  n.text = std::move(text);
  n.position = position;
  return n;
}

Node branch(NodeKind kind, std::vector<Node> args, std::size_t position, std::string text = {}) {
  Node n = leaf(kind, std::move(text), position);
  n.args = std::move(args);
  return n;
}

// Counts nesting and values against the limits.
class Budget {
 public:
  void enter() {
    if (++depth_ > kMaxDepth) {
      throw Refused{fmt::format("imbriqué sur plus de {} niveaux", kMaxDepth)};
    }
  }
  void leave() { --depth_; }
  void value() {
    if (++values_ > kMaxValues) {
      throw Refused{fmt::format("plus de {} valeurs", kMaxValues)};
    }
  }

 private:
  int depth_ = 0;
  std::size_t values_ = 0;
};

struct Nested {
  explicit Nested(Budget& b) : budget(b) { budget.enter(); }
  ~Nested() { budget.leave(); }
  Nested(const Nested&) = delete;
  Nested& operator=(const Nested&) = delete;
  Budget& budget;
};

// --- cql2-text ------------------------------------------------------------

enum class Tok { end, word, quoted, string, number, lparen, rparen, comma, op, minus };

struct Token {
  Tok type = Tok::end;
  std::string text;
  std::size_t position = 0;  // in characters, from 1
};

std::string shown(const Token& t) {
  switch (t.type) {
    case Tok::end:
      return "la fin du filtre";
    case Tok::string:
      return "« '" + clip(t.text, 40) + "' »";
    case Tok::quoted:
      return "« \"" + clip(t.text, 40) + "\" »";
    default:
      return "« " + clip(t.text, 40) + " »";
  }
}

bool word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':';
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    for (;;) {
      while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
      Token t;
      t.position = position(i_);
      if (i_ == s_.size()) {
        out.push_back(t);
        return out;
      }
      char c = s_[i_];
      if (word_start(c)) {
        std::size_t start = i_;
        while (i_ < s_.size() && word_char(s_[i_])) ++i_;
        t.type = Tok::word;
        t.text = s_.substr(start, i_ - start);
      } else if ((c >= '0' && c <= '9') ||
                 (c == '.' && i_ + 1 < s_.size() && s_[i_ + 1] >= '0' && s_[i_ + 1] <= '9')) {
        t.type = Tok::number;
        t.text = number();
      } else if (c == '\'') {
        t.type = Tok::string;
        t.text = quoted('\'', "chaîne");
      } else if (c == '"') {
        t.type = Tok::quoted;
        t.text = quoted('"', "nom de propriété");
      } else if (c == '(' || c == ')' || c == ',' || c == '-') {
        t.type = c == '('   ? Tok::lparen
                 : c == ')' ? Tok::rparen
                 : c == ',' ? Tok::comma
                            : Tok::minus;
        t.text = std::string(1, c);
        ++i_;
      } else if (c == '=' || c == '<' || c == '>') {
        t.type = Tok::op;
        t.text = std::string(1, c);
        ++i_;
        if (i_ < s_.size() && c != '=' && (s_[i_] == '=' || (c == '<' && s_[i_] == '>'))) {
          t.text += s_[i_++];
        }
      } else {
        std::size_t length = 1;
        while (i_ + length < s_.size() &&
               (static_cast<unsigned char>(s_[i_ + length]) & 0xC0) == 0x80) {
          ++length;
        }
        throw Refused{fmt::format("caractère « {} » inattendu à la position {}",
                                  s_.substr(i_, length), t.position)};
      }
      out.push_back(std::move(t));
    }
  }

 private:
  std::size_t position(std::size_t byte) const {
    std::size_t chars = 1;
    for (std::size_t k = 0; k < byte; ++k) {
      if ((static_cast<unsigned char>(s_[k]) & 0xC0) != 0x80) ++chars;
    }
    return chars;
  }

  std::string number() {
    std::size_t start = i_;
    auto digits = [&] {
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    };
    digits();
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      digits();
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      std::size_t mark = i_++;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
        digits();
      } else {
        i_ = mark;
      }
    }
    std::string text(s_.substr(start, i_ - start));
    if (!valid_number(text)) {
      throw Refused{
          fmt::format("nombre « {} » invalide à la position {}", clip(text, 40), position(start))};
    }
    return text;
  }

  // A '…' string or a "…" name; the quote doubled stands for itself.
  std::string quoted(char quote, const char* what) {
    std::size_t start = i_++;
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) {
        throw Refused{fmt::format("{} non terminé(e) : {} manquant pour celui de la position {}",
                                  what, quote, position(start))};
      }
      if (s_[i_] == quote) {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == quote) {
          out += quote;
          i_ += 2;
          continue;
        }
        ++i_;
        return out;
      }
      out += s_[i_++];
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

class TextParser {
 public:
  explicit TextParser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Node parse() {
    Node n = or_expr();
    if (peek().type != Tok::end) unexpected();
    return n;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const { return t_[std::min(k_ + ahead, t_.size() - 1)]; }
  Token take() {
    Token t = peek();
    if (k_ < t_.size() - 1) ++k_;
    return t;
  }
  bool is_word(const Token& t, std::string_view keyword) const {
    return t.type == Tok::word && equals_ignoring_case(t.text, keyword);
  }
  bool accept_word(std::string_view keyword) {
    if (!is_word(peek(), keyword)) return false;
    take();
    return true;
  }
  [[noreturn]] void unexpected() const {
    throw Refused{fmt::format("{} inattendu(e) à la position {}", shown(peek()), peek().position)};
  }
  [[noreturn]] void expected(const std::string& what) const {
    throw Refused{
        fmt::format("{} attendu à la position {}{}", what, peek().position,
                    peek().type == Tok::end ? " (fin du filtre)" : ", pas " + shown(peek()))};
  }
  void expect(Tok type, const char* symbol) {
    if (peek().type != type) expected(fmt::format("« {} »", symbol));
    take();
  }
  void expect_word(const char* keyword) {
    if (!accept_word(keyword)) expected(fmt::format("« {} »", keyword));
  }

  Node or_expr() {
    Node left = and_expr();
    while (is_word(peek(), "OR")) {
      std::size_t at = take().position;
      left = branch(NodeKind::logical_or, {std::move(left), and_expr()}, at);
    }
    return left;
  }

  Node and_expr() {
    Node left = not_expr();
    while (is_word(peek(), "AND")) {
      std::size_t at = take().position;
      left = branch(NodeKind::logical_and, {std::move(left), not_expr()}, at);
    }
    return left;
  }

  Node not_expr() {
    Nested nested(budget_);
    if (is_word(peek(), "NOT")) {
      std::size_t at = take().position;
      return branch(NodeKind::logical_not, {not_expr()}, at);
    }
    return predicate();
  }

  Node predicate() {
    if (peek().type == Tok::lparen) {
      take();
      Node inner = or_expr();
      expect(Tok::rparen, ")");
      return inner;
    }
    if (is_word(peek(), "S_INTERSECTS") && peek(1).type == Tok::lparen) {
      std::size_t at = take().position;
      take();
      Node a = operand();
      expect(Tok::comma, ",");
      Node b = operand();
      expect(Tok::rparen, ")");
      return branch(NodeKind::s_intersects, {std::move(a), std::move(b)}, at);
    }
    Node left = operand();
    const Token& next = peek();
    std::size_t at = next.position;
    if (next.type == Tok::op) {
      std::string op = take().text;
      return branch(NodeKind::comparison, {std::move(left), operand()}, at, op);
    }
    if (accept_word("IS")) {
      bool negated = accept_word("NOT");
      expect_word("NULL");
      Node n = branch(NodeKind::is_null, {std::move(left)}, at);
      return negated ? branch(NodeKind::logical_not, {std::move(n)}, at) : n;
    }
    bool negated = false;
    if (is_word(next, "NOT") &&
        (is_word(peek(1), "LIKE") || is_word(peek(1), "IN") || is_word(peek(1), "BETWEEN"))) {
      take();
      negated = true;
    }
    Node n;
    if (accept_word("LIKE")) {
      n = branch(NodeKind::like, {std::move(left), operand()}, at);
    } else if (accept_word("IN")) {
      expect(Tok::lparen, "(");
      std::vector<Node> args = {std::move(left), operand()};
      while (peek().type == Tok::comma) {
        take();
        args.push_back(operand());
      }
      expect(Tok::rparen, ")");
      n = branch(NodeKind::in, std::move(args), at);
    } else if (accept_word("BETWEEN")) {
      Node low = operand();
      expect_word("AND");
      n = branch(NodeKind::between, {std::move(left), std::move(low), operand()}, at);
    } else {
      return left;  // a boolean property or literal on its own
    }
    return negated ? branch(NodeKind::logical_not, {std::move(n)}, at) : n;
  }

  Node operand() {
    Nested nested(budget_);
    const Token t = peek();
    switch (t.type) {
      case Tok::minus: {
        take();
        if (peek().type != Tok::number) expected("un nombre");
        budget_.value();
        return leaf(NodeKind::number_literal, "-" + take().text, t.position);
      }
      case Tok::number:
        budget_.value();
        return leaf(NodeKind::number_literal, take().text, t.position);
      case Tok::string:
        budget_.value();
        return leaf(NodeKind::string_literal, take().text, t.position);
      case Tok::quoted:
        return leaf(NodeKind::property, take().text, t.position);
      case Tok::word:
        return word_operand();
      default:
        expected("un nom de propriété ou une valeur");
    }
  }

  Node word_operand() {
    const Token t = take();
    if (equals_ignoring_case(t.text, "TRUE") || equals_ignoring_case(t.text, "FALSE")) {
      budget_.value();
      return leaf(NodeKind::boolean_literal,
                  equals_ignoring_case(t.text, "TRUE") ? "true" : "false", t.position);
    }
    for (const char* reserved : {"AND", "OR", "NOT", "LIKE", "IN", "BETWEEN", "IS", "NULL"}) {
      if (equals_ignoring_case(t.text, reserved)) {
        throw Refused{
            fmt::format("{} inattendu(e) à la position {} : un nom de propriété ou une "
                        "valeur était attendu",
                        shown(t), t.position)};
      }
    }
    if (peek().type != Tok::lparen) return leaf(NodeKind::property, t.text, t.position);
    take();
    Node out;
    if (equals_ignoring_case(t.text, "CASEI") || equals_ignoring_case(t.text, "ACCENTI")) {
      out = branch(equals_ignoring_case(t.text, "CASEI") ? NodeKind::casei : NodeKind::accenti,
                   {operand()}, t.position);
    } else if (equals_ignoring_case(t.text, "DATE") || equals_ignoring_case(t.text, "TIMESTAMP")) {
      bool date = equals_ignoring_case(t.text, "DATE");
      if (peek().type != Tok::string) expected("une chaîne entre apostrophes");
      Token value = take();
      if (date ? !valid_date(value.text) : !valid_timestamp(value.text)) {
        throw Refused{
            fmt::format("{} « {} » invalide à la position {} ({})", date ? "date" : "horodatage",
                        clip(value.text, 40), value.position,
                        date ? "DATE('2024-01-31')" : "TIMESTAMP('2024-01-31T10:00:00Z')")};
      }
      budget_.value();
      out =
          leaf(date ? NodeKind::date_literal : NodeKind::timestamp_literal, value.text, t.position);
    } else {
      out = leaf(NodeKind::geometry_literal, geometry(t), t.position);
      return out;  // geometry() read the closing parenthesis
    }
    expect(Tok::rparen, ")");
    return out;
  }

  double coordinate_value() {
    bool negative = peek().type == Tok::minus;
    if (negative) take();
    if (peek().type != Tok::number) expected("une coordonnée");
    budget_.value();
    const std::string text = take().text;
    double v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);  // valid_number checked it
    return negative ? -v : v;
  }

  Ring positions() {
    Ring out;
    do {
      if (!out.empty()) take();  // the comma
      double x = coordinate_value();
      double y = coordinate_value();
      out.push_back({x, y});
    } while (peek().type == Tok::comma);
    return out;
  }

  // After "NAME(": the geometry's WKT, through its closing parenthesis.
  std::string geometry(const Token& name) {
    std::string wkt;
    try {
      if (equals_ignoring_case(name.text, "POINT")) {
        double x = coordinate_value();
        double y = coordinate_value();
        wkt = point_wkt({{x, y}});
      } else if (equals_ignoring_case(name.text, "LINESTRING")) {
        wkt = linestring_wkt(positions());
      } else if (equals_ignoring_case(name.text, "POLYGON")) {
        std::vector<Ring> rings;
        do {
          if (!rings.empty()) take();  // the comma
          expect(Tok::lparen, "(");
          rings.push_back(positions());
          expect(Tok::rparen, ")");
        } while (peek().type == Tok::comma);
        wkt = polygon_wkt(rings);
      } else if (equals_ignoring_case(name.text, "BBOX")) {
        std::vector<double> b = {coordinate_value()};
        while (peek().type == Tok::comma) {
          take();
          b.push_back(coordinate_value());
        }
        wkt = bbox_wkt(b);
      } else {
        throw Refused{fmt::format(
            "fonction ou géométrie inconnue « {} » à la position {} (CASEI, ACCENTI, DATE, "
            "TIMESTAMP, S_INTERSECTS, POINT, LINESTRING, POLYGON, BBOX)",
            clip(name.text, 40), name.position)};
      }
    } catch (const Refused& r) {
      if (r.message.find("position") != std::string::npos) throw;
      throw Refused{fmt::format("{} (position {})", r.message, name.position)};
    }
    expect(Tok::rparen, ")");
    return wkt;
  }

  std::vector<Token> t_;
  std::size_t k_ = 0;
  Budget budget_;
};

// --- cql2-json ------------------------------------------------------------

using json = nlohmann::json;

std::string json_shown(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 60 ? clip(s, 60) + "…" : s;
}

class JsonParser {
 public:
  Node node(const json& j) {
    Nested nested(budget_);
    if (j.is_string()) {
      budget_.value();
      return leaf(NodeKind::string_literal, text_of(j), 0);
    }
    if (j.is_boolean()) {
      budget_.value();
      return leaf(NodeKind::boolean_literal, j.get<bool>() ? "true" : "false", 0);
    }
    if (j.is_number()) {
      budget_.value();
      return leaf(NodeKind::number_literal, number_text(j), 0);
    }
    if (j.is_null()) throw Refused{"null n'est pas une valeur (pour tester l'absence : isNull)"};
    if (!j.is_object()) throw Refused{"valeur inattendue " + json_shown(j)};
    if (j.contains("op")) return operation(j);
    if (j.size() != 1 && !j.contains("type")) throw Refused{"objet inattendu " + json_shown(j)};
    if (auto it = j.find("property"); it != j.end()) {
      if (!it->is_string()) throw Refused{"« property » prend un nom"};
      return leaf(NodeKind::property, text_of(*it), 0);
    }
    for (const char* temporal : {"date", "timestamp"}) {
      if (auto it = j.find(temporal); it != j.end()) {
        bool date = std::string_view(temporal) == "date";
        std::string value = it->is_string() ? it->get<std::string>() : "";
        if (date ? !valid_date(value) : !valid_timestamp(value)) {
          throw Refused{fmt::format(
              "{} invalide {} ({})", date ? "date" : "horodatage", json_shown(*it),
              date ? R"({"date": "2024-01-31"})" : R"({"timestamp": "2024-01-31T10:00:00Z"})")};
        }
        budget_.value();
        return leaf(date ? NodeKind::date_literal : NodeKind::timestamp_literal, value, 0);
      }
    }
    for (const char* function : {"casei", "accenti"}) {
      if (auto it = j.find(function); it != j.end()) {
        return branch(std::string_view(function) == "casei" ? NodeKind::casei : NodeKind::accenti,
                      {node(*it)}, 0);
      }
    }
    if (auto it = j.find("bbox"); it != j.end()) {
      if (!it->is_array()) throw Refused{"« bbox » prend quatre nombres"};
      std::vector<double> b;
      for (const auto& v : *it) b.push_back(coordinate_value(v));
      return leaf(NodeKind::geometry_literal, bbox_wkt(b), 0);
    }
    if (j.contains("type") && j.contains("coordinates")) return geometry(j);
    throw Refused{"objet inattendu " + json_shown(j)};
  }

 private:
  // A string without NUL ("\u0000"), which no SQL parameter can carry.
  static std::string text_of(const json& j) {
    std::string s = j.get<std::string>();
    if (s.find('\0') != std::string::npos) throw Refused{"octet nul (\\u0000) dans une chaîne"};
    return s;
  }

  static std::string number_text(const json& j) {
    if (j.is_number_integer()) return j.dump();
    double v = j.get<double>();
    if (!std::isfinite(v)) throw Refused{"nombre invalide"};
    return fmt::format("{}", v);
  }

  double coordinate_value(const json& j) {
    if (!j.is_number()) throw Refused{"coordonnée attendue, pas " + json_shown(j)};
    budget_.value();
    double v = j.get<double>();
    if (!std::isfinite(v)) throw Refused{"coordonnée invalide"};
    return v;
  }

  Position position_of(const json& j) {
    if (!j.is_array() || j.size() != 2) {
      throw Refused{"une position est [longitude, latitude], pas " + json_shown(j)};
    }
    return {coordinate_value(j[0]), coordinate_value(j[1])};
  }

  Ring ring_of(const json& j) {
    if (!j.is_array()) throw Refused{"liste de positions attendue, pas " + json_shown(j)};
    Ring out;
    for (const auto& p : j) out.push_back(position_of(p));
    return out;
  }

  Node geometry(const json& j) {
    const json& type = j["type"];
    const json& c = j["coordinates"];
    std::string wkt;
    if (type == "Point") {
      wkt = point_wkt({position_of(c)});
    } else if (type == "LineString") {
      wkt = linestring_wkt(ring_of(c));
    } else if (type == "Polygon") {
      if (!c.is_array()) throw Refused{"un Polygon est une liste d'anneaux"};
      std::vector<Ring> rings;
      for (const auto& r : c) rings.push_back(ring_of(r));
      wkt = polygon_wkt(rings);
    } else {
      throw Refused{"géométrie non prise en charge " + json_shown(type) +
                    " (Point, LineString, Polygon, bbox)"};
    }
    return leaf(NodeKind::geometry_literal, wkt, 0);
  }

  Node operation(const json& j) {
    const json& op_value = j["op"];
    if (!op_value.is_string()) throw Refused{"« op » prend le nom d'un opérateur"};
    std::string op = op_value.get<std::string>();
    auto it = j.find("args");
    if (it == j.end() || !it->is_array()) {
      throw Refused{fmt::format("« {} » : « args » (une liste) manque", clip(op, 40))};
    }
    const json& args = *it;
    auto count = [&](std::size_t n) {
      if (args.size() != n) {
        throw Refused{fmt::format("« {} » prend {} argument(s), pas {}", op, n, args.size())};
      }
    };
    auto is = [&](std::string_view name) { return equals_ignoring_case(op, name); };
    if (is("and") || is("or")) {
      if (args.size() < 2) throw Refused{fmt::format("« {} » prend au moins deux arguments", op)};
      Node out = node(args[0]);
      for (std::size_t i = 1; i < args.size(); ++i) {
        out = branch(is("and") ? NodeKind::logical_and : NodeKind::logical_or,
                     {std::move(out), node(args[i])}, 0);
      }
      return out;
    }
    if (is("not")) {
      count(1);
      return branch(NodeKind::logical_not, {node(args[0])}, 0);
    }
    for (const char* comparison : {"=", "<>", "<", "<=", ">", ">="}) {
      if (op == comparison) {
        count(2);
        return branch(NodeKind::comparison, {node(args[0]), node(args[1])}, 0, op);
      }
    }
    if (is("like")) {
      count(2);
      return branch(NodeKind::like, {node(args[0]), node(args[1])}, 0);
    }
    if (is("between")) {
      count(3);
      return branch(NodeKind::between, {node(args[0]), node(args[1]), node(args[2])}, 0);
    }
    if (is("in")) {
      count(2);
      if (!args[1].is_array() || args[1].empty()) {
        throw Refused{"« in » : le second argument est une liste de valeurs"};
      }
      std::vector<Node> out = {node(args[0])};
      for (const auto& v : args[1]) out.push_back(node(v));
      return branch(NodeKind::in, std::move(out), 0);
    }
    if (is("isNull")) {
      count(1);
      return branch(NodeKind::is_null, {node(args[0])}, 0);
    }
    if (is("s_intersects")) {
      count(2);
      return branch(NodeKind::s_intersects, {node(args[0]), node(args[1])}, 0);
    }
    if (is("casei") || is("accenti")) {
      count(1);
      return branch(is("casei") ? NodeKind::casei : NodeKind::accenti, {node(args[0])}, 0);
    }
    throw Refused{fmt::format(
        "opérateur inconnu « {} » (and, or, not, =, <>, <, <=, >, >=, like, in, between, isNull, "
        "s_intersects, casei, accenti)",
        clip(op, 40))};
  }

  Budget budget_;
};

// What both encodings refuse before parsing.
std::optional<std::string> unreadable(std::string_view text) {
  if (text.size() > kMaxFilterBytes) {
    return fmt::format("plus de {} octets", kMaxFilterBytes);
  }
  if (!text::is_valid_utf8(text)) return std::string("ce n'est pas de l'UTF-8 valide");
  if (text.find('\0') != std::string_view::npos) return std::string("octet nul (%00)");
  if (text::trim(text).empty()) return std::string("filtre vide");
  return std::nullopt;
}

}  // namespace

std::string clip(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

Parsed parse_text(std::string_view text) {
  Parsed out;
  if (auto why = unreadable(text)) {
    out.error = "filtre CQL2 : " + *why;
    return out;
  }
  try {
    out.filter = TextParser(Lexer(text).tokens()).parse();
  } catch (const Refused& r) {
    out.error = "filtre CQL2 : " + r.message;
  }
  return out;
}

Parsed parse_json(std::string_view text) {
  Parsed out;
  if (auto why = unreadable(text)) {
    out.error = "filtre CQL2 (JSON) : " + *why;
    return out;
  }
  try {
    json j = terrier::parse_json(text);
    out.filter = JsonParser().node(j);
  } catch (const Refused& r) {
    out.error = "filtre CQL2 (JSON) : " + r.message;
  } catch (const JsonTooDeep&) {
    out.error = fmt::format("filtre CQL2 (JSON) : imbriqué sur plus de {} niveaux", kMaxJsonDepth);
  } catch (const json::parse_error& e) {
    out.error = fmt::format("filtre CQL2 (JSON) : ce n'est pas du JSON (octet {})", e.byte);
  } catch (const json::exception&) {
    out.error = "filtre CQL2 (JSON) : ce n'est pas du JSON";
  }
  return out;
}

}  // namespace terrier::db::cql2
