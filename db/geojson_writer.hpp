#pragma once

// GeoJSON features written in C++ from plain columns (issue 21): the items
// pages select each property as a typed column and this writer turns a row
// into a Feature, instead of PostgreSQL building a jsonb object per row and
// printing it. One list of properties (feature_sql::Property) gives both the
// columns and the keys, so the jsonb SQL that exports still use and this
// writer cannot drift apart (tests/db/geojson_writer_test.cpp compares them
// on every collection and role).

#include <pqxx/row>
#include <string>
#include <string_view>
#include <vector>

namespace terrier::db {

// How a column's text becomes a JSON value.
enum class JsonKind {
  string,      // any text, escaped
  number,      // PostgreSQL's text of a number, as is ("NaN" and infinities as strings)
  boolean,     // "t" or "f"
  text_array,  // PostgreSQL's text of a one-dimensional array, as strings
  json,        // JSON text, as is
};

// Appends s as a JSON string (quotes, backslashes and control characters
// escaped; other UTF-8 as is).
void append_json_string(std::string& out, std::string_view s);
// Appends one column's text as a JSON value of `kind`; a NULL column is null.
void append_json_value(std::string& out, JsonKind kind, const pqxx::field& f);
// Appends the elements of a PostgreSQL array literal ("{a,\"b c\",NULL}")
// as a JSON array of strings and nulls.
void append_json_text_array(std::string& out, std::string_view literal);

// The layout of a feature's columns in a row: the id, the geometry (GeoJSON
// text), then one column per property.
struct FeatureColumns {
  JsonKind id_kind = JsonKind::number;
  std::vector<std::string> names;  // properties' keys, in column order
  std::vector<JsonKind> kinds;
};

// Appends the Feature of a row's columns from `first` on.
void append_feature(std::string& out, const FeatureColumns& layout, const pqxx::row& row,
                    pqxx::row::size_type first);

}  // namespace terrier::db
