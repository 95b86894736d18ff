#pragma once

// JSON from outside (request bodies, mapping files) with a bound on nesting:
// a document nested 100,000 deep parses, but dumping or walking it recurses
// and overflows the stack. Everything that parses untrusted JSON goes
// through here.

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace terrier {

constexpr int kMaxJsonDepth = 64;

// Thrown for a document nested deeper than allowed; what() names the byte.
class JsonTooDeep : public std::runtime_error {
 public:
  JsonTooDeep(std::size_t byte, int max_depth);
  std::size_t byte() const { return byte_; }

 private:
  std::size_t byte_;
};

// The byte offset where nesting first exceeds max_depth, if it does. Strings
// (and their escapes) are skipped; the text need not be valid JSON.
std::optional<std::size_t> json_too_deep_at(std::string_view text, int max_depth = kMaxJsonDepth);

// nlohmann::json::parse after the depth check: throws JsonTooDeep, or
// nlohmann::json::parse_error for text that is not JSON.
nlohmann::json parse_json(std::string_view text, int max_depth = kMaxJsonDepth);

}  // namespace terrier
