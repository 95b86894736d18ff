#pragma once

// Candidate search and ranking. The available opportunities sit in a flat
// grid by kind (matching/point_grid.hpp); a need visits only the cells of its
// area and the kinds it wants, checks the cheap rules (surface, dates) before
// the area (a geodesic radius, or a polygon whose inner cells need no test:
// matching/area_cells.hpp), and ranks on an approximate distance before it
// measures the geodesic of the pairs it keeps. No pair is skipped that the
// rules (matching/rules.hpp) would accept.

#include <memory>
#include <vector>

#include "matching/model.hpp"

namespace terrier::matching {

// The single-need calls are not thread-safe (one GEOS context, a cache of
// prepared areas); top_for_needs runs its own threads.
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
  // top_for_need of every need, in their order, on `threads` threads (0: one
  // per core).
  std::vector<std::vector<Match>> top_for_needs(const std::vector<Need>& needs, std::size_t k = 0,
                                                unsigned threads = 0) const;
  // The needs an opportunity fits, best first (the foundation's question).
  std::vector<Match> top_for_opportunity(const Opportunity& opp, const std::vector<Need>& needs,
                                         std::size_t k = 0) const;
  // Whether a point is in a need's area.
  bool in_area(const Need& need, double lon, double lat) const;

  const std::vector<Opportunity>& opportunities() const { return opportunities_; }
  const MatchConfig& config() const { return config_; }

 private:
  struct Index;
  struct Tester;
  std::vector<Match> top_for_need(const Need& need, std::size_t k, Tester& tester) const;

  std::vector<Opportunity> opportunities_;
  MatchConfig config_;
  std::unique_ptr<Index> index_;
  std::unique_ptr<Tester> tester_;  // the single-need calls' GEOS context
};

// Best first: score, then reliability, then the older id.
void sort_matches(std::vector<Match>& matches);

}  // namespace terrier::matching
