#pragma once

// `terrier token create|list|revoke`: API tokens, each with a role (and an
// animator's circle), printed once at creation; listed without their
// secrets, personal ones with their account.

#include <optional>
#include <string>

#include "cli/settings.hpp"

namespace terrier::cli {

struct TokenArgs {
  std::string role;
  std::optional<std::string> territory;
  std::string name;
  long long revoke_id = 0;
  std::optional<std::string> user;  // list: one account's tokens (e-mail)
};

int token_create(const Settings& settings, const TokenArgs& args);
int token_list(const Settings& settings, const TokenArgs& args);
int token_revoke(const Settings& settings, const TokenArgs& args);

}  // namespace terrier::cli
