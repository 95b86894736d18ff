// Alerts: a person's saved searches (/api/searches…), their private Atom
// feeds (/feeds/{secret}.atom) and the feeds of a need's new matches
// (/api/needs/{id}/feed). A feed answers with what its owner's account may
// read today; a disabled or reset account's feeds answer 404.

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "api/account_params.hpp"
#include "api/alert_render.hpp"
#include "api/field_problem.hpp"
#include "api/handlers.hpp"
#include "api/params.hpp"
#include "db/alert_store.hpp"
#include "db/feature_store.hpp"

namespace terrier::api {
namespace {

using nlohmann::json;

// How many entries a feed lists.
constexpr std::size_t kFeedEntries = 50;

std::string feed_url(const Context& ctx, const std::string& secret) {
  return fmt::format("{}/feeds/{}.atom", ctx.base_url, secret);
}

// A saved query the items' parser refuses is refused on the query field.
db::FeatureFilters saved_filters(const std::string& query, const ServiceConfig& config) {
  try {
    return parse_saved_query(query, config.limits);
  } catch (const Problem& p) {
    throw field_error("query",
                      fmt::format("Cette recherche ne peut pas être enregistrée : {}", p.what()));
  }
}

json search_json(const db::SavedSearch& s, long long new_count) {
  return {{"id", s.id},
          {"name", s.name},
          {"query", s.query},
          {"email", s.email},
          {"created_at", s.created_at},
          {"seen_at", s.seen_at},
          {"new_count", new_count}};
}

long long new_count(pqxx::connection_base& conn, const Context& ctx, const db::SavedSearch& s,
                    const ServiceConfig& config) {
  db::FeatureFilters filters;
  try {
    filters = parse_saved_query(s.query, config.limits);
  } catch (const Problem&) {
    return 0;  // a query the vocabularies no longer read fits nothing
  }
  return db::count_changed_opportunities(conn, ctx.role, filters, config.limits.reverify_months,
                                         s.seen_at);
}

Problem no_search(long long id) {
  return not_found(fmt::format("Vous n'avez pas de recherche enregistrée {}.", id));
}

}  // namespace

Response list_searches(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  long long user_id = require_person(ctx);
  auto conn = pool.acquire();
  json out = json::array();
  for (const auto& s : db::list_searches(*conn, user_id)) {
    out.push_back(search_json(s, new_count(*conn, ctx, s, config)));
  }
  Response r = json_response(out.dump());
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response create_search(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  long long user_id = require_person(ctx);
  auto body = SearchBody::parse(ctx.request.body, true);
  saved_filters(*body.query, config);
  auto conn = pool.acquire();
  auto made = db::create_search(*conn, user_id, *body.name, *body.query, *body.email);
  auto s = db::find_search(*conn, user_id, made.id);
  if (!s) throw no_search(made.id);
  json j = search_json(*s, 0);
  j["feed_url"] = feed_url(ctx, made.secret);
  return created(j);
}

Response patch_search(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  long long user_id = require_person(ctx);
  long long id = id_or_404(ctx.segments[2], "search");
  auto body = SearchBody::parse(ctx.request.body, false);
  if (body.query) saved_filters(*body.query, config);
  auto conn = pool.acquire();
  if (!db::update_search(*conn, user_id, id, {body.name, body.query, body.email})) {
    throw no_search(id);
  }
  auto s = db::find_search(*conn, user_id, id);
  if (!s) throw no_search(id);
  return json_response(search_json(*s, new_count(*conn, ctx, *s, config)).dump());
}

Response delete_search(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  long long user_id = require_person(ctx);
  long long id = id_or_404(ctx.segments[2], "search");
  auto conn = pool.acquire();
  if (!db::delete_search(*conn, user_id, id)) throw no_search(id);
  return no_content();
}

// A new address for the search's feed: the old one stops at once.
Response renew_search_feed(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  long long user_id = require_person(ctx);
  long long id = id_or_404(ctx.segments[2], "search");
  auto conn = pool.acquire();
  auto renewed = db::renew_search_feed(*conn, user_id, id);
  if (!renewed) throw no_search(id);
  return created({{"id", id}, {"feed_url", feed_url(ctx, renewed->secret)}});
}

// The person opened the search: its counter starts again.
Response mark_search_seen(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  long long user_id = require_person(ctx);
  long long id = id_or_404(ctx.segments[2], "search");
  auto conn = pool.acquire();
  if (!db::mark_search_seen(*conn, user_id, id)) throw no_search(id);
  return no_content();
}

Response create_need_feed(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  long long user_id = require_person(ctx);
  long long need_id = id_or_404(ctx.segments[2], "need");
  auto body = NeedFeedBody::parse(ctx.request.body);
  auto conn = pool.acquire();
  if (!db::feature_by_id(*conn, db::Collection::needs, ctx.role, std::to_string(need_id))) {
    throw not_found(fmt::format("Aucun besoin n'a l'identifiant {}.", need_id));
  }
  auto made = db::create_need_feed(*conn, user_id, need_id, body.min_score);
  return created({{"id", made.id},
                  {"need_id", need_id},
                  {"min_score", body.min_score},
                  {"feed_url", feed_url(ctx, made.secret)}});
}

// GET /feeds/{secret}.atom: no account needed, the secret is the key.
Response feed(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  const std::string& segment = ctx.segments[1];
  const std::string suffix = ".atom";
  auto gone = [] { return not_found("Ce flux n'existe pas ou plus."); };
  if (segment.size() <= suffix.size() || !segment.ends_with(suffix)) throw gone();
  const std::string secret = segment.substr(0, segment.size() - suffix.size());
  auto conn = pool.acquire();
  auto f = db::find_feed(*conn, secret);
  if (!f) throw gone();
  std::vector<db::AlertItem> items;
  if (f->search) {
    std::optional<db::FeatureFilters> filters;
    try {
      filters = parse_saved_query(f->search->query, config.limits);
    } catch (const Problem&) {
      // A query the vocabularies no longer read fits nothing: an empty feed.
    }
    if (filters) {
      items = db::changed_opportunities(*conn, f->owner.role, *filters,
                                        config.limits.reverify_months, std::nullopt, kFeedEntries);
    }
  } else {
    items = db::new_matches(*conn, f->owner.role, f->need_id, f->min_score, kFeedEntries);
  }
  Response r = json_response(atom_feed(*f, items, ctx.base_url, feed_url(ctx, secret)),
                             "application/atom+xml; charset=utf-8");
  r.headers.emplace_back("Cache-Control", "private, no-cache");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

}  // namespace terrier::api
