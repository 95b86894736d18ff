#include "db/request_store.hpp"

#include <fmt/core.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "core/text.hpp"
#include "db/like_pattern.hpp"
#include "db/row_version.hpp"

namespace terrier::db {
namespace {

// A request (r) as the API shows it; c is its circle, p its private row.
std::string object_sql(Role role) {
  bool confidential = sees_confidential(role);
  return std::string(
             "SELECT (jsonb_build_object('id', r.id, 'received_on', r.received_on, 'requester', "
             "r.requester, "
             "'organisation', r.organisation, 'commune', r.commune_code, 'commune_name', "
             "r.commune_name, "
             "'subject', r.subject, 'channel', r.channel, 'orientation', r.orientation, 'status', "
             "r.status, "
             "'need_id', r.need_id, 'place_id', r.place_id, 'circle', c.slug, 'source', r.source, "
             "'external_id', r.external_id, 'created_at', r.created_at, 'updated_at', "
             "r.updated_at)") +
         (confidential ? " || jsonb_build_object('contact', p.contact, 'notes', p.notes)" : "") +
         ")::text, " + version_sql("r.updated_at") +
         ", count(*) OVER () "
         "FROM requests r LEFT JOIN territories c ON c.id = r.circle_id " +
         (confidential ? "LEFT JOIN request_private p ON p.request_id = r.id " : "");
}

// The circle of a commune, from its point.
constexpr const char* kCircleOfCommune =
    "(SELECT t.id FROM territories t WHERE t.level = 'circle' AND t.geom IS NOT NULL AND "
    "ST_Intersects(t.geom, (SELECT ST_PointOnSurface(geom) FROM territories WHERE level = "
    "'commune' "
    "AND code = $6 AND geom IS NOT NULL)) ORDER BY t.id LIMIT 1)";

}  // namespace

std::optional<Versioned> request_object(pqxx::connection_base& conn, long long id, Role role) {
  pqxx::read_transaction r(conn);
  auto rows = r.exec_params(object_sql(role) + "WHERE r.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return Versioned{rows[0][0].as<std::string>(), rows[0][1].as<long long>()};
}

namespace {

// The rows a filter selects: $1 statuses, $2 circle, $3 from, $4 to, $5 the
// search's pattern (the words the page's list searches), $6 channels.
constexpr const char* kFilterSql =
    "WHERE ($1::text[] IS NULL OR r.status = ANY($1::text[])) AND ($2::text IS NULL OR c.slug = "
    "$2) AND ($3::date IS NULL OR r.received_on >= $3::date) AND ($4::date IS NULL OR "
    "r.received_on <= $4::date) AND ($5::text IS NULL OR terrier_fold(r.requester || ' ' || "
    "coalesce(r.organisation, '') || ' ' || r.subject || ' ' || coalesce(r.commune_name, '') || ' "
    "' || coalesce(r.orientation, '') || ' ' || coalesce(r.commune_code, '')) LIKE $5) AND "
    "($6::text[] IS NULL OR r.channel = "
    "ANY($6::text[])) ";

pqxx::result filtered_requests(pqxx::read_transaction& r, const RequestFilter& f, Role role,
                               const std::string& order_and_limit) {
  std::optional<std::string> statuses, channels, q;
  if (!f.statuses.empty()) statuses = text::pg_array_literal(f.statuses);
  if (!f.channels.empty()) channels = text::pg_array_literal(f.channels);
  if (f.q) q = like_pattern(*f.q);
  return r.exec_params(object_sql(role) + kFilterSql + order_and_limit, statuses, f.circle, f.from,
                       f.to, q, channels, static_cast<long long>(f.limit),
                       static_cast<long long>(f.offset));
}

}  // namespace

std::string list_requests(pqxx::connection_base& conn, const RequestFilter& f, Role role) {
  pqxx::read_transaction r(conn);
  auto rows =
      filtered_requests(r, f, role, "ORDER BY r.received_on DESC, r.id DESC LIMIT $7 OFFSET $8");
  nlohmann::json list = nlohmann::json::array();
  for (const auto& row : rows) list.push_back(nlohmann::json::parse(row[0].as<std::string>()));
  long long matched = rows.empty() ? 0 : rows[0][2].as<long long>();
  if (rows.empty() && f.offset > 0) {
    matched = -1;  // past the end: unknown without another count
  }
  nlohmann::json out = {{"requests", list}};
  if (matched >= 0) out["numberMatched"] = matched;
  return out.dump();
}

std::vector<std::string> all_requests(pqxx::connection_base& conn, Role role,
                                      const RequestFilter& filter) {
  pqxx::read_transaction r(conn);
  std::vector<std::string> out;
  RequestFilter every = filter;  // every row the filter selects
  every.limit = std::numeric_limits<long long>::max();
  every.offset = 0;
  for (const auto& row :
       filtered_requests(r, every, role, "ORDER BY r.received_on, r.id LIMIT $7 OFFSET $8")) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

RequestStore::RequestStore(pqxx::connection_base& conn)
    : work_(std::make_unique<pqxx::work>(conn, "requests")) {}

RequestStore::~RequestStore() = default;

std::optional<std::pair<std::string, std::string>> RequestStore::commune(
    const std::string& code_or_name) {
  auto rows = work_->exec_params(
      "SELECT code, name FROM territories WHERE level = 'commune' AND (code = $1 OR name_folded = "
      "terrier_fold($1)) ORDER BY (code = $1) DESC, population DESC NULLS LAST LIMIT 1",
      code_or_name);
  if (rows.empty()) return std::nullopt;
  return std::make_pair(rows[0][0].as<std::string>(), rows[0][1].as<std::string>());
}

namespace {
std::optional<long long> id_by_ref(pqxx::work& w, const char* table, const std::string& id_or_ref) {
  bool number = !id_or_ref.empty() && id_or_ref.size() <= 18 &&
                id_or_ref.find_first_not_of("0123456789") == std::string::npos;
  auto rows = w.exec_params(
      fmt::format("SELECT id FROM {} WHERE ($1::bigint IS NOT NULL AND id = $1::bigint) "
                  "OR external_id = $2 ORDER BY (id = $1::bigint) DESC NULLS LAST, id LIMIT 1",
                  w.quote_name(table)),
      number ? std::optional<std::string>(id_or_ref) : std::nullopt, id_or_ref);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<long long>();
}
}  // namespace

std::optional<long long> RequestStore::need_id(const std::string& id_or_ref) {
  return id_by_ref(*work_, "needs", id_or_ref);
}

std::optional<long long> RequestStore::place_id(const std::string& id_or_ref) {
  return id_by_ref(*work_, "places", id_or_ref);
}

std::optional<std::string> RequestStore::row_json(long long id) {
  auto rows = work_->exec_params(
      "SELECT jsonb_strip_nulls(jsonb_build_object('received_on', r.received_on, 'requester', "
      "r.requester, "
      "'organisation', r.organisation, 'commune', coalesce(r.commune_code, r.commune_name), "
      "'subject', "
      "r.subject, 'channel', r.channel, 'orientation', r.orientation, 'status', r.status, "
      "'need_id', "
      "r.need_id, 'place_id', r.place_id, 'contact', p.contact, 'notes', p.notes))::text FROM "
      "requests r "
      "LEFT JOIN request_private p ON p.request_id = r.id WHERE r.id = $1",
      id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

bool RequestStore::in_circle(long long id, const std::string& slug) {
  // The circle (a token may name any territory, as for needs); the request's
  // commune by its point, its need by its area's centre, its place.
  auto rows = work_->exec_params(
      "WITH c AS (SELECT id, geom FROM territories WHERE slug = $2) "
      "SELECT coalesce(r.circle_id = (SELECT id FROM c), false) "
      "OR coalesce((SELECT ST_Intersects((SELECT geom FROM c), ST_PointOnSurface(m.geom)) "
      "FROM territories m WHERE m.level = 'commune' AND m.code = r.commune_code "
      "AND m.geom IS NOT NULL LIMIT 1), false) "
      "OR coalesce((SELECT ST_Intersects((SELECT geom FROM c), coalesce(n.search_center, "
      "ST_PointOnSurface(coalesce(n.search_polygon, (SELECT t.geom FROM territories t "
      "WHERE t.id = n.search_territory_id))))) FROM needs n WHERE n.id = r.need_id), false) "
      "OR coalesce((SELECT p.circle_id = (SELECT id FROM c) OR ST_Intersects((SELECT geom FROM "
      "c), p.geom) FROM places p WHERE p.id = r.place_id), false) "
      "FROM requests r WHERE r.id = $1",
      id, slug);
  return !rows.empty() && rows[0][0].as<bool>();
}

bool RequestStore::lock_row(long long id) {
  return !work_->exec_params("SELECT 1 FROM requests WHERE id = $1 FOR UPDATE", id).empty();
}

bool RequestStore::lock_at_version(long long id, long long version) {
  auto rows = work_->exec_params(
      "SELECT " + version_sql("updated_at") + " = $2 FROM requests WHERE id = $1 FOR UPDATE", id,
      version);
  return !rows.empty() && rows[0][0].as<bool>();
}

long long RequestStore::insert(const RequestRow& row, const std::string& source,
                               const std::optional<std::string>& external_id) {
  long long id =
      work_
          ->exec_params1(
              fmt::format(
                  "INSERT INTO requests (received_on, requester, organisation, commune_name, "
                  "subject, commune_code, channel, orientation, status, need_id, place_id, "
                  "source, external_id, circle_id) VALUES ($1::date, $2, $3, $4, $5, $6, $7, "
                  "$8, $9, $10, $11, $12, $13, {}) RETURNING id",
                  kCircleOfCommune),
              row.received_on, row.requester, row.organisation, row.commune_name, row.subject,
              row.commune_code, row.channel, row.orientation, row.status, row.need_id, row.place_id,
              source, external_id)[0]
          .as<long long>();
  write_private(id, row);
  return id;
}

void RequestStore::update(long long id, const RequestRow& row) {
  work_->exec_params(
      fmt::format("UPDATE requests SET received_on = $1::date, requester = $2, organisation = $3, "
                  "commune_name = $4, subject = $5, commune_code = $6, channel = $7, "
                  "orientation = $8, status = $9, need_id = $10, place_id = $11, circle_id = {}, "
                  "updated_at = clock_timestamp() WHERE id = $12",
                  kCircleOfCommune),
      row.received_on, row.requester, row.organisation, row.commune_name, row.subject,
      row.commune_code, row.channel, row.orientation, row.status, row.need_id, row.place_id, id);
  write_private(id, row);
}

void RequestStore::write_private(long long id, const RequestRow& row) {
  if (row.keep_stored_contact && row.keep_stored_notes) return;
  work_->exec_params(
      "INSERT INTO request_private (request_id, contact, notes) VALUES ($1, $2, $3) "
      "ON CONFLICT (request_id) DO UPDATE SET contact = CASE WHEN $4 THEN "
      "request_private.contact ELSE EXCLUDED.contact END, notes = CASE WHEN $5 THEN "
      "request_private.notes ELSE EXCLUDED.notes END",
      id, row.contact, row.notes, row.keep_stored_contact, row.keep_stored_notes);
  work_->exec_params(
      "DELETE FROM request_private WHERE request_id = $1 AND contact IS NULL AND notes IS NULL",
      id);
}

bool RequestStore::remove(long long id) {
  return work_->exec_params("DELETE FROM requests WHERE id = $1", id).affected_rows() == 1;
}

std::string RequestStore::upsert(const RequestRow& row, const std::string& source,
                                 const std::string& external_id, long long& id) {
  auto existing = work_->exec_params(
      "SELECT id FROM requests WHERE source = $1 AND external_id = $2 FOR UPDATE", source,
      external_id);
  if (existing.empty()) {
    id = insert(row, source, external_id);
    return "inserted";
  }
  id = existing[0][0].as<long long>();
  return *update_if_changed(id, row);
}

std::optional<std::string> RequestStore::update_if_changed(long long id, const RequestRow& row) {
  auto before = row_json(id);
  if (!before) return std::nullopt;
  work_->exec("SAVEPOINT request_upsert");
  update(id, row);
  if (row_json(id) == before) {
    // Nothing changed: the row keeps its version.
    work_->exec("ROLLBACK TO SAVEPOINT request_upsert");
    return "unchanged";
  }
  work_->exec("RELEASE SAVEPOINT request_upsert");
  return "updated";
}

void RequestStore::record_audit(const std::string& actor, const std::string& action,
                                std::optional<long long> id,
                                const std::optional<std::string>& before,
                                const std::optional<std::string>& after) {
  work_->exec_params(
      "INSERT INTO audit_log (actor, action, entity, entity_id, before, after) "
      "VALUES ($1, $2, 'request', $3, $4::jsonb, $5::jsonb)",
      actor, action, id, before, after);
}

void RequestStore::record_run(const ImportRun& run) {
  db::record_run(*work_, run);
}

void RequestStore::commit() {
  work_->commit();
}

}  // namespace terrier::db
