// Faults and limits of a running server: slow clients, SIGTERM with
// requests in flight, a full disk, a backup and its restore.

#include <map>

#include "tests/reliability/reliability_fixture.hpp"

namespace terrier::test {
namespace {

// A crowd of clients that open connections and never finish their request
// does not keep the others from being served.
TEST_F(Reliability, SlowClientsDoNotStarveTheOthers) {
  std::vector<int> slow;
  for (int i = 0; i < 200; ++i) {
    int fd = connect_loopback(port_);
    if (fd < 0) continue;
    const char partial[] = "GET /ogcapi/collections HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    (void)!write(fd, partial, sizeof partial - 1);
    slow.push_back(fd);
  }
  EXPECT_GE(slow.size(), 150u);
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    auto r = get("/ogcapi/collections/opportunities/items?limit=2");
    EXPECT_EQ(r.status, 200);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 5.0) << "ten requests took " << seconds << " s behind " << slow.size()
                          << " slow clients";
  for (int fd : slow) close(fd);
  expect_serving();
}

// What became of one request: the connection refused, or accepted and then
// answered whole, cut, or closed without a byte.
enum class Outcome { refused, answered, service_unavailable, cut, dropped };

void send_request(int fd, const std::string& target) {
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  (void)!write(fd, req.data(), req.size());
}

Outcome read_answer(int fd);

Outcome try_request(int port, const std::string& target) {
  int fd = connect_loopback(port);
  if (fd < 0) return errno == ECONNREFUSED ? Outcome::refused : Outcome::dropped;
  send_request(fd, target);
  return read_answer(fd);
}

// The whole answer on a connection whose request was sent; closes it.
Outcome read_answer(int fd) {
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string raw;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
    raw.append(buf, static_cast<std::size_t>(n));
  close(fd);
  if (raw.empty()) return Outcome::dropped;
  auto end = raw.find("\r\n\r\n");
  std::smatch m;
  std::string head = raw.substr(0, end);
  if (end == std::string::npos ||
      !std::regex_search(head, m, std::regex("Content-Length: (\\d+)", std::regex::icase)) ||
      raw.size() != end + 4 + std::stoul(m[1].str())) {
    return Outcome::cut;
  }
  int status = std::atoi(raw.c_str() + 9);
  if (status == 503) return Outcome::service_unavailable;
  return status == 200 && json::parse(raw.substr(end + 4), nullptr, false).is_object()
             ? Outcome::answered
             : Outcome::cut;
}

// SIGTERM while requests are in flight: each accepted connection gets a
// whole answer (the page, or 503 once draining); after SIGTERM a new
// connection may be refused, never accepted and then closed without an
// answer — also one the kernel completed before the server accepted it. Then
// the server exits 0.
TEST_F(Reliability, SigtermLetsInFlightRequestsFinish) {
  std::atomic<int> answered{0}, unavailable{0}, cut{0}, dropped{0}, refused_before{0},
      refused_after{0};
  std::atomic<bool> stop{false}, signalled{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      while (!stop) {
        switch (try_request(port_, "/ogcapi/collections/territories/items?limit=100")) {
          case Outcome::refused:
            // Read after the refusal: a connection begun just before the
            // signal may be held and then refused, as one begun after.
            ++(signalled ? refused_after : refused_before);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            break;
          case Outcome::answered:
            ++answered;
            break;
          case Outcome::service_unavailable:
            ++unavailable;
            break;
          case Outcome::cut:
            ++cut;
            break;
          case Outcome::dropped:
            ++dropped;
            break;
        }
      }
    });
  }
  // SIGTERM once requests are flowing (a loaded machine may take seconds to
  // answer the first ones; a fixed wait once let the check below fail there).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (answered < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  signalled = true;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  // A while longer, until the clients have been refused a few times since
  // the signal: every connection now must be refused.
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (refused_after < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop = true;
  for (auto& c : clients) c.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_GT(answered.load(), 4);
  EXPECT_EQ(refused_before.load(), 0);
  EXPECT_GT(refused_after.load(), 0) << "the server still took connections after it exited";
  EXPECT_EQ(cut.load(), 0) << "answers cut short";
  EXPECT_EQ(dropped.load(), 0) << "connections accepted and closed without an answer";
}

// Connections the kernel completed while the server could not accept them
// (stopped here, busy in real life) when SIGTERM comes: they wait in the
// accept queue with their request sent, and each gets its whole answer —
// closing the listening socket at once would reset them.
TEST_F(Reliability, SigtermAnswersTheConnectionsWaitingToBeAccepted) {
  ASSERT_EQ(get("/ogcapi/collections").status, 200);
  ASSERT_EQ(kill(pid_, SIGSTOP), 0);
  std::vector<int> waiting;
  for (int i = 0; i < 40; ++i) {
    int fd = connect_loopback(port_);
    ASSERT_GE(fd, 0) << "connection " << i << " not completed by the kernel";
    send_request(fd, "/ogcapi/collections/territories/items?limit=10");
    waiting.push_back(fd);
  }
  kill(pid_, SIGTERM);
  kill(pid_, SIGCONT);
  std::map<Outcome, int> outcomes;
  for (int fd : waiting) ++outcomes[read_answer(fd)];
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(outcomes[Outcome::answered] + outcomes[Outcome::service_unavailable], 40)
      << "answered " << outcomes[Outcome::answered] << ", 503 "
      << outcomes[Outcome::service_unavailable] << ", cut " << outcomes[Outcome::cut]
      << ", closed without an answer " << outcomes[Outcome::dropped];
  // Once it exited, nothing listens.
  EXPECT_LT(connect_loopback(port_), 0);
}

TEST_F(Reliability, AnExportToAFullDiskFailsClearlyAndLeavesNoFile) {
  std::string file = "/tmp/terrier-full-" + db_.name() + ".geojson";
  // A file-size limit of 2 kB stands for a full disk: writes fail with EFBIG.
  auto r = run_command("bash -c 'ulimit -f 2; trap \"\" XFSZ; TERRIER_DATABASE_URL=\"" + db_.url() +
                       "\" " + std::string(TERRIER_BINARY) +
                       " export --territory lille-59350 --format geojson -o " + file +
                       " 2>&1; echo exit=$?'");
  EXPECT_NE(r.find("exit=1"), std::string::npos) << r;
  EXPECT_NE(r.find("export failed, nothing written"), std::string::npos) << r;
  EXPECT_FALSE(fs::exists(file));
  // And into a folder that does not exist.
  auto missing =
      run_terrier("export --territory lille-59350 --format csv -o /nonexistent/dir/x.csv",
                  "TERRIER_DATABASE_URL=" + db_.url());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("/nonexistent/dir"), std::string::npos) << missing.output;
}

TEST_F(Reliability, BackupAndRestoreGiveBackEveryTable) {
  load_demo_data(/*with_friches=*/false);
  match_all();
  auto every_table = [&] {
    std::string out;
    pqxx::read_transaction t(*conn_);
    for (const auto& row :
         t.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
      std::string name = row[0].as<std::string>();
      out += name + ":" +
             t.exec1(
                  "SELECT count(*) || '/' || coalesce(md5(string_agg(x::text, '|' ORDER BY "
                  "x::text)), '') FROM " +
                  t.quote_name(name) + " x")[0]
                 .as<std::string>() +
             "\n";
    }
    return out;
  };
  const std::string before = every_table();
  ASSERT_NE(before.find("opportunities:"), std::string::npos);
  std::string file = "/tmp/terrier-backup-" + db_.name() + ".dump";
  auto b = run_terrier("backup " + file, "TERRIER_DATABASE_URL=" + db_.url());
  ASSERT_EQ(b.exit_code, 0) << b.output;
  EXPECT_EQ(b.output.find(db_.url()), std::string::npos)
      << "the URL's password stays out of the output";

  // Everything lost by hand…
  {
    pqxx::work w(*conn_);
    w.exec(
        "DELETE FROM matches; DELETE FROM need_private; DELETE FROM needs; DELETE FROM "
        "opportunity_private; "
        "DELETE FROM opportunities; UPDATE places SET name = 'effacé'");
    w.commit();
  }
  ASSERT_NE(every_table(), before);
  // …and given back.
  auto r = run_terrier("restore " + file, "TERRIER_DATABASE_URL=" + db_.url());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(every_table(), before);

  // Not a backup: refused before anything is touched.
  auto wrong = run_terrier("restore " + bad("garbage.csv"), "TERRIER_DATABASE_URL=" + db_.url());
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.output.find("not a Terrier backup"), std::string::npos) << wrong.output;
  EXPECT_EQ(every_table(), before);
  // A backup that cannot be written leaves no partial file.
  auto nowhere = run_terrier("backup /nonexistent/dir/b.dump", "TERRIER_DATABASE_URL=" + db_.url());
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_NE(nowhere.output.find("backup failed, nothing written"), std::string::npos)
      << nowhere.output;
  std::remove(file.c_str());
  expect_serving();
}

}  // namespace
}  // namespace terrier::test
