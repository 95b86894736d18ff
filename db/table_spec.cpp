#include "db/table_spec.hpp"

#include <fmt/core.h>

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

std::string edited_entity(const TableSpec& spec) {
  if (spec.table == "opportunities") return "opportunity";
  if (spec.table == "needs") return "need";
  if (spec.table == "places") return "place";
  throw DbError(fmt::format("no page edits are kept for {}", spec.table));
}

}  // namespace terrier::db
