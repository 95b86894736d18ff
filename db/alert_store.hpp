#pragma once

// Alerts in the database: people's saved searches and the feeds of a need's
// new matches (sql/013), the opportunities that changed since a moment for a
// role and filters, and what each e-mail digest sent. A feed's secret is
// stored as its SHA-256 and looked up by it; an account that is disabled, or
// reset and not yet signed in again, owns no feed and gets no digest. Each
// writing function runs in its own transaction and writes its audit_log row
// in it.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/roles.hpp"
#include "db/connection.hpp"
#include "db/feature_store.hpp"

namespace terrier::db {

struct SavedSearch {
  long long id = 0;
  std::string name;
  std::string query;  // the page's query string, without '?'
  bool email = false;
  std::string created_at;  // ISO 8601, UTC
  std::string seen_at;
};

struct SearchChange {
  std::optional<std::string> name;
  std::optional<std::string> query;
  std::optional<bool> email;
};

// A new saved search, or a renewed feed: the secret of its feed, shown once.
struct FeedSecret {
  long long id = 0;
  std::string secret;  // 64 hex digits
};

// The person a feed or a digest acts for: what they may read is what their
// account may read today.
struct AlertOwner {
  long long user_id = 0;
  std::string email;
  std::string name;
  Role role = Role::member;
  std::optional<std::string> circle;  // slug
};

// What a feed's secret names.
struct Feed {
  AlertOwner owner;
  std::optional<SavedSearch> search;
  // A need's feed: the need and the score its matches reach at least.
  long long need_id = 0;
  double min_score = 0;
  std::string need_name;
};

// An opportunity that changed (or appeared), as the role reads it.
struct AlertItem {
  long long id = 0;
  std::string changed_at;              // ISO 8601 with microseconds, UTC
  std::vector<std::string> changes;    // status, rent_eur_month, …; empty: new
  nlohmann::json properties;           // what the role reads, as the items give them
  std::optional<std::string> commune;  // the commune's name, when known
  // A need's feed: the match.
  std::optional<long long> match_id;
  std::optional<double> score;
};

FeedSecret create_search(pqxx::connection_base& conn, long long user_id, const std::string& name,
                         const std::string& query, bool email);
std::vector<SavedSearch> list_searches(pqxx::connection_base& conn, long long user_id);
// The person's own search, if it exists.
std::optional<SavedSearch> find_search(pqxx::connection_base& conn, long long user_id,
                                       long long id);
// False when the person has no such search.
bool update_search(pqxx::connection_base& conn, long long user_id, long long id,
                   const SearchChange& change);
bool delete_search(pqxx::connection_base& conn, long long user_id, long long id);
// A new secret for the search's feed; the old address stops answering.
std::optional<FeedSecret> renew_search_feed(pqxx::connection_base& conn, long long user_id,
                                            long long id);
// The counter starts again from now.
bool mark_search_seen(pqxx::connection_base& conn, long long user_id, long long id);

FeedSecret create_need_feed(pqxx::connection_base& conn, long long user_id, long long need_id,
                            double min_score);

// The feed a secret names, if its owner's account is active.
std::optional<Feed> find_feed(pqxx::connection_base& conn, const std::string& secret);

// The opportunities `role` may read that fit `filters` and changed after
// `since` (every one without it), the latest first, at most `limit`.
std::vector<AlertItem> changed_opportunities(pqxx::connection_base& conn, Role role,
                                             const FeatureFilters& filters, int reverify_months,
                                             const std::optional<std::string>& since,
                                             std::size_t limit);
long long count_changed_opportunities(pqxx::connection_base& conn, Role role,
                                      const FeatureFilters& filters, int reverify_months,
                                      const std::string& since);

// A need's valid matches at or above `min_score` whose opportunity `role`
// may read, the latest proposed first.
std::vector<AlertItem> new_matches(pqxx::connection_base& conn, Role role, long long need_id,
                                   double min_score, std::size_t limit);

// --- digests ---------------------------------------------------------------

// A search whose owner asked for e-mails, with the moment its digest looks
// back to (an hour before its last digest: see alert_deliveries).
struct DigestSearch {
  SavedSearch search;
  AlertOwner owner;
  std::string look_back_from;
};

// Every active account's searches with `email`, by person.
std::vector<DigestSearch> digest_searches(pqxx::connection_base& conn);
// What the next digest of a search lists: the opportunities of
// changed_opportunities since `since` that no digest of the search sent, the
// oldest first, so that what `limit` leaves out comes in the next digest.
std::vector<AlertItem> digest_items(pqxx::connection_base& conn, Role role,
                                    const FeatureFilters& filters, int reverify_months,
                                    long long search_id, const std::string& since,
                                    std::size_t limit);
struct DigestSent {
  long long search_id = 0;
  std::vector<AlertItem> items;
  // Where the search's next digest starts: the run's start, or, for a search
  // cut at its limit, unchanged.
  std::optional<std::string> mailed_at;
};
// After a digest went out: its items are sent, each search's digest moves
// on, and the audit log says what went to whom.
void record_digest(pqxx::connection_base& conn, const AlertOwner& owner,
                   const std::vector<DigestSent>& sent);
// Searches a run found nothing new for: their next digest starts from the
// run (still looking back an hour before it).
void advance_searches(pqxx::connection_base& conn, const std::vector<long long>& search_ids,
                      const std::string& run_started_at);
// The database's clock, ISO 8601 with microseconds.
std::string database_now(pqxx::connection_base& conn);

}  // namespace terrier::db
