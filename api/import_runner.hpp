#pragma once

// Imports sent with async=true run here, on worker threads of their own,
// never on an HTTP thread. A job arrives with the connection that holds its
// person's import lock and writes its progress (opened by the HTTP thread
// that took the lock and handed over, never used by two threads at once);
// the worker opens the import's own connection. Neither comes from the
// request pool, so the requests answered meanwhile, /healthz included, never
// wait behind an import.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.hpp"

namespace terrier::api {

struct ImportRunnerConfig {
  std::string database_url;
  int workers = 1;              // imports run at the same time by this process
  std::size_t max_waiting = 4;  // accepted imports waiting for a worker

  void validate() const;  // throws ConfigError
};

// One accepted import.
class ImportJob {
 public:
  virtual ~ImportJob() = default;
  // On a worker thread, with the import's own connection; `stopping` turns
  // true when the server stops: the job gives up, its transaction rolled
  // back.
  virtual void run(pqxx::connection& conn, const std::atomic<bool>& stopping) = 0;
  // The server stops before the job started.
  virtual void drop() = 0;
};

class ImportRunner {
 public:
  explicit ImportRunner(ImportRunnerConfig config);
  ~ImportRunner();
  ImportRunner(const ImportRunner&) = delete;
  ImportRunner& operator=(const ImportRunner&) = delete;

  // A connection of its own (not from the pool), for a job's lock and
  // progress: the one opened ahead by the runner's own thread, so the HTTP
  // thread that takes it does not wait for PostgreSQL to start a backend;
  // throws DatabaseUnavailable.
  std::unique_ptr<pqxx::connection> take_connection();
  // Queues `job` and takes it; leaves it with the caller when the queue is
  // full or the runner is stopping.
  bool submit(std::unique_ptr<ImportJob>& job);
  // Jobs accepted and not finished.
  std::size_t pending() const;
  // Takes no more jobs, drops the waiting ones, waits up to `grace` for the
  // running ones, then stops them: each running import's statement is
  // cancelled until its job returns, so its transaction rolls back.
  void stop(std::chrono::milliseconds grace);

 private:
  struct Worker {
    std::thread thread;
    std::mutex mutex;  // held while the connection's backend is signalled
    int backend_pid = 0;
  };
  std::unique_ptr<pqxx::connection> connect() const;
  void work(Worker& self);
  void keep_spare();
  void cancel_running();

  ImportRunnerConfig config_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::unique_ptr<ImportJob>> waiting_;
  std::size_t running_ = 0;
  bool stopped_ = false;
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<pqxx::connection> spare_;  // guarded by mutex_
  std::condition_variable spare_taken_;
  std::thread spare_thread_;
};

}  // namespace terrier::api
