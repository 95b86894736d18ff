#pragma once

// Settings of one terrier invocation, filled from the environment and flags in
// main() and nowhere else.

#include <optional>
#include <string>
#include <vector>

#include "db/cluster.hpp"

namespace terrier::cli {

struct Settings {
  // TERRIER_DATABASE_URL: an external server; the embedded cluster is then
  // never started.
  std::optional<std::string> database_url;
  db::ClusterConfig cluster;
  std::string sql_dir;       // TERRIER_SQL_DIR
  std::string match_config;  // TERRIER_MATCH_CONFIG
  std::string web_root;      // TERRIER_WEB_ROOT
  // TERRIER_BASEMAP (ign, osm, custom, none; empty: ign, or custom with a
  // URL), TERRIER_BASEMAP_URL (an XYZ/WMTS raster template) and
  // TERRIER_BASEMAP_ATTRIBUTION: the page's base layers (api::make_basemap).
  std::string basemap;
  std::string basemap_url;
  std::string basemap_attribution;
  // TERRIER_CORS_ORIGINS: comma-separated origins allowed to call the API
  // from their pages ("*" for any); none by default.
  std::vector<std::string> cors_origins;
  // TERRIER_TRUST_PROXY=1: a reverse proxy's X-Forwarded-* headers are
  // believed (scheme for Secure cookies, client address for sign-in limits).
  bool trust_proxy = false;
  // TERRIER_REVERIFY_MONTHS: an opportunity not verified for this long is
  // "à revérifier" (1 to 120).
  int reverify_months = 6;
  // TERRIER_PUBLIC_URL: the page's address as people reach it, for the
  // links the command line writes in exported sheets ("Lien Terrier"); the
  // server links to the address it was asked at.
  std::string public_url = "http://127.0.0.1:8080";
  // TERRIER_SMTP_URL (smtp://host:port, smtps://user:password@host:port) and
  // TERRIER_MAIL_FROM: where alert digests are sent from; none: no e-mail.
  std::string smtp_url;
  std::string mail_from;
  // TERRIER_READ_DATABASE_URLS: comma-separated streaming replicas of the
  // database that `terrier serve` reads from (with its --read-url).
  std::vector<std::string> read_database_urls;
  // TERRIER_GEOCODER_URL: the address geocoder (IGN's Géoplateforme by
  // default; "none": none), for the page's forms and `import --geocode`.
  std::string geocoder_url = "https://data.geopf.fr/geocodage";

  // Reads TERRIER_* variables over the defaults.
  static Settings from_environment();
};

// The database to work on: TERRIER_DATABASE_URL, or the embedded cluster,
// started when it is not running.
std::string database_url(const Settings& settings);

}  // namespace terrier::cli
