#pragma once

// The importers' data access: reference data for validation, staging
// through COPY, merging into the model, and the import_runs record. One
// ImportStore is one transaction: nothing is visible until commit().

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <memory>
#include <pqxx/stream_to>
#include <pqxx/transaction>

#include "db/connection.hpp"

namespace terrier::db {

struct CommuneRow {
  std::string insee, name;
  std::vector<std::string> postcodes;
  double lon = 0, lat = 0;  // ST_PointOnSurface
};

// A territory as a need's search area may name it: by slug, code or name.
struct TerritoryKey {
  long long id = 0;
  std::string level, code, slug, name;
};

struct StageColumn {
  std::string name;
  std::string sql_type;  // as in the target table: "numeric", "tenure[]", "geometry", ...
};

// A model table fed by staging rows keyed on (source, external_id), or on
// (source, content_hash) when a row has no external id.
struct TableSpec {
  std::string table;
  std::vector<StageColumn> columns;
  std::string private_table;  // "" when none
  std::string private_key;
  std::vector<StageColumn> private_columns;
};

struct StagedRow {
  std::size_t position = 0;
  std::optional<std::string> external_id;
  std::string content_hash;
  std::vector<std::optional<std::string>> values;  // columns then private_columns
};

// A COPY into the staging table of one import, fed row by row as the file is
// read, so that memory stays flat whatever the file's size. While it is open
// the import's transaction runs nothing else; finish() ends the COPY (a
// writer destroyed unfinished leaves the transaction to roll back).
class StageWriter {
 public:
  StageWriter(StageWriter&&) noexcept;
  ~StageWriter();
  void write(const StagedRow& row);
  void finish();

 private:
  friend class ImportStore;
  StageWriter(pqxx::work& w, const std::string& table, const std::vector<std::string>& names);

  pqxx::work* work_;
  std::string table_;
  std::unique_ptr<pqxx::stream_to> copy_;
  std::vector<const char*> line_;
  std::string position_;
};

// A staged row dropped because an earlier row of the file has its reference
// (or, without one, its whole content).
struct RepeatedRow {
  std::size_t position = 0, first_position = 0;
  std::optional<std::string> external_id;
};

struct MergeCounts {
  long long inserted = 0, updated = 0, unchanged = 0, deleted = 0;
};

// The duplicate search's inputs: how many rows of this import to check,
// among how many located opportunities; each opportunity's kind and point.
struct DuplicateSearchSize {
  long long changed = 0, located = 0;
};
struct DuplicatePoint {
  long long id = 0;
  std::string kind;
  double lon = 0, lat = 0;
  bool changed = false;  // a row of this import, new or changed
};

struct DuplicateFlag {
  std::size_t position;
  std::string other_source, other_external_id, other_title;
  double distance_m;
};

// A staged row an import limited to a circle may not write: the field
// that says why ("location", "visibility", "external_id"), its value, and
// the reason in French.
struct OutOfScopeRow {
  std::size_t position;
  std::string field, value, reason;
};

struct ImportRun {
  std::string kind, source, file_name, file_sha256, user;
  bool dry_run = false;
  std::string started_at;  // ISO timestamp
  long long read = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0, deleted = 0,
            flagged = 0;
};

struct TerritoryRow {
  std::size_t position = 0;
  std::string code, name, slug, ewkb_hex;
  std::vector<std::string> postcodes;
  std::optional<long long> population;
  std::optional<std::string> parent_code;
  std::string attributes_json;
};

// A field the file would change although it was edited through the API.
struct EditConflict {
  std::size_t position = 0;
  std::string field, terrier_value, file_value, edited_by, edited_at;
};

class ImportStore {
 public:
  explicit ImportStore(pqxx::connection_base& conn);
  ~ImportStore();
  ImportStore(const ImportStore&) = delete;
  ImportStore& operator=(const ImportStore&) = delete;

  std::vector<CommuneRow> communes();
  // The union of the départements grown by margin_m metres, as WKB; nullopt
  // when no département is loaded.
  std::optional<std::string> region_outline_wkb(double margin_m);
  std::map<std::string, long long> territory_ids_by_slug();
  std::vector<TerritoryKey> territory_keys();
  // slug -> "level code" of the territory that holds it.
  std::map<std::string, std::string> territory_slug_owners();
  std::map<std::string, long long> place_ids_by_external_id();

  // A temporary staging table for `spec`, fed through the returned COPY.
  StageWriter begin_stage(const TableSpec& spec);
  // The same for a few rows held in memory (the API's writes).
  void stage(const TableSpec& spec, const std::vector<StagedRow>& rows);
  // After the COPY: drops the rows whose reference (or content, for rows
  // without one) an earlier row of the file already has, and returns them.
  std::vector<RepeatedRow> drop_repeated_rows();
  MergeCounts merge(const TableSpec& spec, const std::string& source, bool sync,
                    const std::vector<std::string>& protected_external_ids);
  // After merge(): rows of this import that look like another row already
  // known (same kind, within 50 m, similar title or address), searched row
  // by row (a GiST probe each: right for a few rows).
  std::vector<DuplicateFlag> flag_duplicate_opportunities();
  // The same for a large import, in two steps: every located opportunity's
  // kind and point, read once and paired in memory by the caller
  // (importers/duplicates.hpp), then the pairs' titles compared here.
  DuplicateSearchSize duplicate_search_size();
  std::vector<DuplicatePoint> duplicate_points();
  std::vector<DuplicateFlag> flag_duplicate_pairs(const std::vector<std::pair<long long, long long>>& pairs);
  // After merge(): the circle of every place, from its location.
  void assign_place_circles();

  MergeCounts merge_territories(const std::string& level, const std::string& source,
                                const std::vector<TerritoryRow>& rows);
  // Circles: upserts each circle and replaces the membership of the circles
  // named in the file; recomputes their outlines and the places' circles.
  struct CircleMember {
    std::size_t position;
    std::string slug, name, member_code;
  };
  // Returns the positions of members whose code is no known commune or EPCI.
  std::vector<std::size_t> unknown_circle_members(const std::vector<CircleMember>& members);
  // Members missing from the file are removed only with `sync`.
  MergeCounts merge_circles(const std::string& source, const std::vector<CircleMember>& members,
                            bool sync);

  void record_run(const ImportRun& run);

  // One row written by the API. insert_row merges it under `source` and
  // returns its id; update_row replaces the fields of row `id` (its source,
  // external id and attributes stay); delete_row returns false when absent.
  long long insert_row(const TableSpec& spec, const std::string& source, const StagedRow& row);
  bool update_row(const TableSpec& spec, long long id, const StagedRow& row);
  bool delete_row(const TableSpec& spec, long long id);
  // The row in the API's canonical field names (JSON), or nullopt.
  std::optional<std::string> row_json(const TableSpec& spec, long long id);
  // Whether a need's area lies in (meets) a territory, for animators.
  bool need_in_territory(long long need_id, const std::string& slug);
  void record_audit(const std::string& actor, const std::string& action, const std::string& entity,
                    std::optional<long long> id, const std::optional<std::string>& before,
                    const std::optional<std::string>& after);
  void commit();

  // Imports limited to a circle (db/import_scope.cpp). After stage(),
  // before merge(): removes the staged rows that do not lie in the circle
  // `slug`, whose visibility is not in `visibilities`, or whose reference
  // names a stored row (of `source`) outside them or holding confidential
  // fields, and returns them.
  std::vector<OutOfScopeRow> drop_rows_out_of_scope(const TableSpec& spec,
                                                    const std::string& source,
                                                    const std::string& slug,
                                                    const std::vector<std::string>& visibilities);
  // Whether the stored row (source, external_id) has one of `visibilities`
  // (rows of a table without visibility: true).
  bool readable_by(const TableSpec& spec, const std::string& source,
                   const std::string& external_id, const std::vector<std::string>& visibilities);

  // Page edits and re-imports (db/edit_store.cpp). Whether row `id` is at
  // `version` (its updated_at in microseconds), locked for the update.
  bool lock_at_version(const TableSpec& spec, long long id, long long version);
  // The columns an API update changed (before and after in row_json's
  // names), remembered so that a re-import does not undo them.
  void record_page_edits(const TableSpec& spec, long long id, const std::string& before,
                         const std::string& after, const std::string& who);
  // After stage(), before merge(): staged rows that would overwrite a field
  // edited through the API with another value keep Terrier's value (their
  // content hash is marked so that the next import looks again), unless
  // prefer_file, which applies the file's and forgets the edit.
  std::vector<EditConflict> keep_page_edits(const TableSpec& spec, const std::string& source,
                                            bool prefer_file);

 private:
  // Owner details, contacts and notes of the staged rows that changed.
  void upsert_private(const TableSpec& spec);

  pqxx::connection_base& conn_;
  std::unique_ptr<pqxx::work> work_;
  std::string stage_table_;
};

}  // namespace terrier::db
