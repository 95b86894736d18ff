#include "api/alerts.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>

#include "api/alert_render.hpp"
#include "api/problem.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "db/alert_store.hpp"

namespace terrier::api {
namespace {

// Held on the run's own connection for the run's length.
class RunLock {
 public:
  explicit RunLock(pqxx::connection_base& conn) : conn_(conn) {
    pqxx::nontransaction n(conn_);
    held_ = n.exec1("SELECT pg_try_advisory_lock(hashtext('terrier alert digests'))")[0].as<bool>();
  }
  ~RunLock() {
    if (!held_) return;
    try {
      pqxx::nontransaction n(conn_);
      n.exec("SELECT pg_advisory_unlock(hashtext('terrier alert digests'))");
    } catch (const std::exception& e) {
      log::warn("alerts: could not release the run's lock: {}", e.what());
    }
  }
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  bool held() const { return held_; }

 private:
  pqxx::connection_base& conn_;
  bool held_ = false;
};

struct Person {
  db::AlertOwner owner;
  std::vector<db::DigestSearch> searches;
};

}  // namespace

DigestRunReport send_digests(pqxx::connection_base& conn, const DigestRunConfig& config) {
  DigestRunReport report;
  RunLock lock(conn);
  if (!lock.held()) {
    report.ran = false;
    return report;
  }
  const std::string started = db::database_now(conn);
  std::vector<Person> people;
  for (auto& d : db::digest_searches(conn)) {
    if (people.empty() || people.back().owner.user_id != d.owner.user_id) {
      people.push_back({d.owner, {}});
    }
    people.back().searches.push_back(std::move(d));
  }
  for (const auto& person : people) {
    std::vector<std::pair<db::SavedSearch, std::vector<db::AlertItem>>> found;
    std::vector<bool> cut;  // found[i] stopped at max_items: more follow
    std::vector<long long> quiet;
    for (const auto& d : person.searches) {
      db::FeatureFilters filters;
      try {
        filters = parse_saved_query(d.search.query, config.limits);
      } catch (const Problem& p) {
        report.problems.push_back(fmt::format("search {} of {}: its query no longer reads: {}",
                                              d.search.id, person.owner.email, p.what()));
        continue;
      }
      auto items = db::digest_items(conn, person.owner.role, filters, config.limits.reverify_months,
                                    d.search.id, d.look_back_from, config.max_items);
      if (items.empty()) {
        quiet.push_back(d.search.id);
        continue;
      }
      cut.push_back(items.size() == config.max_items);
      found.emplace_back(d.search, std::move(items));
    }
    db::advance_searches(conn, quiet, started);
    if (found.empty()) continue;
    auto mail = digest_mail(person.owner, found, config.base_url);
    try {
      send_mail(config.mail, person.owner.email, mail);
    } catch (const Error& e) {
      // Nothing recorded: the next run sends these items again.
      ++report.failed;
      report.problems.push_back(e.what());
      continue;
    }
    std::vector<db::DigestSent> sent;
    for (std::size_t i = 0; i < found.size(); ++i) {
      report.items += found[i].second.size();
      sent.push_back({found[i].first.id, std::move(found[i].second),
                      cut[i] ? std::nullopt : std::optional(started)});
    }
    db::record_digest(conn, person.owner, sent);
    ++report.messages;
  }
  return report;
}

}  // namespace terrier::api
