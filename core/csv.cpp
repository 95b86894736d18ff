#include "core/csv.hpp"

namespace terrier::csv {

bool looks_like_formula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

std::string neutralise(std::string_view text) {
  std::string out;
  if (looks_like_formula(text)) out += '\'';
  out += text;
  return out;
}

std::string unneutralise(std::string text) {
  if (text.size() > 1 && text.front() == '\'' &&
      looks_like_formula(std::string_view(text).substr(1))) {
    text.erase(0, 1);
  }
  return text;
}

std::string quoted_cell(std::string_view text) {
  std::string out = "\"";
  for (char c : neutralise(text)) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace terrier::csv
