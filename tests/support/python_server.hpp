#pragma once

// A test's own server written in Python (tests/support/*.py: an SMTP
// receiver, a tile server), run by Debian's python3 with one argument. The
// script prints "ready PORT" on its first line once it listens; port() is 0
// when it did not. Stopped (SIGTERM, then reaped) by stop() or at the end.

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "tests/support/build_paths.hpp"

namespace terrier::test {

class PythonServer {
 public:
  PythonServer(const std::string& script, const std::string& argument) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // gone with a test process that crashes
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      std::string path = std::string(TERRIER_SOURCE_DIR) + "/tests/support/" + script;
      execl("/usr/bin/python3", "python3", path.c_str(), argument.c_str(), nullptr);
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    if (line.rfind("ready ", 0) == 0) port_ = std::stoi(line.substr(6));
  }
  ~PythonServer() { stop(); }
  PythonServer(const PythonServer&) = delete;
  PythonServer& operator=(const PythonServer&) = delete;

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace terrier::test
