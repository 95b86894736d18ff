#pragma once

// The LIKE pattern of a text search ("q"), shared by the stores that search
// names and titles: q folded as terrier_fold folds it (core/text), its
// wildcards escaped, between two '%'. A parameter, never SQL text.

#include <string>

#include "core/text.hpp"

namespace terrier::db {

inline std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : text::fold(q)) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace terrier::db
