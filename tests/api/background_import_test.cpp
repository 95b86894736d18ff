// Background imports (POST /api/imports?async=true): 202 and a progress URL
// at once, the import on a worker of the server, and the progress ending
// with the whole report or problem a synchronous import answers; one import
// at a time per person (409), across async and sync; imported requests
// recorded in import_runs; day-old progress records removed, and the
// record of an import whose server died said failed; a queued job (in
// import_jobs) whose server died while running it is claimed and run by
// another; SIGTERM rolls a running import back. Against a real server and
// PostGIS.

#include <fmt/core.h>

#include <chrono>
#include <thread>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

using Clock = std::chrono::steady_clock;

class BackgroundImport : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = token("admin");
  }

  // `rows` opportunities on a grid of 56 m steps inside Lille, as a French
  // spreadsheet writes them (decimal commas): no two are probable
  // duplicates.
  static std::string grid(int rows, const std::string& prefix) {
    std::string file = "Réf.;Intitulé;Type de bien;Latitude;Longitude\n";
    auto french = [](double v) {
      auto s = fmt::format("{:.4f}", v);
      s[s.find('.')] = ',';
      return s;
    };
    for (int i = 0; i < rows; ++i) {
      file += fmt::format("{}-{};Local {} {};bureau;{};{}\n", prefix, i, prefix, i,
                          french(50.60 + (i / 300) * 0.0005), french(3.00 + (i % 300) * 0.0008));
    }
    return file;
  }

  HttpResponse import(const std::string& query, const std::string& file,
                      const std::string& bearer) {
    return send("POST", "/api/imports?" + query, file, bearer);
  }

  // The progress URL of an accepted import.
  static std::string progress_url(const HttpResponse& accepted) {
    EXPECT_EQ(accepted.status, 202) << accepted.body;
    if (accepted.status != 202) return "";
    return json::parse(accepted.body)["progress_url"].get<std::string>();
  }

  // The progress asked every 50 ms until the import ended: its last answer.
  json wait_for_end(const std::string& url, const std::string& bearer) {
    auto deadline = Clock::now() + std::chrono::seconds(180);
    while (Clock::now() < deadline) {
      auto r = get(url, bearer);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      auto j = json::parse(r.body);
      if (j["state"] == "done" || j["state"] == "failed") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << url << " did not end";
    return json::object();
  }

  void exec(const std::string& sql) {
    pqxx::work w(*conn_);
    w.exec(sql);
    w.commit();
  }

  std::string admin_;
};

TEST_F(BackgroundImport, AnswersAtOnceAndItsProgressEndsWithTheReportASynchronousImportGives) {
  const std::string file = grid(3000, "A");
  auto sync = import("kind=opportunities&dry_run=true", file, admin_);
  ASSERT_EQ(sync.status, 200) << sync.body.substr(0, 300);
  const json expected = json::parse(sync.body);
  ASSERT_EQ(expected["inserted"], 3000) << expected["summary"];

  auto accepted = import("kind=opportunities&dry_run=true&async=true", file, admin_);
  const std::string url = progress_url(accepted);
  ASSERT_EQ(url.rfind("/api/imports/progress/", 0), 0u) << url;
  EXPECT_EQ(accepted.header("Location"), url);
  auto end = wait_for_end(url, admin_);
  EXPECT_EQ(end["state"], "done");
  EXPECT_EQ(end["status"], 200);
  EXPECT_EQ(end["rows_read"], 3000);
  EXPECT_EQ(end["fraction"], 1.0);
  for (const auto& [name, v] : expected.items()) EXPECT_EQ(end[name], v) << name;
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id LIKE 'A-%'"), 0);
  // Nobody else learns of it.
  EXPECT_EQ(json::parse(get(url, member_).body)["state"], "pending");

  // For real: written and recorded like a synchronous import.
  auto done =
      wait_for_end(progress_url(import("kind=opportunities&async=true", file, admin_)), admin_);
  EXPECT_EQ(done["state"], "done");
  EXPECT_EQ(done["committed"], true);
  EXPECT_EQ(done["summary"], "read 3000, inserted 3000, updated 0, unchanged 0, rejected 0");
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id LIKE 'A-%'"), 3000);
  EXPECT_EQ(value("SELECT kind || ' ' || rows_inserted || ' ' || user_name FROM import_runs "
                  "ORDER BY id DESC LIMIT 1"),
            "opportunities 3000 test-admin");
}

TEST_F(BackgroundImport, ASecondImportByTheSamePersonWhileOneRunsIsRefusedWith409) {
  const std::string small = grid(2, "S");
  const std::string first =
      progress_url(import("kind=opportunities&dry_run=true&async=true", grid(20000, "B"), admin_));
  ASSERT_FALSE(first.empty());
  for (const char* query : {"kind=opportunities&async=true", "kind=opportunities"}) {
    SCOPED_TRACE(query);
    auto again = import(query, small, admin_);
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_NE(json::parse(again.body)["detail"].get<std::string>().find(
                  "Un import que vous avez lancé est encore en cours"),
              std::string::npos)
        << again.body;
  }
  // Another person is not held back.
  const std::string other = token("admin", "", "autre-admin");
  const std::string theirs = progress_url(import("kind=opportunities&async=true", small, other));
  EXPECT_EQ(wait_for_end(first, admin_)["state"], "done");
  EXPECT_EQ(wait_for_end(theirs, other)["summary"],
            "read 2, inserted 2, updated 0, unchanged 0, rejected 0");
  // Once it ended, the person imports again at once.
  auto next = import("kind=opportunities&dry_run=true&async=true", small, admin_);
  EXPECT_EQ(wait_for_end(progress_url(next), admin_)["state"], "done");
  EXPECT_EQ(import("kind=opportunities&dry_run=true", small, admin_).status, 200);
}

TEST_F(BackgroundImport, AFailedImportEndsWithTheProblemASynchronousImportGives) {
  const std::string broken = "PK\x03\x04 this is not a spreadsheet";
  auto sync = import("kind=opportunities&format=xlsx", broken, admin_);
  ASSERT_EQ(sync.status, 422) << sync.body;
  const json problem = json::parse(sync.body);
  auto end = wait_for_end(
      progress_url(import("kind=opportunities&format=xlsx&async=true", broken, admin_)), admin_);
  EXPECT_EQ(end["state"], "failed");
  EXPECT_EQ(end["status"], 422);
  for (const char* name : {"title", "status", "detail"})
    EXPECT_EQ(end[name], problem[name]) << name;
  // Parameters are still checked before anything is accepted.
  EXPECT_EQ(import("kind=opportunities&async=maybe", grid(1, "P"), admin_).status, 400);
  EXPECT_EQ(import("kind=opportunities&async=true", grid(1, "P"), "").status, 401);
}

TEST_F(BackgroundImport, ImportedRequestsAreRecordedInImportRuns) {
  auto sync = import("kind=requests",
                     "Date;Demandeur;Commune;Objet;Canal\n"
                     "12/03/2026;Mme Martin;Roubaix;Local de 200 m²;Téléphone\n",
                     admin_);
  ASSERT_EQ(sync.status, 200) << sync.body;
  EXPECT_EQ(value("SELECT kind || ' ' || rows_read || ' ' || rows_inserted || ' ' || user_name "
                  "FROM import_runs ORDER BY id DESC LIMIT 1"),
            "requests 1 1 test-admin");
  auto end = wait_for_end(progress_url(import("kind=requests&async=true",
                                              "Date;Demandeur;Commune;Objet;Canal\n"
                                              "13/03/2026;M. Durand;Lille;Atelier;mail\n"
                                              "14/03/2026;Mme Leroy;59350;Bureau;mail\n",
                                              admin_)),
                          admin_);
  EXPECT_EQ(end["summary"], "read 2, inserted 2, updated 0, unchanged 0, rejected 0") << end;
  EXPECT_EQ(value("SELECT string_agg(rows_inserted::text, ',' ORDER BY id) FROM import_runs "
                  "WHERE kind = 'requests'"),
            "1,2");
  // A dry run is not a run.
  import("kind=requests&dry_run=true",
         "Date;Demandeur;Commune;Objet;Canal\n1/1/2026;X;Lille;Y;mail\n", admin_);
  EXPECT_EQ(count("SELECT count(*) FROM import_runs WHERE kind = 'requests'"), 2);
}

TEST_F(BackgroundImport, DayOldRecordsGoAndOnesWhoseServerDiedSayFailed) {
  const std::string old_key(32, 'a'), dead_key(32, 'b');
  exec("INSERT INTO import_progress (key, actor, kind, started_at) VALUES ('" + old_key +
       "', 'test-admin', 'opportunities', now() - interval '25 hours')");
  // Still "reading", but no server holds the person's import lock: the
  // server that ran it died.
  exec("INSERT INTO import_progress (key, actor, kind, rows_read) VALUES ('" + dead_key +
       "', 'test-admin', 'opportunities', 1200)");
  auto dead = json::parse(get("/api/imports/progress/" + dead_key, admin_).body);
  EXPECT_EQ(dead["state"], "failed");
  EXPECT_EQ(dead["status"], 500);
  EXPECT_NE(dead["detail"].get<std::string>().find("s'est interrompu"), std::string::npos) << dead;
  // It does not hold the person back; the next import removes the day-old
  // record and marks the dead one failed for good.
  auto end = wait_for_end(
      progress_url(import("kind=opportunities&dry_run=true&async=true", grid(2, "D"), admin_)),
      admin_);
  EXPECT_EQ(end["state"], "done");
  EXPECT_EQ(count("SELECT count(*) FROM import_progress WHERE key = '" + old_key + "'"), 0);
  EXPECT_EQ(
      value("SELECT state || ' ' || status FROM import_progress WHERE key = '" + dead_key + "'"),
      "failed 500");
}

TEST_F(BackgroundImport, AJobWhoseServerDiedUnderItIsClaimedAndRunByAnother) {
  const std::string key(32, 'e');
  exec("INSERT INTO import_progress (key, actor, kind, rows_read) VALUES ('" + key +
       "', 'test-admin', 'opportunities', 3)");
  // Queued, then claimed by a server that stopped beating a minute ago (it
  // died: its transaction rolled back); its file with it.
  {
    pqxx::work w(*conn_);
    w.exec_params(
        "INSERT INTO import_jobs (key, actor, call, format, file, claimed_by, heartbeat_at, "
        "attempts) VALUES ($1, 'test-admin', $2::jsonb, 'csv', $3, 'dead-host:1:00', "
        "now() - interval '1 minute', 1)",
        key,
        R"({"kind": "opportunities", "format": "csv", "strict": false, "dry_run": false,)"
        R"( "scope": 2, "role": "admin", "who": "test-admin"})",
        pqxx::binarystring(grid(5, "M")));
    w.commit();
  }
  // Not said failed: this server's worker claims it again and runs it.
  auto end = wait_for_end("/api/imports/progress/" + key, admin_);
  EXPECT_EQ(end["state"], "done") << end;
  EXPECT_EQ(end["status"], 200) << end;
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id LIKE 'M-%'"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM import_jobs"), 0);
  // The person may import again.
  EXPECT_EQ(wait_for_end(progress_url(import("kind=opportunities&dry_run=true&async=true",
                                             grid(2, "N"), admin_)),
                         admin_)["state"],
            "done");
}

TEST_F(BackgroundImport, SigtermRollsARunningImportBackAndSaysSo) {
  stop_server();
  start_server({"--threads", "2", "--import-grace", "0"});
  const std::string url =
      progress_url(import("kind=opportunities&async=true", grid(40000, "K"), admin_));
  ASSERT_FALSE(url.empty());
  // Once the worker reads the file.
  for (int i = 0; i < 200; ++i) {
    if (json::parse(get(url, admin_).body)["rows_read"] > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto signalled = Clock::now();
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_LT(Clock::now() - signalled, std::chrono::seconds(8));
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id LIKE 'K-%'"), 0);
  const std::string key = url.substr(url.rfind('/') + 1);
  EXPECT_EQ(value("SELECT state || ' ' || status FROM import_progress WHERE key = '" + key + "'"),
            "failed 503");
  EXPECT_NE(value("SELECT answer FROM import_progress WHERE key = '" + key + "'")
                .find("Le serveur s'est arrêté pendant l'import"),
            std::string::npos);
}

}  // namespace
}  // namespace terrier::test
