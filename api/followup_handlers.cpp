#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/etag.hpp"
#include "api/field_problem.hpp"
#include "api/handlers.hpp"
#include "core/json.hpp"
#include "core/text.hpp"
#include "core/vocabulary.hpp"
#include "db/feature_store.hpp"
#include "db/followup_store.hpp"

namespace terrier::api {
namespace {

bool is_match_status(const std::string& s) {
  const auto& all = vocabulary::kMatchStatuses;
  return std::find(all.begin(), all.end(), s) != all.end();
}

void require_followup_reader(const Context& ctx) {
  if (!may_read_followup(ctx.role)) {
    throw Problem(401, "Unauthorized", "le suivi est réservé aux personnes connectées");
  }
}

// {"status"?, "note"?}: at least one; the status from the vocabulary, the
// note at most 2,000 characters.
db::StatusUpdate parse_status_update(const std::string& body) {
  db::StatusUpdate u;
  nlohmann::json j;
  try {
    j = parse_json(body);
  } catch (const std::exception&) {
    throw bad_request(
        "le corps doit être un objet JSON : {\"status\": \"contacté\", \"note\": \"…\"}");
  }
  if (!j.is_object())
    throw bad_request("le corps doit être un objet JSON : {\"status\", \"note\"}");
  for (const auto& [k, v] : j.items()) {
    if (k != "status" && k != "note") throw field_error(k, fmt::format("champ inconnu « {} »", k));
  }
  if (j.contains("status")) {
    if (!j["status"].is_string() || !is_match_status(j["status"].get<std::string>())) {
      throw field_error("status",
                        "le suivi est proposé, contacté, visite, accord, refusé ou abandonné");
    }
    u.status = j["status"].get<std::string>();
  }
  if (j.contains("note") && !j["note"].is_null()) {
    if (!j["note"].is_string()) throw field_error("note", "la note est un texte");
    auto note = j["note"].get<std::string>();
    if (note.size() > 2000) throw field_error("note", "la note dépasse 2 000 caractères");
    if (!note.empty()) u.note = note;
  }
  if (!u.status && !u.note) throw field_error("status", "indiquez un suivi ou une note");
  return u;
}

Response versioned_response(const db::Versioned& v, const std::string& entity, long long id,
                            Role role) {
  Response r = json_response(v.json);
  r.headers.emplace_back("ETag", entity_etag(entity, id, v.version, role));
  return r;
}

}  // namespace

Response get_match(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_followup_reader(ctx);
  long long id = id_or_404(ctx.segments[2], "match");
  auto conn = pool.acquire();
  auto m = db::match_object(*conn, id, ctx.role);
  if (!m) throw not_found(fmt::format("no match '{}'", id));
  return versioned_response(*m, "match", id, ctx.role);
}

// The land group (members), foundations and admins move a match along,
// with an optional note; If-Match guards against a concurrent change.
Response patch_match(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  if (ctx.role == Role::anonymous)
    throw Problem(401, "Unauthorized", "a token is needed to change a match");
  if (!may_set_match_status(ctx.role)) {
    throw Problem(403, "Forbidden",
                  fmt::format("the {} role does not change matches", role_name(ctx.role)));
  }
  long long id = id_or_404(ctx.segments[2], "match");
  auto update = parse_status_update(ctx.request.body);
  update.who = ctx.who;
  update.expected_version = if_match_version(ctx.request, "match", id);
  auto conn = pool.acquire();
  auto outcome = db::set_match_status(*conn, id, update, ctx.role);
  if (outcome == db::UpdateOutcome::not_found) throw not_found(fmt::format("no match '{}'", id));
  auto current = db::match_object(*conn, id, ctx.role);
  if (!current) throw not_found(fmt::format("no match '{}'", id));
  if (outcome == db::UpdateOutcome::stale) {
    return precondition_failed(current->json, entity_etag("match", id, current->version, ctx.role));
  }
  return versioned_response(*current, "match", id, ctx.role);
}

// GET /api/{matches,opportunities,needs,requests}/{id}/history
Response object_history(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_followup_reader(ctx);
  const std::string& collection = ctx.segments[1];
  std::string entity = collection == "matches"         ? "match"
                       : collection == "opportunities" ? "opportunity"
                       : collection == "needs"         ? "need"
                                                       : "request";
  long long id = id_or_404(ctx.segments[2], entity.c_str());
  auto conn = pool.acquire();
  auto doc = db::history(*conn, entity, id, ctx.role);
  if (!doc) throw not_found(fmt::format("no {} '{}'", entity, id));
  return json_response(*doc);
}

// GET /api/followup?circle=SLUG&status=contacté,visite&limit=N
Response followup_board(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  require_followup_reader(ctx);
  db::FollowupQuery query = parse_followup_params(ctx.params);
  auto conn = pool.acquire();
  if (query.circle && !db::territory_known(*conn, *query.circle)) {
    throw field_error("circle",
                      fmt::format("aucun cercle n'a l'identifiant « {} »", *query.circle));
  }
  return json_response(db::followup(*conn, query, ctx.role));
}

}  // namespace terrier::api
