#pragma once

// `terrier user …`: people's accounts from the command line (the first admin
// is invited this way): invite, list, disable, enable, reset.

#include <optional>
#include <string>

#include "cli/settings.hpp"

namespace terrier::cli {

struct UserArgs {
  std::string email;
  std::string role;
  std::optional<std::string> circle;
  std::string name;
};

// Prints the invitation path alone on the last line.
int user_invite(const Settings& settings, const UserArgs& args);
int user_list(const Settings& settings, const UserArgs& args);
int user_disable(const Settings& settings, const UserArgs& args);
int user_enable(const Settings& settings, const UserArgs& args);
// A new invitation path (the old password and sessions stop working).
int user_reset(const Settings& settings, const UserArgs& args);

}  // namespace terrier::cli
