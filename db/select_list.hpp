#pragma once

// A SELECT list written once, each expression with its name, so that a
// reader finds a column by name (looked up once per query, not per row)
// rather than by counting: adding a column cannot shift another.

#include <fmt/core.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace terrier::db {

struct SelectColumn {
  const char* name;
  const char* expression;  // SQL, written in the code, never from input
};

class SelectList {
 public:
  SelectList(std::initializer_list<SelectColumn> columns) : columns_(columns) {}

  // "expression AS name, ..." for a SELECT.
  std::string sql() const {
    std::string out;
    for (const auto& c : columns_) {
      if (!out.empty()) out += ", ";
      out += fmt::format("{} AS {}", c.expression, c.name);
    }
    return out;
  }
  std::size_t size() const { return columns_.size(); }
  // The same list without column `name` (a reader that needs less).
  SelectList without(std::string_view name) const {
    SelectList out{};
    for (const auto& c : columns_) {
      if (name != c.name) out.columns_.push_back(c);
    }
    return out;
  }
  // The position of column `name`; DbError for a name the list lacks.
  std::size_t operator[](std::string_view name) const {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (name == columns_[i].name) return i;
    }
    throw DbError(fmt::format("no column '{}' in this SELECT", name));
  }

 private:
  std::vector<SelectColumn> columns_;
};

}  // namespace terrier::db
