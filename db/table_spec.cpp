#include "db/table_spec.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "core/error.hpp"

namespace terrier::db {

const StageColumn* TableSpec::find(const std::string& name) const {
  for (const auto* cols : {&columns, &private_columns}) {
    for (const auto& c : *cols) {
      if (c.name == name) return &c;
    }
  }
  return nullptr;
}

bool TableSpec::is_private(const std::string& name) const {
  for (const auto& c : private_columns) {
    if (c.name == name) return true;
  }
  return false;
}

std::size_t TableSpec::index_of(std::string_view name) const {
  std::size_t i = 0;
  for (const auto* cols : {&columns, &private_columns}) {
    for (const auto& c : *cols) {
      if (c.name == name) return i;
      ++i;
    }
  }
  throw std::logic_error(fmt::format("{} has no column '{}'", table, name));
}

std::vector<std::optional<std::string>> ordered_values(const TableSpec& spec, NamedValues values) {
  std::vector<std::optional<std::string>> out;
  out.reserve(spec.width());
  std::vector<bool> used(values.size(), false);
  for (const auto* cols : {&spec.columns, &spec.private_columns}) {
    for (const auto& c : *cols) {
      std::size_t j = 0;
      while (j < values.size() && (used[j] || values[j].column != c.name)) ++j;
      if (j == values.size()) {
        throw std::logic_error(fmt::format("a row of {} lacks column '{}'", spec.table, c.name));
      }
      used[j] = true;
      out.push_back(std::move(values[j].value));
    }
  }
  for (std::size_t j = 0; j < values.size(); ++j) {
    if (!used[j]) {
      throw std::logic_error(
          fmt::format("a row of {} gives '{}', which is not one of its columns (or is given twice)",
                      spec.table, values[j].column));
    }
  }
  return out;
}

std::string edited_entity(const TableSpec& spec) {
  if (spec.table == "opportunities") return "opportunity";
  if (spec.table == "needs") return "need";
  if (spec.table == "places") return "place";
  throw DbError(fmt::format("no page edits are kept for {}", spec.table));
}

}  // namespace terrier::db
