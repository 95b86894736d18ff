#pragma once

// The rows of a query read through COPY (query) TO STDOUT, in text format,
// one at a time: a million rows without a PGresult that holds them all.

#include <fmt/core.h>

#include <charconv>
#include <optional>
#include <pqxx/stream_from>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace terrier::db {

class CopyReader {
 public:
  // query: a SELECT of `columns` columns.
  CopyReader(pqxx::transaction_base& t, const std::string& query, std::size_t columns);
  CopyReader(const CopyReader&) = delete;
  CopyReader& operator=(const CopyReader&) = delete;

  // The next row; false at the end, when the COPY is complete.
  bool next();

  // Column i of the row: text unescaped, numbers as PostgreSQL wrote them;
  // nullopt for NULL. A column that is not a number throws DbError.
  std::optional<std::string> text(std::size_t i) const;
  template <typename T>
  std::optional<T> number(std::size_t i) const {
    std::string_view raw = fields_.at(i);
    if (raw == "\\N") return std::nullopt;
    T v{};
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
    if (ec != std::errc() || end != raw.data() + raw.size()) {
      throw DbError(fmt::format("COPY column {}: '{}' is not a number", i + 1, raw));
    }
    return v;
  }
  bool boolean(std::size_t i) const { return fields_.at(i) == "t"; }

 private:
  pqxx::stream_from copy_;
  std::size_t columns_;
  std::string line_;
  std::vector<std::string_view> fields_;
};

}  // namespace terrier::db
