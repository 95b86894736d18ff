#pragma once

// A row's version, as the API's ETags and If-Match carry it: the time of its
// last change in microseconds since the epoch (a bigint). The one expression
// of it: every store that reads or checks a version writes version_sql().

#include <string>
#include <string_view>

namespace terrier::db {

// The SQL of the version of `timestamp` (a timestamptz expression, e.g.
// "updated_at" or "r.updated_at").
inline std::string version_sql(std::string_view timestamp) {
  return "(extract(epoch FROM " + std::string(timestamp) + ") * 1000000)::bigint";
}

// A match's version: its last change of status (0 for a match never moved).
inline std::string match_version_sql() {
  return version_sql("coalesce(m.status_changed_at, 'epoch'::timestamptz)");
}

}  // namespace terrier::db
