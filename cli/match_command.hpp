#pragma once

#include <optional>
#include <string>

#include "cli/settings.hpp"

namespace terrier::cli {

struct MatchArgs {
  std::optional<long long> need, opportunity;
  bool assign = false;
  bool all = false;
  bool json = false;
  std::optional<std::string> territory;
  std::size_t limit = 0;  // 0: the configuration's top_k
  std::optional<std::string> config;
};

// `terrier match`: ranks, stores and prints matches; exit 0, or 1 on error.
int match(const Settings& settings, const MatchArgs& args);

}  // namespace terrier::cli
