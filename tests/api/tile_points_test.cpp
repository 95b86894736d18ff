// The opportunities' point tiles above the clusters' zoom (issue 21): drawn
// from the in-memory snapshot, they hold the same features, pixels and
// attributes (names, values and value types) as PostGIS's ST_AsMVT of
// db::query_tile, for several filters × 3 roles at zooms 12 to 16, points
// one float away from a tile's edges included; a tile a footprint reaches
// is drawn by SQL.

#include "db/tile_points.hpp"

#include <fmt/core.h>

#include <cmath>
#include <set>

#include "tests/api/mvt_reader.hpp"
#include "tests/api/tile_fixture.hpp"

namespace terrier::test {
namespace {

struct Tile {
  int z, x, y;
  std::string path() const {
    return "/tiles/opportunities/" + std::to_string(z) + "/" + std::to_string(x) + "/" +
           std::to_string(y) + ".mvt";
  }
  bool operator<(const Tile& o) const { return std::tie(z, x, y) < std::tie(o.z, o.x, o.y); }
};

// The tile of zoom z that holds a point of EPSG:3857.
Tile tile_of(int z, double mx, double my) {
  const double size = 40075016.685578488 / std::pow(2.0, z);
  return {z, static_cast<int>(std::floor((mx + 20037508.342789244) / size)),
          static_cast<int>(std::floor((20037508.342789244 - my) / size))};
}

class TilePoints : public TileTest {
 protected:
  void SetUp() override {
    load_region_and_demo();
    add_edge_points();
    // A footprint (a polygon): the tiles it reaches are SQL's.
    pqxx::work w(*conn_);
    w.exec(
        "INSERT INTO opportunities (source, content_hash, title, kind, geom, location_precision, "
        "visibility, land_surface_m2) VALUES ('test', 'footprint', 'Friche en polygone', "
        "'friche', ST_GeomFromText('POLYGON((2.77 50.28, 2.78 50.28, 2.78 50.29, 2.77 50.29, "
        "2.77 50.28))', 4326), 'exact', 'public', 12345.678)");
    w.commit();
    // The SQL server: every tile by PostGIS.
    start_server({"--threads", "2", "--cluster-max-zoom", "-1", "--tile-cache", "0"});
    sql_pid_ = pid_, sql_port_ = port_, sql_stdout_ = stdout_;
    start_server({"--threads", "2", "--exact-count-limit", "100000"});
    foundation_ = token("foundation");
    member_ = token("member");
  }
  void TearDown() override {
    ApiTest::TearDown();
    kill(sql_pid_, SIGTERM);
    int status = 0;
    waitpid(sql_pid_, &status, 0);
    close(sql_stdout_);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }

  // Points on either side of the west and north edges of a tile of zoom 14
  // in Lille, one float apart: PostGIS's && compares float boxes, so these
  // are the points a double comparison would get wrong.
  void add_edge_points() {
    auto edge = [&](const char* bound) {
      return std::stod(value(std::string("SELECT ") + bound +
                             "(ST_Transform(ST_TileEnvelope(14, 8331, 5482), 4326))"));
    };
    const double west = edge("ST_XMin"), north = edge("ST_YMax");
    const double mid_lon = (edge("ST_XMin") + edge("ST_XMax")) / 2;
    const double mid_lat = (edge("ST_YMin") + north) / 2;
    std::vector<std::pair<double, double>> points;
    auto around = [](double v) {
      const float max = std::numeric_limits<float>::max();
      float f = db::float_down(v);
      float before = std::nextafter(f, -max), after = std::nextafter(f, max);
      return std::vector<double>{std::nextafter(before, -max),
                                 before,
                                 (static_cast<double>(before) + f) / 2,
                                 f,
                                 v,
                                 (static_cast<double>(f) + after) / 2,
                                 after,
                                 std::nextafter(after, max),
                                 std::nextafter(v, 0.0),
                                 std::nextafter(v, 1e9)};
    };
    for (double lon : around(west)) points.emplace_back(lon, mid_lat);
    for (double lat : around(north)) points.emplace_back(mid_lon, lat);
    pqxx::work w(*conn_);
    int n = 0;
    for (const auto& [lon, lat] : points) {
      w.exec_params(
          "INSERT INTO opportunities (source, content_hash, title, kind, geom, "
          "location_precision, visibility, built_surface_m2, rent_eur_month, tenures) VALUES "
          "('test', $1, 'Point au bord', 'bureau', ST_SetSRID(ST_MakePoint($2::float8, "
          "$3::float8), 4326), 'adresse', 'public', 100.5, 1234.567, '{location,vente}')",
          "edge-" + std::to_string(n++), fmt::format("{}", lon), fmt::format("{}", lat));
    }
    w.commit();
    edge_points_ = n;
  }

  // Tiles that hold points at each zoom from 12 to 16: the edge tile and
  // its neighbours, the footprint's, and up to `per_zoom` others spread
  // over the data.
  std::vector<Tile> tiles(std::size_t per_zoom) {
    std::set<Tile> out;
    for (int dx = -1; dx <= 1; ++dx) {
      for (int dy = -1; dy <= 1; ++dy) out.insert({14, 8331 + dx, 5482 + dy});
    }
    pqxx::read_transaction r(*conn_);
    auto footprint = r.exec1(
        "SELECT ST_X(m), ST_Y(m) FROM (SELECT ST_Transform(point, 3857) m FROM opportunities "
        "WHERE content_hash = 'footprint') t");
    auto rows = r.exec(
        "SELECT ST_X(m), ST_Y(m) FROM (SELECT ST_Transform(point, 3857) m, row_number() OVER "
        "(ORDER BY id) n FROM opportunities) t ORDER BY n");
    for (int z = 12; z <= 16; ++z) {
      std::set<Tile> at_zoom;
      const std::size_t step = std::max<std::size_t>(1, rows.size() / per_zoom);
      for (std::size_t i = 0; i < rows.size() && at_zoom.size() < per_zoom; i += step) {
        at_zoom.insert(tile_of(z, rows[i][0].as<double>(), rows[i][1].as<double>()));
      }
      out.insert(at_zoom.begin(), at_zoom.end());
      out.insert(tile_of(z, footprint[0].as<double>(), footprint[1].as<double>()));
    }
    return {out.begin(), out.end()};
  }

  pid_t sql_pid_ = -1;
  int sql_port_ = 0, sql_stdout_ = -1;
  int edge_points_ = 0;
};

// The same features: each (by its id) at the same pixel with the same
// attributes and value types. Returns how many.
std::size_t expect_same(const std::string& memory, const std::string& sql,
                        const std::string& what) {
  auto a = read_mvt_layer(memory, "opportunities"), b = read_mvt_layer(sql, "opportunities");
  EXPECT_EQ(a.size(), b.size()) << what;
  std::map<std::int64_t, const MvtFeature*> by_id;
  for (const auto& f : b) by_id[static_cast<std::int64_t>(f.number("id"))] = &f;
  for (const auto& f : a) {
    auto it = by_id.find(static_cast<std::int64_t>(f.number("id")));
    if (it == by_id.end()) {
      ADD_FAILURE() << what << ": opportunity " << f.number("id") << " is not in SQL's tile";
      continue;
    }
    const MvtFeature& g = *it->second;
    EXPECT_EQ(f.type, g.type) << what;
    EXPECT_EQ(f.id, g.id) << what << ": feature id";
    EXPECT_EQ(std::pair(f.x, f.y), std::pair(g.x, g.y)) << what << ": pixel of " << f.number("id");
    EXPECT_EQ(f.properties, g.properties) << what << ": attributes of " << f.number("id");
    EXPECT_EQ(f.value_types, g.value_types) << what << ": value types of " << f.number("id");
  }
  return a.size();
}

TEST_F(TilePoints, SnapshotTilesAreSqlTilesForEachFilterRoleAndZoom) {
  // The server's own check, and the tiles it draws from memory: all but
  // the footprint's, so that the comparison below compares two paths.
  auto snapshot = db::load_opportunity_snapshot(*conn_);
  ASSERT_TRUE(db::point_tiles_match_postgis(*conn_, snapshot));
  auto all = db::snapshot_filter({}, Role::foundation, 0);
  ASSERT_TRUE(all);
  const auto tile_list = tiles(30);
  int from_memory = 0, footprint_tiles = 0;
  for (const auto& t : tile_list) {
    const bool reached =
        count(fmt::format("SELECT count(*) FROM opportunities WHERE content_hash = 'footprint' "
                          "AND geom && ST_Transform(ST_TileEnvelope({}, {}, {}), 4326)",
                          t.z, t.x, t.y)) > 0;
    auto points = db::point_tile(snapshot, *all, t.z, t.x, t.y);
    EXPECT_EQ(points.has_value(), !reached) << t.path();
    points ? ++from_memory : ++footprint_tiles;
  }
  EXPECT_GE(footprint_tiles, 5) << "the footprint's tile at each zoom, by SQL";
  EXPECT_GT(from_memory, 100);

  const auto filters = tile_test_filters();  // the last two by SQL on both servers

  std::size_t features = 0;
  std::set<std::string> keys;
  for (const auto& bearer : {std::string(), member_, foundation_}) {
    const std::string auth = bearer.empty() ? "" : "Authorization: Bearer " + bearer + "\r\n";
    for (const auto& f : filters) {
      for (const auto& t : tile_list) {
        const std::string target = t.path() + (f.empty() ? "" : "?" + f);
        auto memory = http_get(port_, target, auth), sql = http_get(sql_port_, target, auth);
        ASSERT_EQ(memory.status, 200) << target << memory.body;
        ASSERT_EQ(sql.status, 200) << target << sql.body;
        features +=
            expect_same(memory.body, sql.body,
                        target + " as " + (bearer.empty() ? "anonymous" : bearer.substr(0, 8)));
        for (const auto& g : read_mvt_layer(memory.body, "opportunities")) {
          for (const auto& [key, v] : g.properties) keys.insert(key);
        }
      }
    }
  }
  EXPECT_GT(features, 2000u);
  // Every column of tile_columns was written somewhere.
  EXPECT_EQ(keys,
            (std::set<std::string>{"id", "title", "kind", "status", "visibility", "to_reverify",
                                   "tenure", "tenures", "built_surface_m2", "land_surface_m2",
                                   "rent_eur_month", "price_eur", "location_precision"}));
}

TEST_F(TilePoints, PointsOneFloatFromTheEdgesAreWhereSqlPutsThem) {
  int on_edges = 0;
  for (int dx = -1; dx <= 1; ++dx) {
    for (int dy = -1; dy <= 1; ++dy) {
      const Tile t{14, 8331 + dx, 5482 + dy};
      auto memory = get(t.path()), sql = http_get(sql_port_, t.path());
      expect_same(memory.body, sql.body, t.path());
      for (const auto& f : read_mvt_layer(memory.body, "opportunities")) {
        if (f.text("title") == "Point au bord") ++on_edges;
      }
    }
  }
  // Each edge point is in one tile at least, some (on a shared float) in two.
  EXPECT_GE(on_edges, edge_points_);
  EXPECT_LT(on_edges, 2 * edge_points_);
}

TEST_F(TilePoints, ConfidentialOpportunitiesOnlyForThoseWhoMayReadThem) {
  // T-3 (confidentiel) and T-2 (réseau), in Lille at zoom 14.
  const std::string t3 = id_of("T-3"), t2 = id_of("T-2");
  auto ids = [&](const std::string& path, const std::string& bearer) {
    std::set<std::string> out;
    for (const auto& f : read_mvt_layer(get(path, bearer).body, "opportunities")) {
      out.insert(std::to_string(static_cast<long long>(f.number("id"))));
      EXPECT_FALSE(f.has("owner_name") || f.has("owner_contact") || f.has("notes"));
    }
    return out;
  };
  auto where = [&](const std::string& id) {
    pqxx::read_transaction r(*conn_);
    auto row = r.exec1(
        "SELECT ST_X(m), ST_Y(m) FROM (SELECT ST_Transform(point, 3857) m FROM "
        "opportunities WHERE id = " +
        id + ") t");
    return tile_of(14, row[0].as<double>(), row[1].as<double>()).path();
  };
  EXPECT_EQ(ids(where(t3), "").count(t3), 0u);
  EXPECT_EQ(ids(where(t3), member_).count(t3), 0u);
  EXPECT_EQ(ids(where(t3), foundation_).count(t3), 1u);
  EXPECT_EQ(ids(where(t2), "").count(t2), 0u);
  EXPECT_EQ(ids(where(t2), member_).count(t2), 1u);
}

}  // namespace
}  // namespace terrier::test
