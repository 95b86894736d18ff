#include "importers/row_fields.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace terrier::importers {

const char* issue_kind_name(RowIssue::Kind kind) {
  switch (kind) {
    case RowIssue::Kind::rejected:
      return "rejected";
    case RowIssue::Kind::warning:
      return "warning";
    case RowIssue::Kind::flagged:
      return "flagged";
    case RowIssue::Kind::conflict:
      return "conflict";
  }
  return "rejected";
}
namespace {

// Fields whose values are yes/no: "x" there means yes, not "unknown".
bool is_boolean_field(std::string_view field) {
  return field == "source_checked";
}

// A number in scientific notation ("1e308", "-2.5E+20").
bool is_scientific(const std::string& v) {
  std::size_t e = v.find_first_of("eE");
  if (e == std::string::npos || e == 0 || e + 1 >= v.size()) return false;
  std::size_t i = (v[0] == '-' || v[0] == '+') ? 1 : 0;
  bool digits = false;
  for (; i < e; ++i) {
    if (std::isdigit(static_cast<unsigned char>(v[i]))) {
      digits = true;
    } else if (v[i] != '.' && v[i] != ',') {
      return false;
    }
  }
  std::size_t k = e + 1;
  if (v[k] == '-' || v[k] == '+') ++k;
  if (k >= v.size()) return false;
  for (; k < v.size(); ++k) {
    if (!std::isdigit(static_cast<unsigned char>(v[k]))) return false;
  }
  return digits;
}

}  // namespace

void FileConventions::decide() {
  decided = true;
  mark = comma_seen == point_seen ? DecimalMark::unknown
                                  : (comma_seen ? DecimalMark::comma : DecimalMark::point);
}

FileConventions conventions_of(const RecordSource& source) {
  FileConventions out;
  out.spreadsheet = source.spreadsheet();
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  out.today = Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
  return out;
}

RowFields::RowFields(const Mapping& mapping, const std::vector<std::string>& header,
                     const SourceRecord& record, std::vector<RowIssue>& issues,
                     FileConventions* conventions)
    : mapping_(mapping),
      header_(header),
      record_(record),
      issues_(issues),
      conventions_(conventions) {
  check_other_columns();
}

// A column that feeds no field is kept as text; a number there that no
// field could hold (1e308, 1e999) is a broken cell or an export gone wrong,
// and loading the row as if nothing happened would hide it: the row is
// refused. Plain digits (references, SIRET codes) are text and kept.
void RowFields::check_other_columns() {
  for (std::size_t col : mapping_.unmapped_columns()) {
    if (col >= record_.fields.size() || !record_.fields[col]) continue;
    std::string v = text::trim(*record_.fields[col]);
    if (!is_scientific(v)) continue;
    std::string dotted = v;
    std::replace(dotted.begin(), dotted.end(), ',', '.');
    double d = std::strtod(dotted.c_str(), nullptr);
    if (!std::isfinite(d) || std::fabs(d) >= 1e15) {
      rejected_ = true;
      issues_.push_back({RowIssue::Kind::rejected,
                         record_.position,
                         header_[col],
                         v,
                         {ReasonCode::impossible_number_in_free_column}});
    }
  }
}

std::string RowFields::column_name(const char* field) const {
  auto col = mapping_.column(field);
  return col ? header_[*col] : std::string(field);
}

void RowFields::place_at(double lon, double lat) {
  placed_["lon"] = fmt::format("{:.6f}", lon);
  placed_["lat"] = fmt::format("{:.6f}", lat);
  placed_["location_precision"] = "adresse";
}

std::optional<std::string> RowFields::raw_text(const char* field) const {
  if (auto p = placed_.find(field); p != placed_.end()) return p->second;
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

std::optional<std::string> RowFields::text(const char* field) const {
  auto v = raw_text(field);
  if (!v || is_boolean_field(field) || !is_placeholder(*v)) return v;
  if (placeholders_.emplace(field, *v).second) {
    issues_.push_back({RowIssue::Kind::warning,
                       record_.position,
                       column_name(field),
                       *v,
                       {ReasonCode::placeholder_read_as_unknown}});
  }
  return std::nullopt;
}

void RowFields::reject_missing(const char* field) {
  auto it = placeholders_.find(field);
  if (it == placeholders_.end()) {
    reject(field, "", {ReasonCode::required});
    return;
  }
  // The warning said "read as unknown": the refusal replaces it.
  std::string column = column_name(field);
  auto warning = std::find_if(issues_.begin(), issues_.end(), [&](const RowIssue& i) {
    return i.kind == RowIssue::Kind::warning && i.position == record_.position &&
           i.column == column;
  });
  if (warning != issues_.end()) issues_.erase(warning);
  reject(field, it->second, {ReasonCode::placeholder_but_required});
}

std::optional<std::string> RowFields::required_text(const char* field) {
  auto v = text(field);
  if (!v) reject_missing(field);
  return v;
}

std::optional<double> RowFields::number(const char* field, double minimum, bool exclusive,
                                        double maximum) {
  auto raw = text(field);
  if (!raw) return std::nullopt;
  DecimalMark mark = conventions_ ? conventions_->mark : DecimalMark::point;
  if (conventions_ && !conventions_->decided) {
    DecimalMark seen = decimal_mark_of(*raw);
    conventions_->comma_seen = conventions_->comma_seen || seen == DecimalMark::comma;
    conventions_->point_seen = conventions_->point_seen || seen == DecimalMark::point;
  }
  Quantity q = parse_quantity(*raw, mark);
  if (q.ambiguous && conventions_ && !conventions_->decided) {
    needs_convention_ = true;  // read again once the whole file is seen
    return std::nullopt;
  }
  if (!q.ok()) {
    reject(field, *raw, *q.error);
    return std::nullopt;
  }
  if (!q.value) return std::nullopt;
  double v = *q.value;
  if (exclusive ? v <= minimum : v < minimum) {
    reject(field, *raw,
           {exclusive ? ReasonCode::greater_than : ReasonCode::at_least, {sql_number(minimum)}});
    return std::nullopt;
  }
  if (v >= maximum) {
    reject(field, *raw, {ReasonCode::implausibly_large, {sql_number(maximum)}});
    return std::nullopt;
  }
  if (q.approximate) annotate("approximate", field, *raw);
  return v;
}

Range RowFields::range(const char* field) {
  auto raw = text(field);
  if (!raw) return {};
  DecimalMark mark = conventions_ ? conventions_->mark : DecimalMark::point;
  Range r = parse_range(*raw, mark);
  if (r.ambiguous && conventions_ && !conventions_->decided) {
    needs_convention_ = true;
    return {};
  }
  if (!r.ok()) {
    reject(field, *raw, *r.error);
    return {};
  }
  for (const auto& v : {r.min, r.max, r.ideal}) {
    if (v && (*v <= 0 || *v >= 1e9)) {
      reject(field, *raw, {ReasonCode::surface_out_of_bounds});
      return {};
    }
  }
  if (r.approximate) annotate("approximate", field, *raw);
  return r;
}

std::optional<Date> RowFields::date(const char* field) {
  auto raw = text(field);
  if (!raw) return std::nullopt;
  bool spreadsheet = conventions_ && conventions_->spreadsheet;
  Date today = conventions_ ? conventions_->today : Date{};
  FuzzyDate d = parse_fuzzy_date(*raw, spreadsheet, today);
  if (d.precision == DatePrecision::immediate && !conventions_) {
    reject(field, *raw, {ReasonCode::give_a_date});
    return std::nullopt;
  }
  if (!d.ok()) {
    reject(field, *raw, *d.error);
    return std::nullopt;
  }
  if (d.precision != DatePrecision::day) annotate("precision", field, precision_name(d.precision));
  if (d.precision == DatePrecision::immediate) immediate_.insert(field);
  if (d.excel_serial) annotate("excel_serial", field, *raw);
  return d.date;
}

std::optional<bool> RowFields::boolean(const char* field) {
  auto raw = text(field);
  if (!raw) return std::nullopt;
  auto p = parse_bool(*raw);
  if (!p.ok()) reject(field, *raw, *p.error);
  return p.value;
}

std::optional<std::string> RowFields::term(const char* field, const Vocabulary& vocabulary) {
  auto raw = text(field);
  if (!raw) return std::nullopt;
  auto p = vocabulary.parse(*raw);
  if (!p.ok()) reject(field, *raw, *p.error);
  return p.value;
}

std::vector<std::string> RowFields::terms(const char* field, const Vocabulary& vocabulary) {
  auto raw = text(field);
  if (!raw) return {};
  auto p = vocabulary.parse_list(*raw);
  if (!p.ok()) {
    reject(field, *raw, *p.error);
    return {};
  }
  return p.value.value_or(std::vector<std::string>{});
}

void RowFields::annotate(const std::string& group, const std::string& field,
                         const std::string& value) {
  notes_[group][field] = value;
}

void RowFields::reject(const char* field, const std::string& value, Reason reason) {
  rejected_ = true;
  issues_.push_back(
      {RowIssue::Kind::rejected, record_.position, column_name(field), value, std::move(reason)});
}

void RowFields::warn(const char* field, const std::string& value, Reason reason) {
  issues_.push_back(
      {RowIssue::Kind::warning, record_.position, column_name(field), value, std::move(reason)});
}

std::string RowFields::attributes_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t col : mapping_.unmapped_columns()) {
    if (col < record_.fields.size() && record_.fields[col]) {
      std::string v = text::trim(*record_.fields[col]);
      if (!v.empty()) j[header_[col]] = v;
    }
  }
  // What the import read with a caveat: approximate numbers, dates coarser
  // than a day, values converted (annual rents), placeholders.
  for (const auto& [group, fields] : notes_) {
    for (const auto& [field, value] : fields) j[group][field] = value;
  }
  for (const auto& [field, value] : placeholders_) j["unknown"][field] = value;
  return j.dump();
}

std::string sql_number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{}", v);
}

}  // namespace terrier::importers
