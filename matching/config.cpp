#include "matching/config.hpp"

#include <fmt/core.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace terrier::matching {

MatchConfig load_match_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot read the matching configuration", path));
  MatchConfig c;
  try {
    auto j = nlohmann::json::parse(in);
    if (j.contains("weights")) {
      const auto& w = j.at("weights");
      c.weight_surface = w.value("surface", c.weight_surface);
      c.weight_distance = w.value("distance", c.weight_distance);
      c.weight_budget = w.value("budget", c.weight_budget);
      c.weight_tenure = w.value("tenure", c.weight_tenure);
      c.weight_timing = w.value("timing", c.weight_timing);
    }
    c.availability_slack_days = j.value("availability_slack_days", c.availability_slack_days);
    c.distance_scale_m = j.value("distance_scale_m", c.distance_scale_m);
    c.top_k = j.value("top_k", c.top_k);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("{}: {}", path, e.what()));
  }
  try {
    c.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", path, e.what()));
  }
  return c;
}

}  // namespace terrier::matching
