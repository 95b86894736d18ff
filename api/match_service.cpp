#include "api/match_service.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "core/log.hpp"
#include "core/vocabulary.hpp"
#include "matching/assignment.hpp"

namespace terrier::api {

using matching::assign;

MatchEngine& MatchService::load(std::vector<Opportunity> opportunities) {
  engine_.reset();
  engine_.emplace(std::move(opportunities), config_);
  return *engine_;
}

std::vector<Match> MatchService::assignment(const std::optional<std::string>& territory,
                                            const std::vector<std::string>& visibilities) {
  std::vector<Opportunity> opportunities;
  for (auto& o : store_.available_opportunities(territory)) {
    if (visibilities.empty() ||
        std::find(visibilities.begin(), visibilities.end(), o.visibility) != visibilities.end()) {
      opportunities.push_back(std::move(o));
    }
  }
  auto& engine = load(std::move(opportunities));
  needs_ = store_.active_needs(territory);
  std::vector<Match> pairs;
  for (const auto& n : needs_) {
    auto all = engine.matches_for_need(n);
    pairs.insert(pairs.end(), all.begin(), all.end());
  }
  return assign(pairs);
}

std::optional<std::vector<Match>> MatchService::rank_need(long long need_id) {
  auto need = store_.need(need_id);
  if (!need) return std::nullopt;
  auto& engine = load(store_.available_opportunities());
  auto ranked = engine.matches_for_need(*need);
  // Rank once: store the configured top k.
  std::vector<Match> stored(ranked.begin(),
                            ranked.begin() + std::min(ranked.size(), config_.top_k));
  store_.save_need_matches(need->id, stored);
  needs_ = {*need};
  return ranked;
}

std::optional<std::vector<Match>> MatchService::rank_opportunity(long long opportunity_id,
                                                                 std::size_t limit) {
  auto opp = store_.opportunity(opportunity_id);
  if (!opp) return std::nullopt;
  auto& engine = load(store_.available_opportunities());
  needs_ = store_.active_needs();
  // Recompute only the needs this opportunity touches: those whose area
  // holds it, and those that had it among their matches.
  std::set<long long> touched;
  for (long long id : store_.needs_matched_to(opp->id)) touched.insert(id);
  for (const auto& n : needs_) {
    if (engine.in_area(n, opp->lon, opp->lat)) touched.insert(n.id);
  }
  for (const auto& n : needs_) {
    if (touched.count(n.id)) store_.save_need_matches(n.id, engine.top_for_need(n));
  }
  if (opp->status != vocabulary::kAvailable) return std::vector<Match>{};
  return engine.top_for_opportunity(*opp, needs_, limit);
}

MatchService::RankedAll MatchService::rank_all(std::future<std::vector<Need>> needs) {
  // The phases' times go to the debug log (scripts/bench reads them).
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  auto& engine = load(store_.available_opportunities_for_ranking());
  log::debug("match: {} available opportunities indexed at {:.2f} s", engine.opportunities().size(),
             seconds());
  needs_ = needs.get();
  log::debug("match: {} active needs loaded at {:.2f} s", needs_.size(), seconds());
  auto ranked = engine.top_for_needs(needs_);
  log::debug("match: needs ranked at {:.2f} s", seconds());
  RankedAll result{needs_.size(), 0};
  std::vector<std::pair<long long, std::vector<Match>>> tops;
  tops.reserve(needs_.size());
  for (std::size_t i = 0; i < needs_.size(); ++i) {
    result.matches += ranked[i].size();
    tops.emplace_back(needs_[i].id, std::move(ranked[i]));
  }
  store_.save_matches(tops);  // one transaction: all or nothing
  log::debug("match: matches saved at {:.2f} s", seconds());
  return result;
}

}  // namespace terrier::api
