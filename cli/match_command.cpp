#include "cli/match_command.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "api/match_service.hpp"
#include "cli/command.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/vocabulary.hpp"
#include "db/match_store.hpp"
#include "db/migrations.hpp"
#include "matching/config.hpp"

namespace terrier::cli {
namespace {

using matching::Match;

struct Names {
  std::map<long long, std::string> needs, opportunities;
};

void print_table(const std::vector<Match>& matches, const Names& names, bool by_need) {
  if (matches.empty()) {
    fmt::print("aucune correspondance\n");
    return;
  }
  fmt::print("{:>5}  {:>5}  {:>6}  {:>6}  {}\n", "score", "fiab.", "besoin", "bien", "");
  for (const auto& m : matches) {
    auto name = by_need ? names.opportunities.find(m.opportunity_id) : names.needs.find(m.need_id);
    const auto& table = by_need ? names.opportunities : names.needs;
    fmt::print("{:>5.1f}  {:>5.1f}  {:>6}  {:>6}  {}\n", m.score, m.reliability, m.need_id,
               m.opportunity_id, name == table.end() ? "" : name->second);
    fmt::print("{:>29}{}\n", "", m.reasons_text());
  }
}

void print_json(const std::vector<Match>& matches) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : matches) {
    out.push_back({{"need_id", m.need_id},
                   {"opportunity_id", m.opportunity_id},
                   {"score", m.score},
                   {"reliability", m.reliability},
                   {"distance_m", std::round(m.distance_m)},
                   {"tenure", m.tenure},
                   {"components",
                    {{"surface", m.components.surface},
                     {"distance", m.components.distance},
                     {"budget", m.components.budget},
                     {"tenure", m.components.tenure},
                     {"timing", m.components.timing}}},
                   {"reasons", m.reasons}});
  }
  fmt::print("{}\n", out.dump(2));
}

// --all: every active need ranked and stored in one transaction, through
// the shared service. The needs are read on a second connection while the
// opportunities stream in on this one: the server works on both at once.
int match_all(const Settings& settings, const MatchArgs& args, api::MatchService& service) {
  auto needs_ahead = std::async(std::launch::async, [&settings, territory = args.territory] {
    auto second = db::connect(database_url(settings));
    return db::MatchStore(*second).active_needs(territory);
  });
  auto ranked = service.rank_all(std::move(needs_ahead));
  fmt::print("{} need(s) matched, {} match(es) stored\n", ranked.needs, ranked.matches);
  return 0;
}

}  // namespace

int match(const Settings& settings, const MatchArgs& args) {
  int modes = int(args.need.has_value()) + int(args.opportunity.has_value()) + int(args.assign) +
              int(args.all);
  if (modes != 1)
    throw ConfigError("give exactly one of --need ID, --opportunity ID, --assign, --all");
  auto config = matching::load_match_config(args.config.value_or(settings.match_config));

  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  db::MatchStore store(*conn);
  if (args.territory && !store.territory_exists(*args.territory)) {
    throw ConfigError(fmt::format("no territory has the slug '{}'", *args.territory));
  }

  api::MatchService service(store, config);
  if (args.all) return match_all(settings, args, service);

  Names names;
  std::vector<Match> result;
  bool by_need = true;
  if (args.need) {
    auto need = store.need(*args.need);
    if (!need) throw ConfigError(fmt::format("no need has id {}", *args.need));
    if (need->status != "active") {
      fmt::print(stderr, "the need {} is '{}': it is not matched\n", need->id, need->status);
    }
    auto ranked = *service.rank_need(need->id);
    std::size_t shown = args.limit ? args.limit : config.top_k;
    result.assign(ranked.begin(), ranked.begin() + std::min(ranked.size(), shown));
  } else if (args.opportunity) {
    auto ranked = service.rank_opportunity(*args.opportunity, args.limit);
    if (!ranked) throw ConfigError(fmt::format("no opportunity has id {}", *args.opportunity));
    if (ranked->empty() && store.opportunity(*args.opportunity)->status != vocabulary::kAvailable) {
      fmt::print(stderr, "the opportunity {} is not 'disponible': it is not matched\n",
                 *args.opportunity);
    }
    result = std::move(*ranked);
    by_need = false;
  } else {
    result = service.assignment(args.territory, {});
    if (args.limit && result.size() > args.limit) result.resize(args.limit);
  }
  for (const auto& o : service.opportunities()) names.opportunities[o.id] = o.title;
  for (const auto& n : service.needs()) names.needs[n.id] = n.collective_name;

  if (args.json) {
    print_json(result);
  } else {
    print_table(result, names, by_need);
  }
  return 0;
}

namespace {

const Registration kMatch{
    Order::match, [](CLI::App& app, Command& chosen) {
      static MatchArgs args;
      auto* match =
          app.add_subcommand("match", "Pair needs with opportunities: rank, store, assign");
      match->add_option("--need", args.need,
                        "Rank the opportunities for this need, and store them");
      match->add_option("--opportunity", args.opportunity,
                        "Rank the needs this opportunity fits; recompute the needs it touches");
      match->add_flag("--assign", args.assign,
                      "One-to-one assignment maximising the total score (with --territory)");
      match->add_flag("--all", args.all, "Recompute and store the matches of every active need");
      match->add_option("--territory", args.territory,
                        "A circle, EPCI, commune or département slug");
      match->add_option("--limit", args.limit, "How many to show (default: the config's top_k)");
      match->add_flag("--json", args.json, "JSON instead of a table");
      match->add_option("--config", args.config, "Matching weights (TERRIER_MATCH_CONFIG)")
          ->check(CLI::ExistingFile);
      match->callback(
          [&chosen] { chosen = [](const Settings& s) { return cli::match(s, args); }; });
    }};

}  // namespace

}  // namespace terrier::cli
