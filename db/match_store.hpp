#pragma once

// The matching module's data access: needs and opportunities as the engine
// sees them, and the matches table, whose statuses people set and the
// engine never overwrites.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "matching/model.hpp"

namespace terrier::db {

// When a save writes many new pairs (a first `match --all`), the matches'
// foreign keys are set aside and validated by one join each: checked row by
// row they cost 2.6 s of the 87,603 pairs' 3.6 s insert (docs/benchmarks.md).
// Only if the tables can be locked within `lock_wait`; otherwise, and for
// fewer pairs, each row is checked as it is written.
struct BulkMatchOptions {
  std::size_t from_new_pairs = 20'000;
  std::chrono::milliseconds lock_wait{1000};
};

class MatchStore {
 public:
  explicit MatchStore(pqxx::connection_base& conn, BulkMatchOptions bulk = {})
      : conn_(conn), bulk_(bulk) {}

  // Opportunities that may be matched ("disponible"), optionally inside a
  // territory (circle, EPCI, commune or département slug).
  std::vector<matching::Opportunity> available_opportunities(
      const std::optional<std::string>& territory = std::nullopt);
  // All of them without their titles, in no order: what ranking every need
  // reads of a million rows.
  std::vector<matching::Opportunity> available_opportunities_for_ranking();
  std::optional<matching::Opportunity> opportunity(long long id);
  // Active needs, optionally those whose area meets a territory.
  std::vector<matching::Need> active_needs(
      const std::optional<std::string>& territory = std::nullopt);
  std::optional<matching::Need> need(long long id);
  // Needs that have a match row with this opportunity.
  std::vector<long long> needs_matched_to(long long opportunity_id);
  bool territory_exists(const std::string& slug);

  // Stores a need's current top matches: new pairs are proposed, known pairs
  // get their new score and reasons and keep their status; pairs that are no
  // longer in the list are kept, marked still_valid = false.
  void save_need_matches(long long need_id, const std::vector<matching::Match>& matches);
  // The same for many needs, in one transaction (one commit, not one per
  // need): all or nothing, the bulk path (BulkMatchOptions) included.
  void save_matches(const std::vector<std::pair<long long, std::vector<matching::Match>>>& by_need);

  // Sets a match's status (proposé, contacté, visite, accord, refusé).
  // Only matches whose opportunity has one of `visibilities`.
  void set_status(long long match_id, const std::string& status, const std::string& who,
                  const std::vector<std::string>& visibilities);

 private:
  pqxx::connection_base& conn_;
  BulkMatchOptions bulk_;
};

}  // namespace terrier::db
