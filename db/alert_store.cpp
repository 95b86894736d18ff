#include "db/alert_store.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>

#include "core/hash.hpp"
#include "core/text.hpp"
#include "db/feature_sql.hpp"
#include "db/user_rows.hpp"

namespace terrier::db {
namespace {

using nlohmann::json;
using namespace feature_sql;  // NOLINT: the builders are this file's vocabulary

const char* const kIso = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";

std::string iso(const std::string& column) {
  return fmt::format("to_char({} AT TIME ZONE 'UTC', {})", column, kIso);
}

const std::string kSearchColumns =
    fmt::format("s.id, s.name, s.query, s.email, {}, {}", iso("s.created_at"), iso("s.seen_at"));

SavedSearch search_from(const pqxx::row& r, int at = 0) {
  SavedSearch s;
  s.id = r[at].as<long long>();
  s.name = r[at + 1].as<std::string>();
  s.query = r[at + 2].as<std::string>();
  s.email = r[at + 3].as<bool>();
  s.created_at = r[at + 4].as<std::string>();
  s.seen_at = r[at + 5].as<std::string>();
  return s;
}

// An active account: not disabled, and holding a password (a reset account
// has none until its person signs in again).
const char* const kActive = "NOT u.disabled AND u.password_hash IS NOT NULL";

const std::string kOwnerColumns =
    "u.id, u.email, u.name, u.role, (SELECT slug FROM territories c WHERE c.id = u.circle_id)";

AlertOwner owner_from(const pqxx::row& r, int at) {
  AlertOwner o;
  o.user_id = r[at].as<long long>();
  o.email = r[at + 1].as<std::string>();
  o.name = r[at + 2].as<std::string>();
  o.role = parse_role(r[at + 3].as<std::string>()).value_or(Role::member);
  if (!r[at + 4].is_null()) o.circle = r[at + 4].as<std::string>();
  return o;
}

void audit_search(pqxx::work& w, long long user_id, const char* action, long long search_id,
                  const std::optional<std::string>& after) {
  w.exec_params(
      "INSERT INTO audit_log (actor, action, entity, entity_id, after) "
      "SELECT 'user:' || u.email, $2, 'saved_search', $3, $4::jsonb FROM users u WHERE u.id = $1",
      user_id, action, search_id, after);
}

// A new feed secret: 256 random bits, shown once, kept as its SHA-256.
std::string new_secret() {
  return random_hex(32);
}

// The commune's name of an opportunity (o).
const char* const kCommuneName =
    "(SELECT t.name FROM territories t WHERE t.level = 'commune' AND t.code = o.commune_insee)";

AlertItem item_from(const pqxx::row& r) {
  AlertItem item;
  item.id = r["id"].as<long long>();
  item.changed_at = r["changed_at"].as<std::string>();
  auto changes = r["changes"].as_array();
  for (auto p = changes.get_next(); p.first != pqxx::array_parser::juncture::done;
       p = changes.get_next()) {
    if (p.first == pqxx::array_parser::juncture::string_value) item.changes.push_back(p.second);
  }
  item.properties = json::parse(r["feature"].as<std::string>())["properties"];
  if (!r["commune"].is_null()) item.commune = r["commune"].as<std::string>();
  return item;
}

}  // namespace

FeedSecret create_search(pqxx::connection_base& conn, long long user_id, const std::string& name,
                         const std::string& query, bool email) {
  pqxx::work w(conn);
  std::string secret = new_secret();
  long long id = w.exec_params1(
                      "INSERT INTO saved_searches (user_id, name, query, email, feed_sha256) "
                      "VALUES ($1, $2, $3, $4, decode($5, 'hex')) RETURNING id",
                      user_id, name, query, email, sha256_hex(secret))[0]
                     .as<long long>();
  audit_search(w, user_id, "create", id,
               json{{"name", name}, {"query", query}, {"email", email}}.dump());
  w.commit();
  return {id, secret};
}

std::vector<SavedSearch> list_searches(pqxx::connection_base& conn, long long user_id) {
  pqxx::read_transaction r(conn);
  std::vector<SavedSearch> out;
  for (const auto& row :
       r.exec_params("SELECT " + kSearchColumns +
                         " FROM saved_searches s WHERE s.user_id = $1 ORDER BY lower(s.name), s.id",
                     user_id)) {
    out.push_back(search_from(row));
  }
  return out;
}

std::optional<SavedSearch> find_search(pqxx::connection_base& conn, long long user_id,
                                       long long id) {
  pqxx::read_transaction r(conn);
  auto rows = r.exec_params(
      "SELECT " + kSearchColumns + " FROM saved_searches s WHERE s.user_id = $1 AND s.id = $2",
      user_id, id);
  if (rows.empty()) return std::nullopt;
  return search_from(rows[0]);
}

bool update_search(pqxx::connection_base& conn, long long user_id, long long id,
                   const SearchChange& change) {
  pqxx::work w(conn);
  // A digest starts from now for a search that changes what it asks, or
  // that starts sending e-mails: never a backlog of what it did not ask for.
  auto rows = w.exec_params(
      "UPDATE saved_searches SET name = coalesce($3, name), query = coalesce($4, query), "
      "email = coalesce($5, email), "
      "mailed_at = CASE WHEN ($4 IS NOT NULL AND $4 <> query) OR ($5 AND NOT email) "
      "THEN now() ELSE mailed_at END "
      "WHERE user_id = $1 AND id = $2 RETURNING id",
      user_id, id, change.name, change.query, change.email);
  if (rows.empty()) return false;
  json after = json::object();
  if (change.name) after["name"] = *change.name;
  if (change.query) after["query"] = *change.query;
  if (change.email) after["email"] = *change.email;
  audit_search(w, user_id, "update", id, after.dump());
  w.commit();
  return true;
}

bool delete_search(pqxx::connection_base& conn, long long user_id, long long id) {
  pqxx::work w(conn);
  auto rows = w.exec_params(
      "DELETE FROM saved_searches WHERE user_id = $1 AND id = $2 RETURNING id", user_id, id);
  if (rows.empty()) return false;
  audit_search(w, user_id, "delete", id, std::nullopt);
  w.commit();
  return true;
}

std::optional<FeedSecret> renew_search_feed(pqxx::connection_base& conn, long long user_id,
                                            long long id) {
  pqxx::work w(conn);
  std::string secret = new_secret();
  auto rows = w.exec_params(
      "UPDATE saved_searches SET feed_sha256 = decode($3, 'hex') WHERE user_id = $1 AND id = $2 "
      "RETURNING id",
      user_id, id, sha256_hex(secret));
  if (rows.empty()) return std::nullopt;
  audit_search(w, user_id, "renew_feed", id, std::nullopt);
  w.commit();
  return FeedSecret{id, secret};
}

bool mark_search_seen(pqxx::connection_base& conn, long long user_id, long long id) {
  pqxx::work w(conn);
  auto rows = w.exec_params(
      "UPDATE saved_searches SET seen_at = now() WHERE user_id = $1 AND id = $2 RETURNING id",
      user_id, id);
  w.commit();
  return !rows.empty();
}

FeedSecret create_need_feed(pqxx::connection_base& conn, long long user_id, long long need_id,
                            double min_score) {
  pqxx::work w(conn);
  std::string secret = new_secret();
  long long id = w.exec_params1(
                      "INSERT INTO need_feeds (user_id, need_id, min_score, feed_sha256) "
                      "VALUES ($1, $2, $3, decode($4, 'hex')) RETURNING id",
                      user_id, need_id, min_score, sha256_hex(secret))[0]
                     .as<long long>();
  w.exec_params(
      "INSERT INTO audit_log (actor, action, entity, entity_id, after) "
      "SELECT 'user:' || u.email, 'create', 'need_feed', $2, $3::jsonb FROM users u "
      "WHERE u.id = $1",
      user_id, id, json{{"need_id", need_id}, {"min_score", min_score}}.dump());
  w.commit();
  return {id, secret};
}

std::optional<Feed> find_feed(pqxx::connection_base& conn, const std::string& secret) {
  if (secret.size() != 64 || secret.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return std::nullopt;
  }
  const std::string digest = sha256_hex(secret);
  pqxx::read_transaction r(conn);
  auto searches = r.exec_params(fmt::format("SELECT {}, {} FROM saved_searches s "
                                            "JOIN users u ON u.id = s.user_id "
                                            "WHERE s.feed_sha256 = decode($1, 'hex') AND {}",
                                            kOwnerColumns, kSearchColumns, kActive),
                                digest);
  if (!searches.empty()) {
    Feed f;
    f.owner = owner_from(searches[0], 0);
    f.search = search_from(searches[0], 5);
    return f;
  }
  auto needs = r.exec_params(fmt::format("SELECT {}, f.need_id, f.min_score::float8, "
                                         "n.collective_name FROM need_feeds f "
                                         "JOIN users u ON u.id = f.user_id "
                                         "JOIN needs n ON n.id = f.need_id "
                                         "WHERE f.feed_sha256 = decode($1, 'hex') AND {}",
                                         kOwnerColumns, kActive),
                             digest);
  if (needs.empty()) return std::nullopt;
  Feed f;
  f.owner = owner_from(needs[0], 0);
  f.need_id = needs[0][5].as<long long>();
  f.min_score = needs[0][6].as<double>();
  f.need_name = needs[0][7].as<std::string>();
  return f;
}

namespace {

// The opportunities `role` reads that fit `filters` and changed after
// `since`: the items' per-role feature and filters (feature_sql).
struct Changed {
  Sql s;
  Where w;
};

Changed changed_since(Role role, const FeatureFilters& filters, int reverify_months,
                      const std::optional<std::string>& since) {
  const Collection c = Collection::opportunities;
  Changed q{sql_for(c, role, 4326, reverify_months), {}};
  restrict_to_role(q.w, c, role);
  add_filters(q.w, q.s, c, filters, reverify_months);
  if (since) q.w.add("o.alert_changed_at > " + q.w.param(*since) + "::timestamptz");
  return q;
}

std::vector<AlertItem> read_changed(pqxx::connection_base& conn, const Changed& q,
                                    const char* order, std::size_t limit) {
  std::string sql = fmt::format(
      "SELECT o.id, {} AS changed_at, o.alert_changes AS changes, {} AS feature, {} AS commune "
      "FROM {}{} ORDER BY {} LIMIT {}",
      iso("o.alert_changed_at"), q.s.select, kCommuneName, q.s.from, q.w.sql(), order, limit);
  pqxx::read_transaction r(conn);
  std::vector<AlertItem> out;
  for (const auto& row : r.exec_params(sql, pqxx::prepare::make_dynamic_params(q.w.params()))) {
    out.push_back(item_from(row));
  }
  return out;
}

}  // namespace

std::vector<AlertItem> changed_opportunities(pqxx::connection_base& conn, Role role,
                                             const FeatureFilters& filters, int reverify_months,
                                             const std::optional<std::string>& since,
                                             std::size_t limit) {
  return read_changed(conn, changed_since(role, filters, reverify_months, since),
                      "o.alert_changed_at DESC, o.id DESC", limit);
}

long long count_changed_opportunities(pqxx::connection_base& conn, Role role,
                                      const FeatureFilters& filters, int reverify_months,
                                      const std::string& since) {
  auto q = changed_since(role, filters, reverify_months, since);
  pqxx::read_transaction r(conn);
  return r
      .exec_params1("SELECT count(*) FROM opportunities o" + q.w.sql(),
                    pqxx::prepare::make_dynamic_params(q.w.params()))[0]
      .as<long long>();
}

std::vector<AlertItem> new_matches(pqxx::connection_base& conn, Role role, long long need_id,
                                   double min_score, std::size_t limit) {
  const Collection c = Collection::opportunities;
  Sql s = sql_for(c, role, 4326);
  Where w;
  restrict_to_role(w, c, role);
  w.add("m.need_id = " + w.param(std::to_string(need_id)) + "::bigint");
  w.add("m.score >= " + w.param(number(min_score)) + "::numeric");
  w.add("m.still_valid");
  std::string sql = fmt::format(
      "SELECT o.id, {} AS changed_at, '{{}}'::text[] AS changes, {} AS feature, {} AS commune, "
      "m.id AS match_id, m.score::float8 AS score "
      "FROM {} JOIN matches m ON m.opportunity_id = o.id{} "
      "ORDER BY m.first_computed_at DESC, m.score DESC, m.id DESC LIMIT {}",
      iso("m.first_computed_at"), s.select, kCommuneName, s.from, w.sql(), limit);
  pqxx::read_transaction r(conn);
  std::vector<AlertItem> out;
  for (const auto& row : r.exec_params(sql, pqxx::prepare::make_dynamic_params(w.params()))) {
    auto item = item_from(row);
    item.match_id = row["match_id"].as<long long>();
    item.score = row["score"].as<double>();
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<DigestSearch> digest_searches(pqxx::connection_base& conn) {
  pqxx::read_transaction r(conn);
  std::vector<DigestSearch> out;
  auto rows =
      r.exec(fmt::format("SELECT {}, {}, {} FROM saved_searches s JOIN users u ON u.id = s.user_id "
                         "WHERE s.email AND {} ORDER BY u.id, lower(s.name), s.id",
                         kOwnerColumns, kSearchColumns,
                         iso("greatest(s.mailed_at - interval '1 hour', s.created_at)"), kActive));
  for (const auto& row : rows) {
    DigestSearch d;
    d.owner = owner_from(row, 0);
    d.search = search_from(row, 5);
    d.look_back_from = row[11].as<std::string>();
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<AlertItem> digest_items(pqxx::connection_base& conn, Role role,
                                    const FeatureFilters& filters, int reverify_months,
                                    long long search_id, const std::string& since,
                                    std::size_t limit) {
  auto q = changed_since(role, filters, reverify_months, since);
  q.w.add("NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.search_id = " +
          q.w.param(std::to_string(search_id)) +
          "::bigint AND d.opportunity_id = o.id AND d.changed_at = o.alert_changed_at)");
  return read_changed(conn, q, "o.alert_changed_at, o.id", limit);
}

void record_digest(pqxx::connection_base& conn, const AlertOwner& owner,
                   const std::vector<DigestSent>& sent) {
  pqxx::work w(conn);
  json searches = json::array();
  for (const auto& s : sent) {
    json ids = json::array();
    for (const auto& item : s.items) {
      w.exec_params(
          "INSERT INTO alert_deliveries (search_id, opportunity_id, changed_at) "
          "VALUES ($1, $2, $3::timestamptz) ON CONFLICT DO NOTHING",
          s.search_id, item.id, item.changed_at);
      ids.push_back(item.id);
    }
    if (s.mailed_at) {
      w.exec_params("UPDATE saved_searches SET mailed_at = $2::timestamptz WHERE id = $1",
                    s.search_id, *s.mailed_at);
    }
    searches.push_back({{"search", s.search_id}, {"opportunities", ids}});
  }
  w.exec_params(
      "INSERT INTO audit_log (actor, action, entity, entity_id, after) "
      "VALUES ('terrier alerts', 'alert_digest', 'user', $1, $2::jsonb)",
      owner.user_id, json{{"to", owner.email}, {"searches", searches}}.dump());
  w.commit();
}

void advance_searches(pqxx::connection_base& conn, const std::vector<long long>& search_ids,
                      const std::string& run_started_at) {
  if (search_ids.empty()) return;
  std::vector<std::string> ids;
  for (auto id : search_ids) ids.push_back(std::to_string(id));
  pqxx::work w(conn);
  w.exec_params(
      "UPDATE saved_searches SET mailed_at = $2::timestamptz WHERE id = ANY($1::bigint[]) "
      "AND mailed_at < $2::timestamptz",
      text::pg_array_literal(ids), run_started_at);
  w.commit();
}

std::string database_now(pqxx::connection_base& conn) {
  pqxx::read_transaction r(conn);
  return r.exec1("SELECT " + iso("clock_timestamp()"))[0].as<std::string>();
}

}  // namespace terrier::db
