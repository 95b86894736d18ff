#pragma once

// `terrier serve` started on a free loopback port against the test's own
// database, and a plain HTTP/1.1 client: shared by the API and reliability
// tests.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

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

inline HttpResponse http_request(int port, const std::string& method, const std::string& target,
                          const std::string& extra_headers, const std::string& body) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  HttpResponse r;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return r;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                    std::to_string(port) + "\r\nConnection: close\r\n" + extra_headers + "\r\n" +
                    body;
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
    setenv("LSAN_OPTIONS", (std::string("suppressions=") + supp + ":print_suppressions=0").c_str(), 1);
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

inline HttpResponse http_get(int port, const std::string& target, const std::string& extra_headers = "") {
  return http_request(port, "GET", target, extra_headers, "");
}

class ApiTest : public ImportTest {
 protected:
  void SetUp() override {
    ImportTest::SetUp();
    opportunities(fixture("conventions/cp1252_french.csv"));  // T-1 public, T-2 réseau, T-3 confidentiel
    start_server();
    foundation_ = token("foundation");
    member_ = token("member");
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "serve did not exit 0 on SIGTERM";
    }
    if (stdout_ >= 0) close(stdout_);
  }

  // Above exact_count_limit rows, numberMatched is the planner's estimate.
  void start_server(const char* exact_count_limit = "1000") {
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      setenv("TERRIER_DATABASE_URL", db_.url().c_str(), 1);
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      execl(TERRIER_BINARY, "terrier", "serve", "--listen", "127.0.0.1:0", "--threads", "2",
            "--exact-count-limit", exact_count_limit, nullptr);
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

  std::string token(const std::string& role) {
    auto r = run_terrier("token create --role " + role + " --name test-" + role,
                         "TERRIER_DATABASE_URL=" + db_.url());
    std::string out = r.output;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.substr(out.rfind('\n') + 1);
  }

  HttpResponse get(const std::string& target, const std::string& bearer = "") {
    return http_get(port_, target, bearer.empty() ? "" : "Authorization: Bearer " + bearer + "\r\n");
  }

  std::string id_of(const std::string& ref) {
    return value("SELECT id FROM opportunities WHERE external_id = '" + ref + "'");
  }

  pid_t pid_ = -1;
  int stdout_ = -1;
  int port_ = 0;
  std::string foundation_, member_;
};

}  // namespace terrier::test
