#pragma once

// `terrier token create|revoke`: API tokens, each with a role (and an
// animator's circle), printed once at creation.

#include <optional>
#include <string>

#include "cli/settings.hpp"

namespace terrier::cli {

struct TokenArgs {
  std::string role;
  std::optional<std::string> territory;
  std::string name;
  long long revoke_id = 0;
};

int token_create(const Settings& settings, const TokenArgs& args);
int token_revoke(const Settings& settings, const TokenArgs& args);

}  // namespace terrier::cli
