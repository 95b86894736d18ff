// The opportunities' clusters of the low-zoom tiles (issue 21): their counts
// add up to what the items give for the same filters and role, a write
// moves the generation and the next tile (of any server process) shows it,
// ETag and 304.

#include <cmath>
#include <thread>

#include "tests/api/mvt_reader.hpp"
#include "tests/api/tile_fixture.hpp"

namespace terrier::test {
namespace {

int tile_x(double lon, int z) {
  return static_cast<int>(std::floor((lon + 180) / 360 * (1 << z)));
}
int tile_y(double lat, int z) {
  double r = lat * M_PI / 180;
  return static_cast<int>(
      std::floor((1 - std::log(std::tan(r) + 1 / std::cos(r)) / M_PI) / 2 * (1 << z)));
}

struct Totals {
  long long count = 0, kinds = 0, statuses = 0, features = 0, lone = 0;
  double built = 0;
};

class TileClusters : public TileTest {
 protected:
  void SetUp() override {
    load_region_and_demo();
    start_server({"--threads", "2", "--exact-count-limit", "100000"});
    foundation_ = token("foundation");
    member_ = token("member");
  }

  // The clusters of every tile of zoom z over the region, summed.
  Totals region(int z, const std::string& filters, const std::string& bearer, int port = 0) {
    Totals t;
    for (int x = tile_x(1.3, z); x <= tile_x(4.4, z); ++x) {
      for (int y = tile_y(51.2, z); y <= tile_y(48.7, z); ++y) {
        auto r =
            http_get(port ? port : port_,
                     "/tiles/opportunities/" + std::to_string(z) + "/" + std::to_string(x) + "/" +
                         std::to_string(y) + ".mvt" + (filters.empty() ? "" : "?" + filters),
                     bearer.empty() ? "" : "Authorization: Bearer " + bearer + "\r\n");
        EXPECT_EQ(r.status, 200) << r.body;
        for (const auto& f : read_mvt_layer(r.body, "opportunities")) {
          EXPECT_TRUE(f.has("count")) << "a feature that is not a cluster at zoom " << z;
          auto n = static_cast<long long>(f.number("count"));
          t.count += n;
          ++t.features;
          long long kinds = 0, statuses = 0;
          for (const auto& [key, value] : f.properties) {
            if (key.rfind("kind_", 0) == 0) kinds += static_cast<long long>(f.number(key));
            if (key.rfind("status_", 0) == 0) statuses += static_cast<long long>(f.number(key));
          }
          EXPECT_EQ(kinds, n) << "per-kind counts of a cluster";
          EXPECT_EQ(statuses, n) << "per-status counts of a cluster";
          t.kinds += kinds;
          t.statuses += statuses;
          t.built += f.number("built_surface_m2");
          if (n == 1) {
            ++t.lone;
            EXPECT_EQ(static_cast<std::uint64_t>(f.number("id")), f.id) << "a lone point's id";
            EXPECT_FALSE(f.text("kind").empty());
          } else {
            EXPECT_FALSE(f.has("id")) << "a cluster names no opportunity";
          }
        }
      }
    }
    return t;
  }

  long long matched(const std::string& filters, const std::string& bearer) {
    auto r = get(
        "/ogcapi/collections/opportunities/items?limit=1" + (filters.empty() ? "" : "&" + filters),
        bearer);
    EXPECT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body);
    EXPECT_FALSE(j.value("numberMatchedIsEstimate", false));
    return j["numberMatched"].get<long long>();
  }

  // Waits until `done` holds (the generation reaches the server through
  // NOTIFY, a few milliseconds after the commit).
  template <typename F>
  bool eventually(F done) {
    for (int i = 0; i < 100; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
};

TEST_F(TileClusters, CountsAddUpToTheItemsForEachFilterAndRole) {
  const auto filters = tile_test_filters();  // the last two by SQL, with the same clusters

  for (const auto& bearer : {std::string(), member_, foundation_}) {
    for (const auto& f : filters) {
      long long items = matched(f, bearer);
      for (int z : {6, 9}) {
        auto t = region(z, f, bearer);
        EXPECT_EQ(t.count, items) << "filter '" << f << "' at zoom " << z << " for "
                                  << (bearer.empty() ? "anonymous" : bearer.substr(0, 12));
      }
    }
  }
  // The demo data are dense enough to cluster at zoom 6, and sparse enough
  // to leave lone points at zoom 9.
  auto z6 = region(6, "", foundation_);
  EXPECT_LT(z6.features, z6.count / 4);
  EXPECT_GT(region(9, "", foundation_).lone, 0);
  // The surfaces' sum is the built surfaces'.
  EXPECT_NEAR(z6.built, std::stod(value("SELECT sum(built_surface_m2) FROM opportunities")), 1.0);
}

TEST_F(TileClusters, ConfidentialOpportunitiesAreCountedOnlyForThoseWhoMayReadThem) {
  EXPECT_EQ(region(7, "", "").count, count("SELECT count(*) FROM opportunities WHERE visibility = "
                                           "'public'"));
  EXPECT_EQ(region(7, "", member_).count,
            count("SELECT count(*) FROM opportunities WHERE visibility IN ('public', 'réseau')"));
  EXPECT_EQ(region(7, "", foundation_).count, count("SELECT count(*) FROM opportunities"));
  EXPECT_GT(count("SELECT count(*) FROM opportunities WHERE visibility = 'confidentiel'"), 0);
}

TEST_F(TileClusters, AWriteMovesTheGenerationAndTheNextTileShowsIt) {
  const std::string tile = "/tiles/opportunities/9/260/172.mvt";  // Lille and Roubaix
  auto first = get(tile, foundation_);
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("ETag");
  ASSERT_FALSE(etag.empty());
  auto before = count("SELECT last_value FROM tile_generation");
  long long total = 0;
  for (const auto& f : read_mvt_layer(first.body, "opportunities"))
    total += static_cast<long long>(f.number("count"));

  // A second server process, which learns of the write only by NOTIFY.
  pid_t first_pid = pid_;
  int first_port = port_, first_stdout = stdout_;
  start_server({"--threads", "2"});
  pid_t second_pid = pid_;
  int second_port = port_, second_stdout = stdout_;
  pid_ = first_pid, port_ = first_port, stdout_ = first_stdout;
  // Stopped whatever the test's outcome, and checked to exit 0.
  struct Second {
    pid_t pid;
    int out;
    ~Second() {
      kill(pid, SIGTERM);
      int status = 0;
      waitpid(pid, &status, 0);
      close(out);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
  } second{second_pid, second_stdout};
  auto on_second = [&](const std::string& extra = "") {
    return http_get(second_port, tile, "Authorization: Bearer " + foundation_ + "\r\n" + extra);
  };
  ASSERT_EQ(on_second().status, 200);

  std::string id = id_of("T-1");
  ASSERT_EQ(send("DELETE", "/api/opportunities/" + id, "", token("admin")).status, 204);
  EXPECT_GT(count("SELECT last_value FROM tile_generation"), before);
  auto sum = [](const HttpResponse& r) {
    long long n = 0;
    for (const auto& f : read_mvt_layer(r.body, "opportunities"))
      n += static_cast<long long>(f.number("count"));
    return n;
  };
  EXPECT_TRUE(eventually([&] { return sum(get(tile, foundation_)) == total - 1; }))
      << "the server that wrote";
  EXPECT_TRUE(eventually([&] { return sum(on_second()) == total - 1; }))
      << "the other server process";
  // The old ETag no longer matches anywhere.
  EXPECT_EQ(get(tile, foundation_).header("ETag") == etag, false);
  EXPECT_EQ(on_second("If-None-Match: " + etag + "\r\n").status, 200);

  // A write by SQL alone (an import, another tool) moves it too.
  pqxx::work w(*conn_);
  w.exec("UPDATE opportunities SET status = 'retirée' WHERE external_id = 'T-2'");
  w.commit();
  EXPECT_TRUE(eventually([&] {
    for (const auto& f : read_mvt_layer(on_second().body, "opportunities")) {
      if (f.number("status_retirée") > 0) return true;
    }
    return false;
  }));
}

TEST_F(TileClusters, ETagAndNotModified) {
  const std::string tile = "/tiles/opportunities/8/129/86.mvt";
  auto r = get(tile);
  ASSERT_EQ(r.status, 200);
  std::string etag = r.header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(r.header("Cache-Control"), "no-cache");
  auto again = http_get(port_, tile, "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  // Another filter, another role: another tile, another ETag.
  EXPECT_NE(get(tile + "?kind=bureau").header("ETag"), etag);
  auto signed_in = get(tile, foundation_);
  EXPECT_NE(signed_in.header("ETag"), etag);
  EXPECT_EQ(signed_in.header("Cache-Control"), "private, no-store");
  // The same answer from the cache as computed.
  EXPECT_EQ(get(tile).body, r.body);
  EXPECT_EQ(json::parse(get("/api/map-config").body)["cluster_max_zoom"], 11);
}

}  // namespace
}  // namespace terrier::test
