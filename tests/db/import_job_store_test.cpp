// Background imports claimed by any server's worker (db/import_job_store) in
// real PostgreSQL: two workers never take the same job, a claim being made
// is skipped rather than waited for, a job whose worker stopped beating is
// taken again, and the queue refuses past its bound.

#include "db/import_job_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "db/import_progress_store.hpp"
#include "tests/support/test_database.hpp"

namespace terrier::test {
namespace {

class ImportJobStore : public ::testing::Test {
 protected:
  void SetUp() override { conn_ = db_.connect(); }

  // Job number `n`: its progress record, then the job.
  std::string enqueue(int n, const std::string& actor = "a", int max_waiting = 100) {
    std::string key = std::string(30, '0') + (n < 10 ? "0" : "") + std::to_string(n);
    EXPECT_TRUE(db::start_import_progress(*conn_, key, actor, "opportunities"));
    EXPECT_TRUE(db::enqueue_import_job(*conn_, key, actor, R"({"kind": "opportunities"})", "csv",
                                       std::string("titre\n\0x\n", 10), max_waiting));
    return key;
  }

  std::string value(const std::string& sql) {
    pqxx::nontransaction n(*conn_);
    return n.exec1(sql)[0].c_str();
  }

  TestDatabase db_;
  std::unique_ptr<pqxx::connection> conn_;
};

TEST_F(ImportJobStore, AClaimGivesTheJobAsItWasQueued) {
  const std::string key = enqueue(1, "marie");
  auto job = db::claim_import_job(*conn_, "server-1/0", 10);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->key, key);
  EXPECT_EQ(job->actor, "marie");
  EXPECT_EQ(job->call, R"({"kind": "opportunities"})");
  EXPECT_EQ(job->format, "csv");
  EXPECT_EQ(job->file, std::string("titre\n\0x\n", 10));
  EXPECT_EQ(job->attempts, 1);
  EXPECT_TRUE(db::has_import_job(*conn_, "marie"));
  EXPECT_FALSE(db::claim_import_job(*conn_, "server-2/0", 10)) << "a fresh claim is not taken";
  EXPECT_TRUE(db::finish_import_job(*conn_, key, "server-1/0"));
  EXPECT_FALSE(db::has_import_job(*conn_, "marie"));
}

TEST_F(ImportJobStore, TwoWorkersClaimingAtOnceNeverTakeTheSameJob) {
  constexpr int kJobs = 40;
  std::set<std::string> queued;
  for (int n = 0; n < kJobs; ++n) queued.insert(enqueue(n));
  std::vector<std::string> taken[2];
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([&, w] {
      auto conn = db_.connect();
      while (auto job = db::claim_import_job(*conn, "worker-" + std::to_string(w), 10)) {
        taken[w].push_back(job->key);
      }
    });
  }
  for (auto& t : workers) t.join();
  std::set<std::string> all(taken[0].begin(), taken[0].end());
  all.insert(taken[1].begin(), taken[1].end());
  EXPECT_EQ(taken[0].size() + taken[1].size(), static_cast<std::size_t>(kJobs))
      << "a job claimed twice, or one left";
  EXPECT_EQ(all, queued);
  EXPECT_EQ(value("SELECT count(*) FROM import_jobs WHERE attempts <> 1"), "0");
}

TEST_F(ImportJobStore, AJobBeingClaimedIsSkippedNotWaitedFor) {
  const std::string first = enqueue(1), second = enqueue(2);
  // Another worker's claim of the oldest job, its transaction still open.
  auto other = db_.connect();
  pqxx::work claiming(*other);
  claiming.exec_params("SELECT key FROM import_jobs WHERE key = $1 FOR UPDATE", first);
  auto job = db::claim_import_job(*conn_, "worker-b", 10);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->key, second);
  EXPECT_FALSE(db::claim_import_job(*conn_, "worker-b", 10));
  claiming.abort();
  job = db::claim_import_job(*conn_, "worker-b", 10);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->key, first);
}

TEST_F(ImportJobStore, AJobWhoseWorkerStoppedBeatingIsClaimedAgain) {
  const std::string dead = enqueue(1), alive = enqueue(2);
  ASSERT_EQ(db::claim_import_job(*conn_, "dead-server/0", 10)->key, dead);
  ASSERT_EQ(db::claim_import_job(*conn_, "live-server/0", 10)->key, alive);
  // 11 s later: the live worker beat meanwhile, the dead one did not.
  {
    pqxx::work w(*conn_);
    w.exec0("UPDATE import_jobs SET heartbeat_at = heartbeat_at - interval '11 seconds'");
    w.commit();
  }
  db::beat_import_jobs(*conn_, "live-server/0");
  auto again = db::claim_import_job(*conn_, "other-server/0", 10);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->key, dead);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_FALSE(db::claim_import_job(*conn_, "other-server/0", 10));
  // The dead worker, were it only slow, may no longer finish it.
  EXPECT_FALSE(db::finish_import_job(*conn_, dead, "dead-server/0"));
  EXPECT_TRUE(db::finish_import_job(*conn_, dead, "other-server/0"));
  EXPECT_TRUE(db::finish_import_job(*conn_, alive, "live-server/0"));
}

TEST_F(ImportJobStore, AReleasedJobWaitsForTheNextWorker) {
  const std::string key = enqueue(1);
  ASSERT_TRUE(db::claim_import_job(*conn_, "w/0", 10));
  db::release_import_job(*conn_, key, "w/0");
  auto job = db::claim_import_job(*conn_, "w/1", 10);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->attempts, 1);
}

TEST_F(ImportJobStore, TheQueueRefusesPastItsBoundOfWaitingJobs) {
  enqueue(1, "a", 2);
  enqueue(2, "b", 2);
  const std::string key(32, 'c');
  ASSERT_TRUE(db::start_import_progress(*conn_, key, "c", "needs"));
  EXPECT_FALSE(db::enqueue_import_job(*conn_, key, "c", "{}", "csv", "x", 2));
  // A running job no longer waits.
  ASSERT_TRUE(db::claim_import_job(*conn_, "w/0", 10));
  EXPECT_TRUE(db::enqueue_import_job(*conn_, key, "c", "{}", "csv", "x", 2));
}

}  // namespace
}  // namespace terrier::test
