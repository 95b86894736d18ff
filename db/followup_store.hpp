#pragma once

// The follow-up of matches: a match as a role may read it, its status
// changes (with a note, recorded in audit_log), the follow-up board, the
// history of a match, an opportunity or a need built from audit_log, and
// the versions behind the API's ETags.

#include <optional>
#include <string>
#include <vector>

#include "core/roles.hpp"
#include "db/connection.hpp"

namespace terrier::db {

// A JSON object and the version of the row it shows (microseconds since
// the epoch of its last change), for ETags.
struct Versioned {
  std::string json;
  long long version = 0;
};

// {"id","status","score","reliability","still_valid","need":{"id","title"},
// "opportunity":{"id","title"},"circle","status_changed_at",
// "status_changed_by","note"}; nullopt when absent or when the role may not
// read its building.
std::optional<Versioned> match_object(pqxx::connection_base& conn, long long id, Role role);

struct StatusUpdate {
  std::optional<std::string> status;  // unchanged when absent
  std::optional<std::string> note;
  std::string who;
  std::optional<long long> expected_version;  // from If-Match
};
enum class UpdateOutcome { done, not_found, stale };
// In one transaction: the match locked, its visibility and version checked,
// the status (and note) written, the change recorded in audit_log.
UpdateOutcome set_match_status(pqxx::connection_base& conn, long long id,
                               const StatusUpdate& update, Role role);

// [{"at","who","action","changes":[{"field","from","to"}],"note"}], newest
// first, of entity "match", "opportunity", "need" or "request"; nullopt when
// the role may not read the object. Confidential fields' changes are left
// out for roles that may not read them.
std::optional<std::string> history(pqxx::connection_base& conn, const std::string& entity,
                                   long long id, Role role);

struct FollowupQuery {
  std::optional<std::string> circle;  // slug
  std::vector<std::string> statuses;  // empty: all
  std::size_t limit = 1000;
};
// {"counts": {"proposé": n, ...}, "matches": [...]}: the matches the role may
// read (still valid, or given a status by someone), counts by status over the
// circle filter, the list also filtered by status; most recently followed
// first.
std::string followup(pqxx::connection_base& conn, const FollowupQuery& query, Role role);

// The version of an opportunity, a need or a place (its updated_at), or
// nullopt when absent.
std::optional<long long> row_version(pqxx::connection_base& conn, const std::string& table,
                                     long long id);

}  // namespace terrier::db
