#include "core/json.hpp"

#include <fmt/core.h>

namespace terrier {

JsonTooDeep::JsonTooDeep(std::size_t byte, int max_depth)
    : std::runtime_error(
          fmt::format("du JSON imbriqué sur plus de {} niveaux (octet {})", max_depth, byte)),
      byte_(byte) {}

std::optional<std::size_t> json_too_deep_at(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return i;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return std::nullopt;
}

nlohmann::json parse_json(std::string_view text, int max_depth) {
  if (auto at = json_too_deep_at(text, max_depth)) throw JsonTooDeep(*at, max_depth);
  return nlohmann::json::parse(text);
}

}  // namespace terrier
