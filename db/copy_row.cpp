#include "db/copy_row.hpp"

#include <fmt/core.h>

#include <array>
#include <utility>

#include "core/error.hpp"

namespace terrier::db {
namespace {

// Rows go through std::array of the right size, one writer per width.
using CopyRow = std::vector<const char*>;
using RowWriter = void (*)(pqxx::stream_to&, const CopyRow&);

template <std::size_t... I>
void write_array(pqxx::stream_to& s, const CopyRow& row, std::index_sequence<I...>) {
  s << std::array<const char*, sizeof...(I)>{row[I]...};
}

template <std::size_t N>
void write_row_of(pqxx::stream_to& s, const CopyRow& row) {
  write_array(s, row, std::make_index_sequence<N + 1>{});
}

template <std::size_t... N>
constexpr std::array<RowWriter, sizeof...(N)> make_writers(std::index_sequence<N...>) {
  return {&write_row_of<N>...};
}

constexpr std::size_t kMaxCopyColumns = 40;
constexpr auto kRowWriters = make_writers(std::make_index_sequence<kMaxCopyColumns>{});

}  // namespace

void copy_row(pqxx::stream_to& s, const CopyRow& row) {
  if (row.empty() || row.size() > kMaxCopyColumns) {
    throw DbError(fmt::format("cannot COPY a row of {} columns", row.size()));
  }
  kRowWriters[row.size() - 1](s, row);
}

}  // namespace terrier::db
