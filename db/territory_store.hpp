#pragma once

// Territories and circles: boundary files merged into territories (by
// level and code), circles and their members (communes or EPCIs), the
// circles' outlines, and each place's circle. Works in its
// ImportTransaction.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "db/import_transaction.hpp"
#include "db/staging_store.hpp"

namespace terrier::db {

struct TerritoryRow {
  std::size_t position = 0;
  std::string code, name, slug, ewkb_hex;
  std::vector<std::string> postcodes;
  std::optional<long long> population;
  std::optional<std::string> parent_code;
  std::string attributes_json;
};

// One row of a circle file: the circle (slug, name) and one member's code.
struct CircleMember {
  std::size_t position;
  std::string slug, name, member_code;
};

class TerritoryStore {
 public:
  explicit TerritoryStore(ImportTransaction& tx) : tx_(tx) {}

  MergeCounts merge_territories(const std::string& level, const std::string& source,
                                const std::vector<TerritoryRow>& rows);
  // The positions of members whose code is no known commune or EPCI.
  std::vector<std::size_t> unknown_circle_members(const std::vector<CircleMember>& members);
  // Upserts each circle and replaces the membership of the circles named in
  // the file (members missing from it are removed only with `sync`);
  // recomputes their outlines and the places' circles.
  MergeCounts merge_circles(const std::string& source, const std::vector<CircleMember>& members,
                            bool sync);
  // After a merge of places or circles: the circle of every place, from its
  // location.
  void assign_place_circles();

 private:
  ImportTransaction& tx_;
};

}  // namespace terrier::db
