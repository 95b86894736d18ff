#pragma once

// A need's search territory as files name it: a circle, EPCI, commune or
// département by slug ("mel", "lens-62498"), code (INSEE, SIREN, "62") or
// name ("Métropole Européenne de Lille", "Béthune"; accents and case
// ignored).

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "db/reference_store.hpp"
#include "importers/reasons.hpp"

namespace terrier::importers {

class TerritoryLookup {
 public:
  explicit TerritoryLookup(std::vector<db::TerritoryKey> keys);

  // The territory's id, or why none (unknown, or a name several share).
  std::variant<long long, Reason> find(const std::string& text) const;

 private:
  std::vector<db::TerritoryKey> keys_;
  std::map<std::string, std::size_t> by_slug_;
  std::multimap<std::string, std::size_t> by_code_, by_name_;
};

}  // namespace terrier::importers
