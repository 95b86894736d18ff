#pragma once

// The land group's requests ("sollicitations"): who asked, about what, what
// they were told. The requester's contact and the notes live in
// request_private and are read only for roles that may. One RequestStore is
// one transaction: nothing is visible until commit().

#include <memory>
#include <optional>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "core/roles.hpp"
#include "db/connection.hpp"
#include "db/followup_store.hpp"
#include "db/run_store.hpp"

namespace terrier::db {

// A request's fields, validated (vocabularies, dates, references).
struct RequestRow {
  std::string received_on;  // ISO date
  std::string requester, subject;
  std::optional<std::string> organisation, commune_code, commune_name, channel, orientation;
  std::string status = "ouverte";
  std::optional<long long> need_id, place_id;
  std::optional<std::string> contact, notes;  // confidential
  // A file without a contact (notes) column, such as a member's export:
  // the stored one stays.
  bool keep_stored_contact = false, keep_stored_notes = false;
};

struct RequestFilter {
  std::vector<std::string> statuses;
  std::vector<std::string> channels;
  std::optional<std::string> circle;    // slug
  std::optional<std::string> from, to;  // ISO dates, inclusive
  std::optional<std::string> q;         // requester, organisation, subject, commune, orientation
  std::size_t limit = 500, offset = 0;
};

// A request as the role may read it, with its version; nullopt when absent.
std::optional<Versioned> request_object(pqxx::connection_base& conn, long long id, Role role);
// {"requests": [...], "numberMatched": n}, newest first.
std::string list_requests(pqxx::connection_base& conn, const RequestFilter& filter, Role role);
// Every request `filter` selects (its limit and offset aside) as the role
// may read it (for exports), oldest first.
std::vector<std::string> all_requests(pqxx::connection_base& conn, Role role,
                                      const RequestFilter& filter = {});

class RequestStore {
 public:
  explicit RequestStore(pqxx::connection_base& conn);
  ~RequestStore();
  RequestStore(const RequestStore&) = delete;
  RequestStore& operator=(const RequestStore&) = delete;

  // A commune by INSEE code or name (accents and case ignored): code, name.
  std::optional<std::pair<std::string, std::string>> commune(const std::string& code_or_name);
  // A need or a place by id, or by its reference (external id).
  std::optional<long long> need_id(const std::string& id_or_ref);
  std::optional<long long> place_id(const std::string& id_or_ref);
  // The full row as JSON in the API's names (confidential fields included),
  // for merges and the audit log; nullopt when absent.
  std::optional<std::string> row_json(long long id);
  // Whether request `id` lies in the circle `slug`: its commune's circle is
  // that one, or its linked need's area or place lies in the circle.
  bool in_circle(long long id, const std::string& slug);
  // Whether the row is at `version`, locked for the update.
  bool lock_at_version(long long id, long long version);
  // Locks the request for the rest of the transaction (before its checks);
  // false when absent.
  bool lock_row(long long id);

  long long insert(const RequestRow& row, const std::string& source,
                   const std::optional<std::string>& external_id);
  void update(long long id, const RequestRow& row);
  bool remove(long long id);
  // Upsert on (source, external_id): "inserted", "updated" or "unchanged".
  std::string upsert(const RequestRow& row, const std::string& source,
                     const std::string& external_id, long long& id);
  // Updates request `id` when the row differs: "updated" or "unchanged";
  // nullopt when there is no such request.
  std::optional<std::string> update_if_changed(long long id, const RequestRow& row);
  void record_audit(const std::string& actor, const std::string& action,
                    std::optional<long long> id, const std::optional<std::string>& before,
                    const std::optional<std::string>& after);
  // The import's record in import_runs (kind "requests"), in this
  // store's transaction.
  void record_run(const ImportRun& run);
  void commit();

 private:
  void write_private(long long id, const RequestRow& row);

  std::unique_ptr<pqxx::work> work_;
};

}  // namespace terrier::db
