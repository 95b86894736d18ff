#pragma once

// Candidate search and ranking. Opportunities and needs' areas sit in GEOS
// STRtrees; a pair is only evaluated when the opportunity's point falls in
// the need's area (geodesic radius, or a prepared polygon), never by scanning
// every pair.

#include <memory>
#include <vector>

#include "matching/model.hpp"

namespace terrier::matching {

// Not thread-safe (one GEOS context, a cache of prepared areas): use one
// engine per thread.
class MatchEngine {
 public:
  MatchEngine(std::vector<Opportunity> opportunities, MatchConfig config);
  ~MatchEngine();
  MatchEngine(const MatchEngine&) = delete;
  MatchEngine& operator=(const MatchEngine&) = delete;

  // Every valid pair of a need, best first.
  std::vector<Match> matches_for_need(const Need& need) const;
  // The k best (config.top_k, or k when given).
  std::vector<Match> top_for_need(const Need& need, std::size_t k = 0) const;
  // The needs an opportunity fits, best first (the foundation's question).
  std::vector<Match> top_for_opportunity(const Opportunity& opp, const std::vector<Need>& needs,
                                         std::size_t k = 0) const;
  // Whether a point is in a need's area.
  bool in_area(const Need& need, double lon, double lat) const;

  const std::vector<Opportunity>& opportunities() const { return opportunities_; }
  const MatchConfig& config() const { return config_; }

 private:
  struct Index;
  std::vector<Opportunity> opportunities_;
  MatchConfig config_;
  std::unique_ptr<Index> index_;
};

// Best first: score, then reliability, then the older id.
void sort_matches(std::vector<Match>& matches);

}  // namespace terrier::matching
