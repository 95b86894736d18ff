#pragma once

// A CQL2 filter (db/cql2) and a sortby as SQL over one collection's
// features for one role: every property name looked up in the properties
// the role may read (feature_sql::sql_for's list, the one the features are
// written from), every literal a parameter of the Where, and the operands'
// types checked (a number is not compared with a string). Nothing the
// client wrote reaches the SQL text. Internal to db/ (feature_store.cpp),
// its own header for the tests and the fuzzer.

#include <stdexcept>
#include <string>
#include <vector>

#include "db/cql2.hpp"
#include "db/feature_sql.hpp"

namespace terrier::db::cql2 {

// A filter or an order the role cannot have: French, without the
// parameter's name.
class Untranslatable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The detail of a property that does not exist or that the role may not
// read: the same words for both.
std::string unknown_property(const std::string& name);

// The SQL condition of `filter` over `s`'s properties, its values added to
// `w`. Throws Untranslatable.
std::string condition(const Node& filter, const feature_sql::Sql& s, feature_sql::Where& w);

// ORDER BY's text for the keys, then the id (stable across pages). Throws
// Untranslatable for a property the role may not read or that has no order
// (lists).
std::string sort_order(const std::vector<SortKey>& keys, const feature_sql::Sql& s);

}  // namespace terrier::db::cql2
