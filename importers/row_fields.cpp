#include "importers/row_fields.hpp"

#include <fmt/core.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace terrier::importers {

RowFields::RowFields(const Mapping& mapping, const std::vector<std::string>& header,
                     const SourceRecord& record, std::vector<RowIssue>& issues)
    : mapping_(mapping), header_(header), record_(record), issues_(issues) {}

std::string RowFields::column_name(const char* field) const {
  auto col = mapping_.column(field);
  return col ? header_[*col] : std::string(field);
}

std::optional<std::string> RowFields::text(const char* field) const {
  std::optional<std::string> raw;
  if (auto col = mapping_.column(field); col && *col < record_.fields.size()) {
    raw = record_.fields[*col];
  }
  if (!raw || text::trim(*raw).empty()) raw = mapping_.constant(field);
  if (!raw) return std::nullopt;
  std::string v = mapping_.translate(field, text::trim(*raw));
  if (v.empty()) return std::nullopt;
  return v;
}

std::optional<std::string> RowFields::required_text(const char* field) {
  auto v = text(field);
  if (!v) reject(field, "", "this field is required");
  return v;
}

std::optional<double> RowFields::number(const char* field, double minimum, bool exclusive,
                                        double maximum) {
  auto raw = text(field);
  if (!raw) return std::nullopt;
  auto p = parse_number(*raw);
  if (!p.ok()) {
    reject(field, *raw, p.error);
    return std::nullopt;
  }
  if (!p.value) return std::nullopt;
  double v = *p.value;
  if (exclusive ? v <= minimum : v < minimum) {
    reject(field, *raw,
           exclusive ? fmt::format("must be greater than {}", minimum)
                     : fmt::format("must be at least {}", minimum));
    return std::nullopt;
  }
  if (v >= maximum) {
    reject(field, *raw, fmt::format("is implausibly large (limit {:g})", maximum));
    return std::nullopt;
  }
  return v;
}

std::optional<Date> RowFields::date(const char* field) {
  auto raw = text(field);
  if (!raw) return std::nullopt;
  auto p = parse_date(*raw);
  if (!p.ok()) reject(field, *raw, p.error);
  return p.value;
}

std::optional<bool> RowFields::boolean(const char* field) {
  auto raw = text(field);
  if (!raw) return std::nullopt;
  auto p = parse_bool(*raw);
  if (!p.ok()) reject(field, *raw, p.error);
  return p.value;
}

std::optional<std::string> RowFields::term(const char* field, const Vocabulary& vocabulary) {
  auto raw = text(field);
  if (!raw) return std::nullopt;
  auto p = vocabulary.parse(*raw);
  if (!p.ok()) reject(field, *raw, p.error);
  return p.value;
}

std::vector<std::string> RowFields::terms(const char* field, const Vocabulary& vocabulary) {
  auto raw = text(field);
  if (!raw) return {};
  auto p = vocabulary.parse_list(*raw);
  if (!p.ok()) {
    reject(field, *raw, p.error);
    return {};
  }
  return p.value.value_or(std::vector<std::string>{});
}

void RowFields::reject(const char* field, const std::string& value, const std::string& reason) {
  rejected_ = true;
  issues_.push_back({RowIssue::Kind::rejected, record_.position, column_name(field), value, reason});
}

void RowFields::warn(const char* field, const std::string& value, const std::string& reason) {
  issues_.push_back({RowIssue::Kind::warning, record_.position, column_name(field), value, reason});
}

std::string RowFields::attributes_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t col : mapping_.unmapped_columns()) {
    if (col < record_.fields.size() && record_.fields[col]) {
      std::string v = text::trim(*record_.fields[col]);
      if (!v.empty()) j[header_[col]] = v;
    }
  }
  return j.dump();
}

std::string sql_number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{}", v);
}

}  // namespace terrier::importers
