#pragma once

// Running helper programs (initdb, pg_ctl, useradd), optionally as another
// user. Only the embedded cluster needs this.

#include <optional>
#include <string>
#include <vector>

namespace terrier::db {

struct OsUser {
  std::string name;
  unsigned uid = 0;
  unsigned gid = 0;
};

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] with arguments, waits for it, and returns its exit code and
// output. With `as`, the child drops to that user before exec (the caller must
// be root). `cwd` is the child's working directory.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::optional<OsUser>& as = std::nullopt,
                          const std::string& cwd = "/");

// Looks up a user by name.
std::optional<OsUser> find_os_user(const std::string& name);

}  // namespace terrier::db
