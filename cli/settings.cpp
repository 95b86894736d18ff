#include "cli/settings.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cstdlib>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"

namespace terrier::cli {
namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

}  // namespace

Settings Settings::from_environment() {
  Settings s;
  s.database_url = env("TERRIER_DATABASE_URL");
  if (auto home = env("TERRIER_HOME")) s.cluster.home = *home;
  if (auto port = env("TERRIER_DB_PORT")) {
    int value = 0;
    auto [end, ec] = std::from_chars(port->data(), port->data() + port->size(), value);
    if (ec != std::errc() || end != port->data() + port->size()) {
      throw ConfigError(fmt::format("TERRIER_DB_PORT='{}' is not a port number", *port));
    }
    s.cluster.port = value;
  }
  if (auto months = env("TERRIER_REVERIFY_MONTHS")) {
    int value = 0;
    auto [end, ec] = std::from_chars(months->data(), months->data() + months->size(), value);
    if (ec != std::errc() || end != months->data() + months->size() || value < 1 || value > 120) {
      throw ConfigError(fmt::format(
          "TERRIER_REVERIFY_MONTHS='{}' is not a number of months (1 to 120)", *months));
    }
    s.reverify_months = value;
  }
  if (auto user = env("TERRIER_DB_OS_USER")) s.cluster.os_user = *user;
  if (auto bindir = env("TERRIER_PG_BINDIR")) s.cluster.pg_bindir = *bindir;
  s.sql_dir = env("TERRIER_SQL_DIR").value_or(TERRIER_SQL_DIR_DEFAULT);
  s.match_config = env("TERRIER_MATCH_CONFIG").value_or(TERRIER_MATCH_CONFIG_DEFAULT);
  s.web_root = env("TERRIER_WEB_ROOT").value_or(TERRIER_WEB_ROOT_DEFAULT);
  s.basemap = env("TERRIER_BASEMAP").value_or("");
  s.basemap_url = env("TERRIER_BASEMAP_URL").value_or("");
  s.basemap_attribution = env("TERRIER_BASEMAP_ATTRIBUTION").value_or("");
  if (auto origins = env("TERRIER_CORS_ORIGINS")) {
    for (const auto& o : text::split_any(*origins, {","})) {
      std::string origin = text::trim(o);
      if (origin.empty()) continue;
      if (origin != "*" && origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0) {
        throw ConfigError(fmt::format(
            "TERRIER_CORS_ORIGINS: '{}' is not an origin (https://host[:port]) or *", origin));
      }
      s.cors_origins.push_back(origin);
    }
  }
  if (auto url = env("TERRIER_GEOCODER_URL")) {
    s.geocoder_url = *url == "none" ? "" : *url;
    if (!s.geocoder_url.empty() && s.geocoder_url.rfind("http://", 0) != 0 &&
        s.geocoder_url.rfind("https://", 0) != 0) {
      throw ConfigError(fmt::format(
          "TERRIER_GEOCODER_URL: '{}' is not an address (https://host[/path]) or none", *url));
    }
    while (!s.geocoder_url.empty() && s.geocoder_url.back() == '/') s.geocoder_url.pop_back();
  }
  if (auto url = env("TERRIER_PUBLIC_URL")) {
    if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
      throw ConfigError(
          fmt::format("TERRIER_PUBLIC_URL: '{}' is not an address (https://host[:port])", *url));
    }
    s.public_url = *url;
    while (!s.public_url.empty() && s.public_url.back() == '/') s.public_url.pop_back();
  }
  if (auto urls = env("TERRIER_READ_DATABASE_URLS")) {
    for (const auto& u : text::split_any(*urls, {","})) {
      if (!text::trim(u).empty()) s.read_database_urls.push_back(text::trim(u));
    }
  }
  if (auto url = env("TERRIER_SMTP_URL")) s.smtp_url = *url;
  if (auto from = env("TERRIER_MAIL_FROM")) s.mail_from = *from;
  if (auto trust = env("TERRIER_TRUST_PROXY")) {
    if (*trust != "0" && *trust != "1") throw ConfigError("TERRIER_TRUST_PROXY: 0 or 1");
    s.trust_proxy = *trust == "1";
  }
  if (auto level = env("TERRIER_LOG_LEVEL")) log::set_level(log::parse_level(*level));
  return s;
}

std::string database_url(const Settings& settings) {
  if (settings.database_url) {
    if (settings.database_url->rfind("postgres", 0) != 0 &&
        settings.database_url->find('=') == std::string::npos) {
      throw ConfigError(fmt::format(
          "TERRIER_DATABASE_URL='{}' is not a libpq URI (postgresql://user:password@host:port/db)",
          redact_database_url(*settings.database_url)));
    }
    return *settings.database_url;
  }
  db::EmbeddedCluster cluster(settings.cluster);
  if (!cluster.status().running) {
    log::info("starting the embedded database in {}", cluster.data_dir().string());
    cluster.start();
  }
  return cluster.url();
}

}  // namespace terrier::cli
