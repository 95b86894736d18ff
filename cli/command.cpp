#include "cli/command.hpp"

#include <algorithm>
#include <utility>

namespace terrier::cli {
namespace {

// A function-local static: registrations run during static initialisation,
// in any order of the files.
std::vector<std::pair<Order, Define>>& registry() {
  static std::vector<std::pair<Order, Define>> commands;
  return commands;
}

}  // namespace

Registration::Registration(Order order, Define define) {
  registry().emplace_back(order, define);
}

std::vector<Define> registered_commands() {
  auto commands = registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Define> out;
  out.reserve(commands.size());
  for (const auto& c : commands) out.push_back(c.second);
  return out;
}

}  // namespace terrier::cli
