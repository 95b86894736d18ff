#pragma once

// The one matching service the command line and the API share: it reads
// needs and opportunities through db::MatchStore, ranks them with the
// engine (matching/, which knows no database), stores what is to be stored,
// and assigns buildings over a territory. `terrier match` (every mode,
// --all included) and the API's matches and /api/assignment go through it.
// It sits above db/ and matching/, beside the API's handlers.

#include <future>
#include <optional>
#include <string>
#include <vector>

#include "db/match_store.hpp"
#include "matching/engine.hpp"
#include "matching/model.hpp"

namespace terrier::api {

using matching::Match;
using matching::MatchConfig;
using matching::MatchEngine;
using matching::Need;
using matching::Opportunity;

class MatchService {
 public:
  MatchService(db::MatchStore& store, MatchConfig config)
      : store_(store), config_(std::move(config)) {}

  // One building per collective over a territory (best total score), among
  // the available opportunities whose visibility is in `visibilities`
  // (empty: all) and the active needs whose area meets the territory.
  std::vector<Match> assignment(const std::optional<std::string>& territory,
                                const std::vector<std::string>& visibilities);

  // A need ranked against every available opportunity; its top k
  // (configuration) stored. Returns all of the need's matches, best first;
  // nullopt when there is no such need.
  std::optional<std::vector<Match>> rank_need(long long need_id);

  // The needs an opportunity touches (its area holds it, or it was among
  // their matches) ranked again and stored; returns the needs it fits best,
  // at most `limit` (0: the configured k). nullopt when there is no such
  // opportunity; an empty list when it is not available.
  std::optional<std::vector<Match>> rank_opportunity(long long opportunity_id, std::size_t limit);

  // Every active need ranked against every available opportunity and the
  // top k of each stored, in one transaction (all or nothing). `needs`
  // yields the active needs: read elsewhere (on a second connection) while
  // the opportunities stream in on the store's. Ids only, no titles.
  struct RankedAll {
    std::size_t needs = 0, matches = 0;
  };
  RankedAll rank_all(std::future<std::vector<Need>> needs);

  // Titles of the opportunities and names of the needs last read, for
  // printing.
  const std::vector<Opportunity>& opportunities() const { return engine_->opportunities(); }
  const std::vector<Need>& needs() const { return needs_; }

 private:
  MatchEngine& load(std::vector<Opportunity> opportunities);

  db::MatchStore& store_;
  MatchConfig config_;
  std::optional<MatchEngine> engine_;
  std::vector<Need> needs_;
};

}  // namespace terrier::api
