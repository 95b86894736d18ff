#include "db/followup_store.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "core/text.hpp"
#include "core/vocabulary.hpp"
#include "db/row_version.hpp"

namespace terrier::db {
namespace {

using json = nlohmann::json;

// A match as the API shows it, and its version; o is its opportunity.
const std::string kMatchColumns =
    "jsonb_build_object('id', m.id, 'status', m.status, 'score', m.score, 'reliability', "
    "m.reliability, 'still_valid', m.still_valid, 'need', jsonb_build_object('id', n.id, 'title', "
    "n.collective_name), 'opportunity', jsonb_build_object('id', o.id, 'title', o.title), "
    "'circle', (SELECT c.slug FROM territories c WHERE c.level = 'circle' AND c.geom IS NOT NULL "
    "AND ST_Intersects(c.geom, o.point) ORDER BY c.id LIMIT 1), 'status_changed_at', "
    "m.status_changed_at, 'status_changed_by', m.status_changed_by, 'note', "
    "m.status_note)::text, " +
    match_version_sql();

constexpr const char* kMatchFrom =
    " FROM matches m JOIN needs n ON n.id = m.need_id JOIN opportunities o ON o.id = "
    "m.opportunity_id ";

std::string visibilities(Role role) {
  return text::pg_array_literal(readable_visibilities(role));
}

// The changes an audit entry records, from `before` to `after`, without the
// fields the role may not read (and without the note, shown apart).
json changes_of(const std::string& entity, const json& before, const json& after, Role role) {
  json out = json::array();
  auto add = [&](const std::string& field) {
    if (field == "note" && entity == "match") return;
    if (!may_read_field(role, entity, field)) return;
    json from = before.is_object() && before.contains(field) ? before[field] : json();
    json to = after.is_object() && after.contains(field) ? after[field] : json();
    if (from == to) return;
    out.push_back({{"field", field}, {"from", from}, {"to", to}});
  };
  if (after.is_object()) {
    for (const auto& [k, v] : after.items()) add(k);
  }
  if (before.is_object()) {
    for (const auto& [k, v] : before.items()) {
      if (!after.is_object() || !after.contains(k)) add(k);
    }
  }
  return out;
}

// Whether the role may read the object whose history is asked.
bool readable(pqxx::transaction_base& t, const std::string& entity, long long id, Role role) {
  if (entity == "match") {
    return !t.exec_params(std::string("SELECT 1") + kMatchFrom +
                              "WHERE m.id = $1 AND o.visibility = ANY($2::text[])",
                          id, visibilities(role))
                .empty();
  }
  if (entity == "opportunity") {
    // A deleted opportunity's history is the admins' and foundations' only.
    auto rows =
        t.exec_params("SELECT visibility = ANY($2::text[]) FROM opportunities WHERE id = $1", id,
                      visibilities(role));
    if (rows.empty())
      return sees_confidential(role) && !t.exec_params(
                                              "SELECT 1 FROM audit_log WHERE entity = "
                                              "'opportunity' AND entity_id = $1 LIMIT 1",
                                              id)
                                             .empty();
    return rows[0][0].as<bool>();
  }
  if (entity == "need") {
    return !t.exec_params("SELECT 1 FROM needs WHERE id = $1", id).empty() ||
           (sees_confidential(role) &&
            !t.exec_params(
                  "SELECT 1 FROM audit_log WHERE entity = 'need' AND entity_id = $1 LIMIT 1", id)
                 .empty());
  }
  if (entity == "request")
    return !t.exec_params("SELECT 1 FROM requests WHERE id = $1", id).empty();
  return false;
}

}  // namespace

std::optional<Versioned> match_object(pqxx::connection_base& conn, long long id, Role role) {
  pqxx::read_transaction r(conn);
  auto rows = r.exec_params(std::string("SELECT ") + kMatchColumns + kMatchFrom +
                                "WHERE m.id = $1 AND o.visibility = ANY($2::text[])",
                            id, visibilities(role));
  if (rows.empty()) return std::nullopt;
  return Versioned{rows[0][0].as<std::string>(), rows[0][1].as<long long>()};
}

UpdateOutcome set_match_status(pqxx::connection_base& conn, long long id,
                               const StatusUpdate& update, Role role) {
  pqxx::work w(conn);
  auto rows =
      w.exec_params("SELECT m.status, " + match_version_sql() + kMatchFrom +
                        "WHERE m.id = $1 AND o.visibility = ANY($2::text[]) FOR UPDATE OF m",
                    id, visibilities(role));
  if (rows.empty()) return UpdateOutcome::not_found;
  if (update.expected_version && *update.expected_version != rows[0][1].as<long long>()) {
    return UpdateOutcome::stale;
  }
  std::string before_status = rows[0][0].as<std::string>();
  std::string status = update.status.value_or(before_status);
  w.exec_params(
      "UPDATE matches SET status = $2, status_note = $3, status_changed_at = clock_timestamp(), "
      "status_changed_by = $4 WHERE id = $1",
      id, status, update.note, update.who);
  json after = {{"status", status}};
  if (update.note) after["note"] = *update.note;
  w.exec_params(
      "INSERT INTO audit_log (actor, action, entity, entity_id, before, after) "
      "VALUES ($1, 'update', 'match', $2, $3::jsonb, $4::jsonb)",
      update.who, id, json{{"status", before_status}}.dump(), after.dump());
  w.commit();
  return UpdateOutcome::done;
}

std::optional<std::string> history(pqxx::connection_base& conn, const std::string& entity,
                                   long long id, Role role) {
  pqxx::read_transaction r(conn);
  if (!readable(r, entity, id, role)) return std::nullopt;
  json out = json::array();
  for (const auto& row : r.exec_params(
           "SELECT to_json(at) #>> '{}', actor, action, coalesce(before::text, 'null'), "
           "coalesce(after::text, 'null') FROM audit_log WHERE entity = $1 AND entity_id = $2 "
           "ORDER BY at DESC, id DESC",
           entity, id)) {
    json before = json::parse(row[3].as<std::string>());
    json after = json::parse(row[4].as<std::string>());
    json note =
        after.is_object() && after.contains("note") && entity == "match" ? after["note"] : json();
    out.push_back({{"at", row[0].as<std::string>()},
                   {"who", row[1].as<std::string>()},
                   {"action", row[2].as<std::string>()},
                   {"changes", changes_of(entity, before, after, role)},
                   {"note", note}});
  }
  return out.dump();
}

std::string followup(pqxx::connection_base& conn, const FollowupQuery& query, Role role) {
  pqxx::read_transaction r(conn);
  // $1 visibilities, $2 circle slug or NULL, $3 statuses or NULL.
  const std::string where =
      "WHERE o.visibility = ANY($1::text[]) AND (m.still_valid OR m.status <> 'proposé') "
      "AND ($2::text IS NULL OR ST_Intersects(o.point, (SELECT geom FROM territories "
      "WHERE level = 'circle' AND slug = $2))) ";
  std::optional<std::string> statuses;
  if (!query.statuses.empty()) statuses = text::pg_array_literal(query.statuses);
  json counts = json::object();
  for (std::string_view s : vocabulary::kMatchStatuses) counts[std::string(s)] = 0;
  for (const auto& row : r.exec_params(
           std::string("SELECT m.status, count(*)") + kMatchFrom + where + "GROUP BY m.status",
           visibilities(role), query.circle)) {
    counts[row[0].as<std::string>()] = row[1].as<long long>();
  }
  json matches = json::array();
  for (const auto& row : r.exec_params(
           std::string("SELECT ") + kMatchColumns + kMatchFrom + where +
               "AND ($3::text[] IS NULL OR m.status = ANY($3::text[])) "
               "ORDER BY m.status_changed_at DESC NULLS LAST, m.score DESC, m.id LIMIT $4",
           visibilities(role), query.circle, statuses, static_cast<long long>(query.limit))) {
    matches.push_back(json::parse(row[0].as<std::string>()));
  }
  return json{{"counts", counts}, {"matches", matches}}.dump();
}

std::optional<long long> row_version(pqxx::connection_base& conn, const std::string& table,
                                     long long id) {
  if (table != "opportunities" && table != "needs" && table != "places" && table != "requests")
    return std::nullopt;
  pqxx::read_transaction r(conn);
  auto rows = r.exec_params(fmt::format("SELECT {} FROM {} WHERE id = $1",
                                        version_sql("updated_at"), r.quote_name(table)),
                            id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<long long>();
}

}  // namespace terrier::db
