#include "cli/serve_command.hpp"

#include <fmt/core.h>

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include "api/import_runner.hpp"
#include "api/pool.hpp"
#include "api/replicas.hpp"
#include "api/server.hpp"
#include "api/service.hpp"
#include "api/tile_service.hpp"
#include "cli/alerts_command.hpp"
#include "cli/command.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "matching/config.hpp"

namespace terrier::cli {

namespace {

// --alerts-every: the digests on a timer, on their own connection, until
// the server stops. Another process's run at the same moment is skipped
// (api::send_digests takes a lock in PostgreSQL).
class DigestTimer {
 public:
  DigestTimer(std::string url, api::DigestRunConfig config, std::chrono::minutes every)
      : thread_([this, url = std::move(url), config = std::move(config), every] {
          run(url, config, every);
        }) {}
  ~DigestTimer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  DigestTimer(const DigestTimer&) = delete;
  DigestTimer& operator=(const DigestTimer&) = delete;

 private:
  void run(const std::string& url, const api::DigestRunConfig& config, std::chrono::minutes every) {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, every, [this] { return stopping_; })) {
      lock.unlock();
      try {
        auto conn = db::connect(url);
        auto report = api::send_digests(*conn, config);
        for (const auto& p : report.problems) log::warn("alerts: {}", p);
        if (report.messages > 0 || report.failed > 0) {
          log::info("alerts: {} message(s) sent, {} item(s), {} failed", report.messages,
                    report.items, report.failed);
        }
      } catch (const std::exception& e) {
        log::error("alerts: the digests' run failed: {}", first_line(e.what()));
      }
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

int serve(const Settings& settings, const ServeArgs& args) {
  std::string url = database_url(settings);
  {
    auto conn = db::connect(url);
    db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  }
  api::ServerConfig server_config;
  server_config.set_listen(args.listen);
  server_config.threads = args.threads;
  api::ServiceConfig service_config;
  service_config.web_root = settings.web_root;
  service_config.basemap =
      api::make_basemap(settings.basemap, settings.basemap_url, settings.basemap_attribution);
  service_config.cors_origins = settings.cors_origins;
  service_config.trust_proxy = settings.trust_proxy;
  service_config.limits.exact_count_limit = args.exact_count_limit;
  service_config.limits.reverify_months = settings.reverify_months;
  service_config.matching = matching::load_match_config(settings.match_config);
  service_config.cluster_max_zoom = args.cluster_max_zoom;
  service_config.geocoder_url = args.geocoder_url.empty()     ? settings.geocoder_url
                                : args.geocoder_url == "none" ? ""
                                                              : args.geocoder_url;
  api::TileConfig tile_config;
  tile_config.database_url = url;
  tile_config.cluster_max_zoom = args.cluster_max_zoom;
  tile_config.cache_bytes = args.tile_cache_mb << 20;
  tile_config.reverify_months = settings.reverify_months;
  tile_config.validate();

  // The signals are taken by this thread only; the server's threads, started
  // after this, inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  api::ConnectionPool pool(url, args.pool_size, args.statement_timeout_ms);
  api::ImportRunnerConfig import_config;
  import_config.database_url = url;
  import_config.workers = args.import_workers;
  api::ImportRunner imports(import_config);
  api::TileService tiles(tile_config);
  api::ReplicaConfig replica_config;
  replica_config.urls = settings.read_database_urls;
  replica_config.urls.insert(replica_config.urls.end(), args.read_urls.begin(),
                             args.read_urls.end());
  replica_config.max_lag_s = args.max_replica_lag_s;
  replica_config.pool_size = args.pool_size;
  replica_config.statement_timeout_ms = args.statement_timeout_ms;
  // Every server of one database has its URL (and password): the key of the
  // read-your-writes cookie is the same on all of them.
  replica_config.cookie_key = sha256_hex("terrier_lsn\n" + url);
  replica_config.validate();
  std::optional<api::ReadReplicas> replicas;
  if (!replica_config.urls.empty()) replicas.emplace(replica_config);
  api::Service service(service_config, pool, &imports, &tiles, replicas ? &*replicas : nullptr);
  std::optional<DigestTimer> digests;
  if (args.alerts_every_min > 0) {
    digests.emplace(url, digest_config(settings), std::chrono::minutes(args.alerts_every_min));
  }
  api::Server server(server_config, service);
  server.start();
  fmt::print(
      "listening on http://{}:{}/ ({} threads, {} database connections, {} import workers, {} read "
      "replicas)\n",
      server_config.host, server.port(), args.threads, args.pool_size, args.import_workers,
      replica_config.urls.size());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  log::info("signal {}: finishing the requests in flight", signal_number);
  server.shutdown_gracefully();
  digests.reset();
  // An import still running gets its grace, then is cancelled: its
  // transaction rolls back and its record says so.
  imports.stop(std::chrono::seconds(args.import_grace_s));
  log::info("stopped");
  return 0;
}

namespace {

const Registration kServe{
    Order::serve, [](CLI::App& app, Command& chosen) {
      static ServeArgs args;
      auto* serve = app.add_subcommand("serve", "Serve the map, OGC API – Features and the API");
      serve->add_option("--listen", args.listen, "HOST:PORT (default 127.0.0.1:8080; port 0: any)");
      serve->add_option("--threads", args.threads, "HTTP threads (default 4)");
      serve->add_option("--pool", args.pool_size, "Database connections (default 8)");
      serve->add_option("--statement-timeout", args.statement_timeout_ms,
                        "Milliseconds a query may take (default 5000)");
      serve->add_option("--import-workers", args.import_workers,
                        "Imports from the page run at the same time (default 2)");
      serve->add_option("--import-grace", args.import_grace_s,
                        "Seconds SIGTERM waits for running imports before rolling them back "
                        "(default 10)");
      serve->add_option(
          "--exact-count-limit", args.exact_count_limit,
          "Above this many rows numberMatched is the planner's estimate (default 100000)");
      serve
          ->add_option(
              "--cluster-max-zoom", args.cluster_max_zoom,
              "Opportunities' tiles carry clusters up to this zoom (default 11; -1: never)")
          ->check(CLI::Range(-1, 16));
      serve->add_option("--alerts-every", args.alerts_every_min,
                        "Send the saved searches' e-mail digests every MINUTES (needs "
                        "TERRIER_SMTP_URL and TERRIER_MAIL_FROM; default: never)");
      serve->add_option("--read-url", args.read_urls,
                        "A streaming replica to read from (repeatable; with "
                        "TERRIER_READ_DATABASE_URLS, comma-separated)");
      serve->add_option("--max-replica-lag", args.max_replica_lag_s,
                        "Seconds a replica may lag and still be read (default 5)");
      serve->add_option("--geocoder-url", args.geocoder_url,
                        "The address geocoder the forms ask (default TERRIER_GEOCODER_URL, else "
                        "https://data.geopf.fr/geocodage; none: none)");
      serve->add_option("--tile-cache", args.tile_cache_mb,
                        "Megabytes of tiles kept in memory (default 16; 0: none)");
      serve->callback(
          [&chosen] { chosen = [](const Settings& s) { return cli::serve(s, args); }; });
    }};

}  // namespace

}  // namespace terrier::cli
