#include "api/import_runner.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <pqxx/pqxx>

#include "api/pool.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace terrier::api {

void ImportRunnerConfig::validate() const {
  if (workers < 1 || workers > 16) throw ConfigError("--import-workers must be between 1 and 16");
  if (max_waiting < 1) throw ConfigError("at least one import must be able to wait");
}

ImportRunner::ImportRunner(ImportRunnerConfig config) : config_(std::move(config)) {
  config_.validate();
  for (int i = 0; i < config_.workers; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    Worker& w = *workers_.back();
    w.thread = std::thread([this, &w] { work(w); });
  }
  spare_thread_ = std::thread([this] { keep_spare(); });
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

bool ImportRunner::submit(std::unique_ptr<ImportJob>& job) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || waiting_.size() >= config_.max_waiting) return false;
    waiting_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

std::size_t ImportRunner::pending() const {
  std::lock_guard lock(mutex_);
  return waiting_.size() + running_;
}

void ImportRunner::work(Worker& self) {
  // Below the HTTP threads: a large import never takes their CPU.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  for (;;) {
    std::unique_ptr<ImportJob> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopped_ || !waiting_.empty(); });
      if (waiting_.empty()) return;
      job = std::move(waiting_.front());
      waiting_.pop_front();
      ++running_;
    }
    try {
      auto conn = connect();
      {
        std::lock_guard g(self.mutex);
        self.backend_pid = conn->backendpid();
      }
      try {
        job->run(*conn, stopping_);
      } catch (const std::exception& e) {  // a job reports its own failures
        log::error("import: {}", first_line(e.what()));
      }
      std::lock_guard g(self.mutex);  // before the connection closes
      self.backend_pid = 0;
    } catch (const std::exception& e) {
      log::error("import: no database connection: {}", first_line(e.what()));
      job->drop();
    }
    job.reset();  // closes its own connection, and with it the person's lock
    {
      std::lock_guard lock(mutex_);
      --running_;
    }
    idle_.notify_all();
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
  std::deque<std::unique_ptr<ImportJob>> dropped;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    dropped.swap(waiting_);
  }
  wake_.notify_all();
  spare_taken_.notify_all();
  for (auto& job : dropped) job->drop();
  dropped.clear();
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
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  if (spare_thread_.joinable()) spare_thread_.join();
}

}  // namespace terrier::api
