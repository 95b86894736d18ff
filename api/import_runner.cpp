#include "api/import_runner.hpp"

#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <pqxx/pqxx>

#include "api/pool.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "db/import_progress_store.hpp"

namespace terrier::api {

void ImportRunnerConfig::validate() const {
  if (workers < 1 || workers > 16) throw ConfigError("--import-workers must be between 1 and 16");
  if (max_waiting < 1) throw ConfigError("at least one import must be able to wait");
  if (beat_every_s < 1 || stale_after_s <= 2 * beat_every_s) {
    throw ConfigError("an import's claim must be renewed at least twice before it is stale");
  }
}

ImportRunner::ImportRunner(ImportRunnerConfig config) : config_(std::move(config)) {
  config_.validate();
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  id_ = fmt::format("{}:{}:{}", host, getpid(), random_hex(4));
  for (int i = 0; i < config_.workers; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    Worker& w = *workers_.back();
    w.thread = std::thread([this, &w] { work(w); });
  }
  spare_thread_ = std::thread([this] { keep_spare(); });
  beat_thread_ = std::thread([this] { beat(); });
  queue_thread_ = std::thread([this] { queue_jobs(); });
}

ImportRunner::~ImportRunner() {
  stop(std::chrono::milliseconds(0));
}

std::unique_ptr<pqxx::connection> ImportRunner::connect() const {
  try {
    return db::connect(config_.database_url, {"terrier import"});
  } catch (const std::exception& e) {
    throw DatabaseUnavailable(first_line(e.what()));
  }
}

std::unique_ptr<pqxx::connection> ImportRunner::take_connection() {
  std::unique_ptr<pqxx::connection> conn;
  {
    std::lock_guard lock(mutex_);
    conn = std::move(spare_);
  }
  spare_taken_.notify_one();
  if (conn) {
    try {
      db::ping(*conn);  // it may have been idle for long
      return conn;
    } catch (const std::exception&) {
      // closed meanwhile: a new one
    }
  }
  return connect();
}

void ImportRunner::keep_spare() {
  std::unique_lock lock(mutex_);
  while (!stopped_) {
    if (spare_) {
      spare_taken_.wait(lock);
      continue;
    }
    lock.unlock();
    std::unique_ptr<pqxx::connection> conn;
    try {
      conn = connect();
    } catch (const std::exception&) {
      // The database is away: the next import opens its own, or says so.
    }
    lock.lock();
    if (conn) {
      spare_ = std::move(conn);
    } else {
      spare_taken_.wait_for(lock, std::chrono::seconds(5));
    }
  }
  spare_.reset();
}

bool ImportRunner::hand_over(std::unique_ptr<pqxx::connection>& control,
                             std::function<void(pqxx::connection&)> queue) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || handed_.size() >= config_.max_waiting) return false;
    handed_.push_back({std::move(control), std::move(queue)});
  }
  handed_ready_.notify_one();
  return true;
}

void ImportRunner::queue_jobs() {
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  std::unique_lock lock(mutex_);
  for (;;) {
    // Those handed over before a stop are queued all the same: another
    // server, or this one started again, runs them.
    handed_ready_.wait(lock, [&] { return stopped_ || !handed_.empty(); });
    if (handed_.empty()) return;
    Handed next = std::move(handed_.front());
    handed_.pop_front();
    lock.unlock();
    try {
      next.queue(*next.control);
    } catch (const std::exception& e) {  // the task records its own failures
      log::error("import: queueing: {}", first_line(e.what()));
    }
    next.control.reset();  // and the person's lock with it
    wake();
    lock.lock();
  }
}

void ImportRunner::wake() {
  wake_.notify_all();
}

std::size_t ImportRunner::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

void ImportRunner::pause(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  if (!stopped_) wake_.wait_for(lock, wait);
}

void ImportRunner::work(Worker& self) {
  // Below the HTTP threads: a large import never takes their CPU.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  std::unique_ptr<pqxx::connection> control;
  bool reachable = true;  // until the first failure is logged
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
    }
    std::optional<db::ClaimedImportJob> job;
    try {
      if (!control || !control->is_open()) control = connect();
      job = db::claim_import_job(*control, id_, config_.stale_after_s);
      reachable = true;
    } catch (const std::exception& e) {
      if (reachable) log::warn("import: cannot look for jobs: {}", first_line(e.what()));
      reachable = false;
      control.reset();
    }
    if (!job) {
      pause(config_.poll);
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      ++running_;
    }
    try {
      run(self, *control, *job);
    } catch (const std::exception& e) {  // a job reports its own failures
      log::error("import {}: {}", job->key, first_line(e.what()));
      control.reset();  // its lock, if any, with it
    }
    {
      std::lock_guard lock(mutex_);
      --running_;
    }
    idle_.notify_all();
  }
}

void ImportRunner::run(Worker& self, pqxx::connection& control, const db::ClaimedImportJob& job) {
  // One import at a time per person: a synchronous one may hold the lock.
  if (!db::lock_importer_within(control, job.actor, 200)) {
    db::release_import_job(control, job.key, id_);
    pause(config_.poll);
    return;
  }
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = connect();
  } catch (const std::exception& e) {
    log::error("import {}: no database connection: {}", job.key, first_line(e.what()));
    give_back_import(control, job, id_);
    pause(config_.poll);
    return;
  }
  {
    std::lock_guard g(self.mutex);
    self.backend_pid = conn->backendpid();
  }
  run_claimed_import(control, *conn, job, id_, stopping_);
  std::lock_guard g(self.mutex);  // before the connection closes
  self.backend_pid = 0;
}

// The claims of the jobs running here, renewed while they run: a server
// that dies stops renewing them, and another claims its jobs again.
void ImportRunner::beat() {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_lock lock(mutex_);
  while (!stopped_ || running_ > 0) {
    bool busy = running_ > 0;
    lock.unlock();
    if (busy) {
      try {
        if (!conn || !conn->is_open()) conn = connect();
        db::beat_import_jobs(*conn, id_);
      } catch (const std::exception& e) {
        log::warn("import: the running jobs' heartbeat: {}", first_line(e.what()));
        conn.reset();
      }
    }
    lock.lock();
    idle_.wait_for(lock, std::chrono::seconds(config_.beat_every_s));
  }
}

void ImportRunner::cancel_running() {
  try {
    auto conn = connect();
    for (auto& w : workers_) {
      // Held while signalling: the backend is still this import's.
      std::lock_guard g(w->mutex);
      if (w->backend_pid) db::cancel_backend(*conn, w->backend_pid);
    }
  } catch (const std::exception& e) {
    log::error("import: cannot cancel the running imports: {}", first_line(e.what()));
  }
}

void ImportRunner::stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  wake_.notify_all();
  spare_taken_.notify_all();
  handed_ready_.notify_all();
  if (queue_thread_.joinable()) queue_thread_.join();
  std::unique_lock lock(mutex_);
  if (!idle_.wait_for(lock, grace, [&] { return running_ == 0; })) {
    log::info("stopping {} running import(s): rolled back", running_);
    stopping_ = true;
    // A cancel that lands between two statements is lost: again until the
    // jobs return (the reading checks `stopping` itself).
    while (!idle_.wait_for(lock, std::chrono::milliseconds(200), [&] { return running_ == 0; })) {
      lock.unlock();
      cancel_running();
      lock.lock();
    }
  }
  lock.unlock();
  idle_.notify_all();
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  if (beat_thread_.joinable()) beat_thread_.join();
  if (spare_thread_.joinable()) spare_thread_.join();
}

}  // namespace terrier::api
