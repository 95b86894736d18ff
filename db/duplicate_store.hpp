#pragma once

// Probable duplicates among opportunities: after the merge, the rows of
// this import that look like a row already known (same kind, within 50 m,
// similar title or address) get duplicate_of and become flags in the
// report. Reads the import's staging table; works in its ImportTransaction.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "db/import_transaction.hpp"

namespace terrier::db {

// The duplicate search's inputs: how many rows of this import to check,
// among how many located opportunities; each opportunity's kind and point.
struct DuplicateSearchSize {
  long long changed = 0, located = 0;
};
struct DuplicatePoint {
  long long id = 0;
  std::string kind;
  double lon = 0, lat = 0;
  bool changed = false;  // a row of this import, new or changed
};

struct DuplicateFlag {
  std::size_t position;
  std::string other_source, other_external_id, other_title;
  double distance_m;
};

class DuplicateStore {
 public:
  explicit DuplicateStore(ImportTransaction& tx) : tx_(tx) {}

  // Searched row by row (a GiST probe each: right for a few rows).
  std::vector<DuplicateFlag> flag_duplicate_opportunities();
  // The same for a large import, in two steps: every located opportunity's
  // kind and point, read once and paired in memory by the caller
  // (importers/duplicates.hpp), then the pairs' titles compared here.
  DuplicateSearchSize duplicate_search_size();
  std::vector<DuplicatePoint> duplicate_points();
  std::vector<DuplicateFlag> flag_duplicate_pairs(
      const std::vector<std::pair<long long, long long>>& pairs);

 private:
  ImportTransaction& tx_;
};

}  // namespace terrier::db
