#include "db/copy_reader.hpp"

namespace terrier::db {

// libpqxx 6.4's stream_from puts its "table" after COPY as it is, which makes
// it COPY (query) TO STDOUT (libpqxx 7 names this from_query).
CopyReader::CopyReader(pqxx::transaction_base& t, const std::string& query, std::size_t columns)
    : copy_(t, "(" + query + ")"), columns_(columns) {}

bool CopyReader::next() {
  if (!copy_.get_raw_line(line_)) {
    copy_.complete();
    return false;
  }
  if (!line_.empty() && line_.back() == '\n') line_.pop_back();  // libpqxx 6.4 keeps it
  fields_.clear();
  for (std::size_t start = 0;;) {
    auto tab = line_.find('\t', start);
    fields_.emplace_back(line_.data() + start,
                         (tab == std::string::npos ? line_.size() : tab) - start);
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  if (fields_.size() != columns_) {
    throw DbError(fmt::format("COPY: a row of {} fields, not {}", fields_.size(), columns_));
  }
  return true;
}

std::optional<std::string> CopyReader::text(std::size_t i) const {
  std::string_view raw = fields_.at(i);
  if (raw == "\\N") return std::nullopt;
  std::string out;
  out.reserve(raw.size());
  for (std::size_t k = 0; k < raw.size(); ++k) {
    if (raw[k] != '\\' || k + 1 == raw.size()) {
      out += raw[k];
      continue;
    }
    char c = raw[++k];
    out += c == 't'   ? '\t'
           : c == 'n' ? '\n'
           : c == 'r' ? '\r'
           : c == 'b' ? '\b'
           : c == 'f' ? '\f'
           : c == 'v' ? '\v'
                      : c;
  }
  return out;
}

}  // namespace terrier::db
