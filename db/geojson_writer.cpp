#include "db/geojson_writer.hpp"

#include <pqxx/field>

namespace terrier::db {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run of characters that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

void append_json_text_array(std::string& out, std::string_view literal) {
  out += '[';
  // Past the opening brace; PostgreSQL writes no dimensions for arrays
  // starting at 1, which ours all do.
  std::size_t i = literal.find('{');
  i = i == std::string_view::npos ? literal.size() : i + 1;
  bool first = true;
  std::string element;
  while (i < literal.size() && literal[i] != '}') {
    if (!first) out += ',';
    first = false;
    if (literal[i] == '"') {
      element.clear();
      for (++i; i < literal.size() && literal[i] != '"'; ++i) {
        if (literal[i] == '\\' && i + 1 < literal.size()) ++i;
        element += literal[i];
      }
      ++i;  // the closing quote
      append_json_string(out, element);
    } else {
      std::size_t end = literal.find_first_of(",}", i);
      if (end == std::string_view::npos) end = literal.size();
      std::string_view bare = literal.substr(i, end - i);
      // Unquoted NULL is the null element; a string "NULL" comes quoted.
      if (bare == "NULL") {
        out += "null";
      } else {
        append_json_string(out, bare);
      }
      i = end;
    }
    if (i < literal.size() && literal[i] == ',') ++i;
  }
  out += ']';
}

void append_json_value(std::string& out, JsonKind kind, const pqxx::field& f) {
  if (f.is_null()) {
    out += "null";
    return;
  }
  std::string_view text(f.c_str(), f.size());
  switch (kind) {
    case JsonKind::string:
      append_json_string(out, text);
      break;
    case JsonKind::number:
      // What to_jsonb does with the numbers JSON has no word for.
      if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
        append_json_string(out, text);
      } else {
        out += text;
      }
      break;
    case JsonKind::boolean:
      out += text == "t" ? "true" : "false";
      break;
    case JsonKind::text_array:
      append_json_text_array(out, text);
      break;
    case JsonKind::json:
      out += text;
      break;
  }
}

void append_feature(std::string& out, const FeatureColumns& layout, const pqxx::row& row,
                    pqxx::row::size_type first) {
  // The columns through one iterator, which is itself the field it points
  // at: row[i] builds a field that holds a copy of the result (an atomic
  // reference count), 2.5 % of the benchmark's samples for 11,000 fields a
  // page (perf, docs/benchmarks.md).
  auto column = row.begin() + first;
  const pqxx::field* f = column.operator->();
  out += R"({"type":"Feature","id":)";
  append_json_value(out, layout.id_kind, *f);
  ++column;
  out += R"(,"geometry":)";
  append_json_value(out, JsonKind::json, *f);
  ++column;
  out += R"(,"properties":{)";
  for (std::size_t i = 0; i < layout.names.size(); ++i, ++column) {
    if (i) out += ',';
    append_json_string(out, layout.names[i]);
    out += ':';
    append_json_value(out, layout.kinds[i], *f);
  }
  out += "}}";
}

}  // namespace terrier::db
