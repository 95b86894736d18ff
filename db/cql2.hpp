#pragma once

// CQL2 filters (OGC API – Features Part 3, the `filter` parameter): the text
// encoding (cql2-text) and the JSON one (cql2-json) parsed into one tree,
// before any database work. What is parsed: AND, OR, NOT, parentheses,
// comparisons (= <> < <= > >=), LIKE, IN, BETWEEN, IS [NOT] NULL, CASEI,
// ACCENTI, string, number, boolean, DATE and TIMESTAMP literals, and
// S_INTERSECTS with POINT, LINESTRING, POLYGON or BBOX in CRS84. Whether
// the properties exist, may be read by the caller and have the literals'
// types is db/cql2_sql's business: the parser knows no collection.
//
// A recursive descent, bounded: the text's length, the nesting depth and
// the number of values, so that a hostile filter costs little and never
// overflows the stack (fuzz/fuzz_cql2.cpp).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace terrier::db::cql2 {

enum class NodeKind {
  logical_and,  // args: two conditions
  logical_or,
  logical_not,   // args: one condition
  comparison,    // text: "=", "<>", "<", "<=", ">", ">="; args: two operands
  like,          // args: the operand, the pattern
  in,            // args: the operand, then the list's values
  between,       // args: the operand, the low and high bounds
  is_null,       // args: one operand
  s_intersects,  // args: two geometries
  property,      // text: its name
  string_literal,
  number_literal,     // text: the number as written (a validated decimal)
  boolean_literal,    // text: "true" or "false"
  date_literal,       // text: YYYY-MM-DD, a real day
  timestamp_literal,  // text: RFC 3339, a real instant
  geometry_literal,   // text: its WKT, rewritten from the parsed numbers
  casei,              // args: one string operand
  accenti,            // args: one string operand
};

struct Node {
  NodeKind kind = NodeKind::boolean_literal;
  std::string text;
  std::vector<Node> args;
  std::size_t position = 0;  // the character it starts at in cql2-text (1 = first), 0 in JSON
};

// A filter's tree, or why it was refused (French, naming the position or
// the token).
struct Parsed {
  std::optional<Node> filter;
  std::string error;
};

inline constexpr std::size_t kMaxFilterBytes = 16384;
inline constexpr int kMaxDepth = 40;             // nested conditions and functions
inline constexpr std::size_t kMaxValues = 2000;  // literals, list values and coordinates

Parsed parse_text(std::string_view text);
Parsed parse_json(std::string_view text);

// At most `max_bytes` of a UTF-8 text, cut on a character's boundary: what
// a refusal quotes of the client's text.
std::string clip(std::string_view text, std::size_t max_bytes);

}  // namespace terrier::db::cql2
