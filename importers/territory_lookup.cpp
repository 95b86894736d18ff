#include "importers/territory_lookup.hpp"

#include <fmt/core.h>

#include "core/text.hpp"

namespace terrier::importers {
namespace {

std::string name_key(const std::string& s) {
  return text::slugify(s);
}

}  // namespace

TerritoryLookup::TerritoryLookup(std::vector<db::TerritoryKey> keys) : keys_(std::move(keys)) {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    by_slug_.emplace(keys_[i].slug, i);
    by_code_.emplace(text::fold(keys_[i].code), i);
    by_name_.emplace(name_key(keys_[i].name), i);
  }
}

std::variant<long long, Reason> TerritoryLookup::find(const std::string& text) const {
  std::string given = text::trim(text);
  // A slug first: circles own the short ones ("somme" is the circle, the
  // département is "somme-80").
  if (auto it = by_slug_.find(text::slugify(given)); it != by_slug_.end())
    return keys_[it->second].id;
  for (const auto* index : {&by_code_, &by_name_}) {
    std::string key = index == &by_code_ ? text::fold(given) : name_key(given);
    auto [begin, end] = index->equal_range(key);
    if (begin == end) continue;
    if (std::next(begin) == end) return keys_[begin->second].id;
    std::string list;
    for (auto it = begin; it != end; ++it) {
      list += (list.empty() ? "" : ", ") + keys_[it->second].level + " " + keys_[it->second].slug;
    }
    return Reason{ReasonCode::several_territories, {list}};
  }
  return Reason{ReasonCode::unknown_territory};
}

}  // namespace terrier::importers
