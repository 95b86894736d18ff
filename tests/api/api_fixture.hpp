#pragma once

// `terrier serve` started on a free loopback port against the test's own
// database, and a plain HTTP/1.1 client: shared by the API and reliability
// tests.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/importers/import_fixture.hpp"

namespace terrier::test {

using json = nlohmann::json;

struct HttpResponse {
  int status = 0;
  std::string headers;  // raw header block, lower-cased names
  std::string body;
  std::string header(const std::string& name) const {
    std::smatch m;
    std::regex re("(^|\\n)" + name + ": ([^\\r\\n]*)", std::regex::icase);
    return std::regex_search(headers, m, re) ? m[2].str() : "";
  }
};

// A TCP connection to the loopback port, or -1 with connect's errno.
inline int connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

inline HttpResponse http_request(int port, const std::string& method, const std::string& target,
                                 const std::string& extra_headers, const std::string& body) {
  HttpResponse r;
  int fd = connect_loopback(port);
  if (fd < 0) return r;
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
  (void)!write(fd, req.data(), req.size());
  timeval timeout{10, 0};  // a hung server fails the test instead of hanging it
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string raw;
  char buf[65536];
  std::size_t end = std::string::npos, length = 0;
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
    raw.append(buf, static_cast<std::size_t>(n));
    if (end == std::string::npos && (end = raw.find("\r\n\r\n")) != std::string::npos) {
      std::smatch m;
      std::string head = raw.substr(0, end);
      length = std::regex_search(head, m, std::regex("Content-Length: (\\d+)", std::regex::icase))
                   ? std::stoul(m[1].str())
                   : 0;
    }
    // Pistache keeps the connection open: stop at the end of the body.
    if (end != std::string::npos && raw.size() >= end + 4 + length) break;
  }
  close(fd);
  if (end == std::string::npos) return r;
  r.headers = raw.substr(0, end);
  r.body = raw.substr(end + 4);
  r.status = std::atoi(raw.c_str() + 9);
  return r;
}

// In a forked `terrier serve` about to break its own database connections
// on purpose (the database stopped, a session killed): LeakSanitizer gets
// the one suppression for libpqxx's PGresult lost on a broken connection
// (tests/sanitizers/lsan.supp, given by scripts/test --sanitize). No other
// process gets it.
inline void allow_broken_connection_leak() {
  if (const char* supp = std::getenv("TERRIER_LSAN_BROKEN_CONNECTION")) {
    setenv("LSAN_OPTIONS", (std::string("suppressions=") + supp + ":print_suppressions=0").c_str(),
           1);
  }
}

// A shell command's output, stdout and stderr.
inline std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  return out;
}

inline HttpResponse http_get(int port, const std::string& target,
                             const std::string& extra_headers = "") {
  return http_request(port, "GET", target, extra_headers, "");
}

// The opportunities every ApiTest starts with: T-1 public, T-2 réseau,
// T-3 confidentiel.
inline std::string api_opportunities() {
  return fixture("conventions/cp1252_french.csv");
}

class ApiTest : public ImportTest {
 protected:
  ApiTest() = default;
  // Starts from a copy of `demo` (demo_template), which holds whatever the
  // fixture needs: SetUp then imports nothing.
  explicit ApiTest(const TestDatabase::Template& demo) : ImportTest(demo), demo_(true) {}

  void SetUp() override {
    ImportTest::SetUp();
    if (!demo_) opportunities(api_opportunities());
    start_server();
    foundation_ = token("foundation");
    member_ = token("member");
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
          << "serve did not exit 0 on SIGTERM";
    }
    if (stdout_ >= 0) close(stdout_);
  }

  // `terrier serve` on a free loopback port with `options` (by default two
  // threads, and numberMatched estimated above 1,000 rows); the port is read
  // from its first line. `broken_connection_leak`: the server will lose its
  // database connection on purpose (allow_broken_connection_leak).
  void start_server(std::vector<std::string> options = {"--threads", "2", "--exact-count-limit",
                                                        "1000"},
                    bool broken_connection_leak = false) {
    std::vector<std::string> args = {"terrier", "serve", "--listen", "127.0.0.1:0"};
    args.insert(args.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      // A test process that crashes takes its server along: an orphan would
      // keep the output pipe open and hold ctest until its timeout.
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      setenv("TERRIER_DATABASE_URL", db_.url().c_str(), 1);
      if (broken_connection_leak) allow_broken_connection_leak();
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      execv(TERRIER_BINARY, argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = out[0];  // kept open while the server runs
    std::string line;
    char c;
    while (read(stdout_, &c, 1) == 1 && c != '\n') line += c;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, std::regex(R"(127\.0\.0\.1:(\d+)/)"))) << line;
    port_ = std::stoi(m[1].str());
  }

  // SIGTERM, and the server's end awaited (its exit status unchecked).
  void stop_server() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    close(stdout_);
    stdout_ = -1;
  }

  // A new token for `role` (an animator's names its circle), as `terrier
  // token create` prints it; named "test-ROLE" unless `name` is given.
  std::string token(const std::string& role, const std::string& territory = "",
                    const std::string& name = "") {
    auto r = run_terrier("token create --role " + role +
                             (territory.empty() ? "" : " --territory " + territory) + " --name " +
                             (name.empty() ? "test-" + role : name),
                         "TERRIER_DATABASE_URL=" + db_.url());
    std::string out = r.output;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.substr(out.rfind('\n') + 1);
  }

  // `terrier match --all`, which must succeed.
  void match_all() {
    auto r = run_terrier("match --all", "TERRIER_DATABASE_URL=" + db_.url());
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  // Need N-1 (Collectif du Nord, 50 to 3,000 m² within 20 km of Lille),
  // matched to the opportunities loaded: its id.
  std::string add_matched_need() {
    std::string file = "/tmp/terrier-need-n1-" + db_.name() + ".csv";
    std::ofstream(file) << "Réf.;Collectif;Contact;Surface min (m²);Surface max (m²);Latitude;"
                           "Longitude;Rayon (km)\n"
                           "N-1;Collectif du Nord;06 00 00 00 00;50;3000;50,64;3,07;20\n";
    run(importers::ImportKind::needs, file);
    std::remove(file.c_str());
    match_all();
    return value("SELECT id FROM needs WHERE external_id = 'N-1'");
  }

  // A request with a JSON body, as the page sends its writes.
  HttpResponse send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& bearer, const std::string& extra_header = "") {
    std::string headers =
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n" + (bearer.empty() ? "" : "Authorization: Bearer " + bearer + "\r\n") +
        (extra_header.empty() ? "" : extra_header + "\r\n");
    return http_request(port_, method, target, headers, body);
  }

  HttpResponse get(const std::string& target, const std::string& bearer = "") {
    return http_get(port_, target,
                    bearer.empty() ? "" : "Authorization: Bearer " + bearer + "\r\n");
  }

  std::string id_of(const std::string& ref) {
    return value("SELECT id FROM opportunities WHERE external_id = '" + ref + "'");
  }

  bool demo_ = false;
  pid_t pid_ = -1;
  int stdout_ = -1;
  int port_ = 0;
  std::string foundation_, member_;
};

}  // namespace terrier::test
