// Read routing's pure parts: which routes a replica answers, WAL positions
// as text, and the read-your-writes cookie (api/replicas, db/replication).
// The routing against real servers is tests/cluster/run.

#include "api/replicas.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "api/service.hpp"
#include "core/error.hpp"
#include "db/replication.hpp"

namespace terrier::api {
namespace {

TEST(ReplicaRoute, ReadsOfFeaturesTilesMatchesHistoriesAndExportsOnly) {
  struct Case {
    const char* method;
    std::vector<std::string> segments;
    bool replica;
  };
  const std::vector<Case> cases = {
      {"GET", {"ogcapi", "collections", "opportunities", "items"}, true},
      {"GET", {"ogcapi", "collections", "opportunities", "items", "12"}, true},
      {"GET", {"tiles", "opportunities", "9", "262", "174.mvt"}, true},
      {"GET", {"api", "needs", "3", "matches"}, true},
      {"GET", {"api", "matches", "7"}, true},
      {"GET", {"api", "opportunities", "7", "history"}, true},
      {"GET", {"api", "territories", "mel", "export"}, true},
      {"GET", {"api", "assignment"}, true},
      // Writes, and reads that belong with the account or the session.
      {"POST", {"ogcapi", "collections", "opportunities", "items"}, false},
      {"PATCH", {"api", "matches", "7"}, false},
      {"GET", {"api", "session"}, false},
      {"GET", {"api", "tokens"}, false},
      {"GET", {"api", "requests", "export"}, false},
      {"GET", {"api", "requests", "4", "history"}, false},
      {"GET", {"api", "imports", "progress", "abc"}, false},
      {"GET", {"healthz"}, false},
      {"GET", {"metrics"}, false},
      {"GET", {"ogcapi", "collections"}, false},
  };
  for (const auto& c : cases) {
    std::string path;
    for (const auto& s : c.segments) path += "/" + s;
    EXPECT_EQ(replica_route(c.method, c.segments), c.replica) << c.method << " " << path;
  }
}

TEST(WalPosition, ReadsAndWritesPostgresText) {
  EXPECT_EQ(db::parse_lsn("0/3000000"), 0x3000000u);
  EXPECT_EQ(db::parse_lsn("16/B374D848"), (0x16ull << 32) | 0xB374D848u);
  EXPECT_EQ(db::format_lsn((0x16ull << 32) | 0xB374D848u), "16/B374D848");
  for (const char* bad :
       {"", "/", "0/", "/1", "x/1", "1/1x", "123456789/1", "1/123456789", "1-2"}) {
    EXPECT_FALSE(db::parse_lsn(bad).has_value()) << bad;
  }
}

Request with_cookie(const std::string& cookie) {
  Request r;
  r.method = "GET";
  r.headers["cookie"] = cookie;
  return r;
}

// The cookie's value, from its Set-Cookie header.
std::string value_of(const std::string& set_cookie) {
  auto eq = set_cookie.find('=');
  return set_cookie.substr(eq + 1, set_cookie.find(';') - eq - 1);
}

TEST(ReadPosition, OnlyASignedCookieOfThisDatabaseNamesAPosition) {
  ReplicaConfig config;
  config.cookie_key = "key of one database";
  ReadReplicas replicas(config);
  std::uint64_t lsn = (0x2ull << 32) | 0x1F00ABCu;
  std::string header = replicas.read_position_cookie(lsn, /*secure=*/false);
  EXPECT_NE(header.find("HttpOnly"), std::string::npos);
  EXPECT_EQ(header.find("Secure"), std::string::npos);
  EXPECT_NE(replicas.read_position_cookie(lsn, true).find("; Secure"), std::string::npos);
  std::string value = value_of(header);

  EXPECT_EQ(replicas.read_position(with_cookie("a=1; terrier_lsn=" + value + "; b=2")), lsn);
  EXPECT_EQ(replicas.read_position(Request{}), 0u);
  EXPECT_EQ(replicas.read_position(with_cookie("terrier_session=abc")), 0u);

  // Forged, tampered with, or signed for another database: the primary.
  constexpr auto primary = std::numeric_limits<std::uint64_t>::max();
  std::string lower = "terrier_lsn=0/1." + value.substr(value.find('.') + 1);
  EXPECT_EQ(replicas.read_position(with_cookie(lower)), primary);
  EXPECT_EQ(replicas.read_position(with_cookie("terrier_lsn=0/1")), primary);
  EXPECT_EQ(replicas.read_position(with_cookie("terrier_lsn=garbage.abc")), primary);
  ReplicaConfig other = config;
  other.cookie_key = "key of another database";
  ReadReplicas elsewhere(other);
  EXPECT_EQ(elsewhere.read_position(with_cookie("terrier_lsn=" + value)), primary);
}

TEST(ReadReplicas, WithoutAHealthyReplicaEveryReadGoesToThePrimary) {
  ReplicaConfig config;
  config.cookie_key = "k";
  ReadReplicas none(config);
  EXPECT_EQ(none.choose(0), nullptr);
  EXPECT_EQ(none.health_json(), "[]");
  EXPECT_NE(none.metrics_text().find("terrier_db_reads_total{pool=\"primary\"} 1"),
            std::string::npos);
}

TEST(ReplicaConfig, RefusesABadLagBoundAndAnAddressThatIsNotLibpqs) {
  ReplicaConfig config;
  config.cookie_key = "k";
  config.max_lag_s = 0;
  EXPECT_THROW(config.validate(), ConfigError);
  config.max_lag_s = 5;
  config.urls = {"http://replica:5432/terrier"};
  EXPECT_THROW(config.validate(), ConfigError);
  config.urls = {"postgresql://u:p@127.0.0.1:5433/terrier"};
  EXPECT_NO_THROW(config.validate());
}

}  // namespace
}  // namespace terrier::api
