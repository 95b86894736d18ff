#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "core/error.hpp"

namespace terrier::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_write_mutex;

const char* label(Level l) {
  switch (l) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warning";
    case Level::error:
      return "error";
    case Level::off:
      break;
  }
  return "";
}

}  // namespace

void set_level(Level l) {
  g_level.store(l);
}
Level level() {
  return g_level.load(std::memory_order_relaxed);
}

Level parse_level(std::string_view name) {
  if (name == "debug") return Level::debug;
  if (name == "info") return Level::info;
  if (name == "warn" || name == "warning") return Level::warn;
  if (name == "error") return Level::error;
  if (name == "off") return Level::off;
  throw ConfigError(fmt::format("unknown log level '{}' (debug, info, warn, error, off)", name));
}

void write(Level l, std::string_view message) {
  std::lock_guard lock(g_write_mutex);
  std::fprintf(stderr, "terrier: %s: %.*s\n", label(l), static_cast<int>(message.size()),
               message.data());
}

}  // namespace terrier::log
