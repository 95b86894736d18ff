#pragma once

// The reference data an import validates rows against, read in the
// import's transaction: communes and the region's outline (to locate rows),
// territories by slug, code or name, places by reference. Reads only.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/import_transaction.hpp"

namespace terrier::db {

struct CommuneRow {
  std::string insee, name;
  std::vector<std::string> postcodes;
  double lon = 0, lat = 0;  // ST_PointOnSurface
};

// A territory as a need's search area may name it: by slug, code or name.
struct TerritoryKey {
  long long id = 0;
  std::string level, code, slug, name;
};

class ReferenceStore {
 public:
  explicit ReferenceStore(ImportTransaction& tx) : tx_(tx) {}

  std::vector<CommuneRow> communes();
  // The union of the départements grown by margin_m metres, as WKB; nullopt
  // when no département is loaded.
  std::optional<std::string> region_outline_wkb(double margin_m);
  std::map<std::string, long long> territory_ids_by_slug();
  std::vector<TerritoryKey> territory_keys();
  // slug -> "level code" of the territory that holds it.
  std::map<std::string, std::string> territory_slug_owners();
  // A place by its reference, or by "#<id>" (a sheet Terrier wrote, for a
  // place without a reference).
  std::map<std::string, long long> place_ids_by_external_id();

 private:
  ImportTransaction& tx_;
};

}  // namespace terrier::db
