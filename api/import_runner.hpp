#pragma once

// Imports sent with async=true run here, on worker threads of their own,
// never on an HTTP thread. A job is a row of import_jobs (db/import_job_store):
// the server that received the file queues it, and a worker of any server
// claims it (FOR UPDATE SKIP LOCKED), takes the person's import lock on its
// own control connection (which writes the progress), opens the import's
// connection and runs it, while the runner's heartbeat keeps its claims
// fresh; a job whose server died is claimed again once its heartbeat is
// stale. None of these connections comes from the request pool, so the
// requests answered meanwhile, /healthz included, never wait behind an
// import.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.hpp"
#include "db/import_job_store.hpp"

namespace terrier::api {

struct ImportRunnerConfig {
  std::string database_url;
  int workers = 1;              // imports run at the same time by this process
  std::size_t max_waiting = 4;  // imports waiting for a worker, every server's
  int beat_every_s = 2;         // how often the running jobs' claims are renewed
  int stale_after_s = 15;       // a claim not renewed for this long: its server died
  // How often an idle worker looks for the jobs other servers queued (this
  // server's own wake it at once).
  std::chrono::milliseconds poll{1000};

  void validate() const;  // throws ConfigError
};

// Runs a claimed job (import_jobs.cpp), on a worker thread: `control` holds
// the person's lock and writes the progress, `conn` is the import's own;
// `stopping` turns true when the server stops: the job gives up, its
// transaction rolled back, and says so. Records the end and removes the job.
void run_claimed_import(pqxx::connection& control, pqxx::connection& conn,
                        const db::ClaimedImportJob& job, const std::string& worker,
                        const std::atomic<bool>& stopping);
// A job its worker could not start (no database connection): given back.
void give_back_import(pqxx::connection& control, const db::ClaimedImportJob& job,
                      const std::string& worker);

class ImportRunner {
 public:
  explicit ImportRunner(ImportRunnerConfig config);
  ~ImportRunner();
  ImportRunner(const ImportRunner&) = delete;
  ImportRunner& operator=(const ImportRunner&) = delete;

  // A connection of its own (not from the pool), for queueing a job: the
  // one opened ahead by the runner's own thread, so the HTTP thread that
  // takes it does not wait for PostgreSQL to start a backend; throws
  // DatabaseUnavailable.
  std::unique_ptr<pqxx::connection> take_connection();
  // Runs `queue` on the runner's own thread with `control` (a job's queueing:
  // the file written into import_jobs, which takes a while for a large one,
  // never on an HTTP thread, whose other connections would wait), then
  // wakes the workers; false, `control` left with the caller, when
  // max_waiting queueings are already waiting or the runner is stopping.
  bool hand_over(std::unique_ptr<pqxx::connection>& control,
                 std::function<void(pqxx::connection&)> queue);
  // A job was queued here: a worker looks at once.
  void wake();
  // This process's name in import_jobs.claimed_by.
  const std::string& id() const { return id_; }
  std::size_t max_waiting() const { return config_.max_waiting; }
  // Jobs running in this process.
  std::size_t running() const;
  // Claims no more jobs (those waiting stay queued for another server),
  // waits up to `grace` for the running ones, then stops them: each running
  // import's statement is cancelled until its job returns, so its
  // transaction rolls back.
  void stop(std::chrono::milliseconds grace);

 private:
  struct Worker {
    std::thread thread;
    std::mutex mutex;  // held while the connection's backend is signalled
    int backend_pid = 0;
  };
  std::unique_ptr<pqxx::connection> connect() const;
  void work(Worker& self);
  void run(Worker& self, pqxx::connection& control, const db::ClaimedImportJob& job);
  void beat();
  void keep_spare();
  void queue_jobs();
  void cancel_running();
  void pause(std::chrono::milliseconds wait);

  ImportRunnerConfig config_;
  std::string id_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::size_t running_ = 0;
  bool stopped_ = false;
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::thread beat_thread_;
  struct Handed {
    std::unique_ptr<pqxx::connection> control;
    std::function<void(pqxx::connection&)> queue;
  };
  std::deque<Handed> handed_;  // guarded by mutex_
  std::condition_variable handed_ready_;
  std::thread queue_thread_;
  std::unique_ptr<pqxx::connection> spare_;  // guarded by mutex_
  std::condition_variable spare_taken_;
  std::thread spare_thread_;
};

}  // namespace terrier::api
