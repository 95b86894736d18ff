#include "db/process.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace terrier::db {

std::optional<OsUser> find_os_user(const std::string& name) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  std::array<char, 4096> buffer{};
  if (getpwnam_r(name.c_str(), &pw, buffer.data(), buffer.size(), &found) != 0 || !found) {
    return std::nullopt;
  }
  return OsUser{name, pw.pw_uid, pw.pw_gid};
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::optional<OsUser>& as,
                          const std::string& cwd) {
  if (argv.empty()) throw Error("run_process: empty command");
  std::array<int, 2> pipe_fds{};
  if (pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    throw Error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    throw Error(fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    if (as) {
      if (initgroups(as->name.c_str(), as->gid) != 0 || setgid(as->gid) != 0 ||
          setuid(as->uid) != 0) {
        const char msg[] = "terrier: cannot switch to the cluster's user\n";
        (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
        _exit(126);
      }
    }
    if (chdir(cwd.c_str()) != 0) (void)!chdir("/");
    execv(args[0], args.data());
    const char msg[] = "terrier: cannot execute the program\n";
    (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
    _exit(127);
  }
  close(pipe_fds[1]);
  ProcessResult result;
  std::array<char, 4096> buffer{};
  for (;;) {
    ssize_t n = read(pipe_fds[0], buffer.data(), buffer.size());
    if (n > 0) {
      result.output.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace terrier::db
