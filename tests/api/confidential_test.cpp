// A confidential building that is *disponible* and fits a need of an
// animator's circle: members, animators and the public never see it on any
// path (items, tiles, need and opportunity matches, the assignment, exports
// in every format, the CNIG Friches one included), nor the free columns of a
// public row, while foundations and admins do. The visibility filters
// of matches and of the assignment are what these tests hold in place.

#include <fmt/core.h>

#include <cmath>
#include <map>

#include "tests/api/api_fixture.hpp"
#include "tests/api/mvt_reader.hpp"

namespace terrier::test {
namespace {

std::string trust_data(const std::string& name) {
  return std::string(TERRIER_SOURCE_DIR) + "/tests/data/confidential/" + name;
}

// Everything a downloaded file holds, as text: the file itself for text
// formats, ogrinfo's dump of every layer for the others.
std::string export_text(const std::string& body, const std::string& format,
                        const std::string& tag) {
  if (format == "geojson" || format == "csv" || format == "kml" || format == "cnig") return body;
  std::string file = "/tmp/terrier-conf-" + tag + "." + format;
  std::ofstream(file, std::ios::binary) << body;
  // A QGIS project: its GeoPackage and the project's own text.
  auto dump = format == "qgz" ? run_command("ogrinfo -ro -al /vsizip/{" + file + "}/terrier.gpkg") +
                                    run_command(
                                        "python3 -c 'import sys, zipfile; "
                                        "sys.stdout.write(zipfile.ZipFile(sys.argv[1])"
                                        ".read(\"terrier.qgs\").decode())' " +
                                        file)
                              : run_command("ogrinfo -ro -al " + file);
  std::remove(file.c_str());
  return dump;
}

}  // namespace

class ConfidentialAvailableBuilding : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    run(importers::ImportKind::circles, trust_data("cercles.csv"));
    ASSERT_EQ(opportunities(trust_data("opportunites.csv")).rejected, 0);
    ASSERT_EQ(run(importers::ImportKind::needs, trust_data("besoins.csv")).rejected, 0);
    match_all();
    need_ = value("SELECT id FROM needs WHERE external_id = 'NC-1'");
    building_ = id_of("C-1");
    animator_ = token("animator", "test-metropole", "anim");
    admin_ = token("admin");
  }

  struct Viewer {
    std::string name, token;
    bool sees;          // the confidential building and its owner
    int export_status;  // of the circle's export
    int assign_status;  // of the circle's assignment
  };
  std::vector<Viewer> viewers() const {
    return {{"public", "", false, 401, 401},
            {"member", member_, false, 403, 200},
            {"animator", animator_, false, 200, 200},
            {"foundation", foundation_, true, 200, 200},
            {"admin", admin_, true, 200, 200}};
  }

  std::string need_, building_, animator_, admin_;
};

TEST_F(ConfidentialAvailableBuilding, FixtureFitsTheCirclesNeedAndIsItsBestMatch) {
  // Without this, the tests below could pass with the filters removed.
  EXPECT_EQ(value("SELECT visibility || ' ' || status FROM opportunities WHERE id = " + building_),
            "confidentiel disponible");
  EXPECT_EQ(value("SELECT opportunity_id FROM matches WHERE need_id = " + need_ +
                  " ORDER BY score DESC LIMIT 1"),
            building_);
  EXPECT_GE(count("SELECT count(*) FROM matches WHERE need_id = " + need_), 2);
}

TEST_F(ConfidentialAvailableBuilding, NeedAndOpportunityMatchesShowItOnlyToFoundationsAndAdmins) {
  for (const auto& v : viewers()) {
    SCOPED_TRACE(v.name);
    auto matches = get("/api/needs/" + need_ + "/matches", v.token);
    ASSERT_EQ(matches.status, 200) << matches.body;
    bool listed = false;
    auto features = json::parse(matches.body)["features"];
    for (const auto& f : features) {
      listed |= f["properties"]["opportunity_id"].get<long long>() == std::stoll(building_);
    }
    EXPECT_EQ(listed, v.sees) << matches.body;
    EXPECT_EQ(matches.body.find("Halle confidentielle") != std::string::npos, v.sees);
    EXPECT_EQ(matches.body.find("Secrète"), std::string::npos);  // owners never in matches
    EXPECT_EQ(matches.body.find("06 11 22 33 44"), std::string::npos);

    auto of_building = get("/api/opportunities/" + building_ + "/matches", v.token);
    EXPECT_EQ(of_building.status, v.sees ? 200 : 404) << of_building.body;
    if (v.sees) {
      auto j = json::parse(of_building.body);
      ASSERT_EQ(j["features"].size(), 1u) << of_building.body;
      EXPECT_EQ(j["features"][0]["properties"]["collective_name"], "Collectif des Halles");
    } else {
      EXPECT_EQ(of_building.body.find("Halle"), std::string::npos);
    }
  }
}

TEST_F(ConfidentialAvailableBuilding, TheAssignmentGivesItOnlyToFoundationsAndAdmins) {
  for (const auto& v : viewers()) {
    SCOPED_TRACE(v.name);
    auto r = get("/api/assignment?territory=test-metropole", v.token);
    ASSERT_EQ(r.status, v.assign_status) << r.body;
    if (r.status != 200) continue;
    auto j = json::parse(r.body);
    ASSERT_EQ(j["assignment"].size(), 1u) << r.body;
    EXPECT_EQ(j["assignment"][0]["need_id"].get<long long>(), std::stoll(need_));
    // Its best building for those who may see it, T-1 (public) for the others.
    EXPECT_EQ(j["assignment"][0]["opportunity_id"].get<long long>(),
              std::stoll(v.sees ? building_ : id_of("T-1")))
        << r.body;
    EXPECT_EQ(r.body.find("Secrète"), std::string::npos);
  }
}

TEST_F(ConfidentialAvailableBuilding, ItemsAndTilesHoldItOnlyForFoundationsAndAdmins) {
  for (const auto& v : viewers()) {
    SCOPED_TRACE(v.name);
    auto items = get("/ogcapi/collections/opportunities/items?limit=100", v.token);
    ASSERT_EQ(items.status, 200);
    EXPECT_EQ(items.body.find("Halle confidentielle") != std::string::npos, v.sees);
    EXPECT_EQ(items.body.find("Mme Secrète Duval") != std::string::npos, v.sees);
    // A public row's free columns (attributes) may hold anything: never in
    // a role's items unless it reads confidential fields.
    EXPECT_NE(items.body.find("Local du gardien"), std::string::npos);
    if (!v.sees) {
      EXPECT_EQ(items.body.find("07 98 76 54 32"), std::string::npos) << items.body;
    }
    auto item = get("/ogcapi/collections/opportunities/items/" + building_, v.token);
    EXPECT_EQ(item.status, v.sees ? 200 : 404);
    EXPECT_EQ(get("/ogcapi/collections/opportunities/items?q=Halle", v.token).body.find("C-1") !=
                  std::string::npos,
              v.sees);

    // Tile 9/260/172 covers Lille and Roubaix: its clusters count the
    // building only for those who see it; lone points name their own id.
    auto tile = get("/tiles/opportunities/9/260/172.mvt", v.token);
    ASSERT_EQ(tile.status, 200);
    long long clustered = 0;
    bool lone_building = false;
    for (const auto& f : read_mvt_layer(tile.body, "opportunities")) {
      clustered += static_cast<long long>(f.number("count"));
      lone_building |= f.has("id") && std::to_string(f.id) == building_;
    }
    auto lat_of = [](int y) {
      return std::atan(std::sinh(M_PI * (1 - 2.0 * y / 512))) * 180 / M_PI;
    };
    auto in_bbox =
        get(fmt::format("/ogcapi/collections/opportunities/items?limit=1&bbox={},{},{},{}",
                        260.0 / 512 * 360 - 180, lat_of(173), 261.0 / 512 * 360 - 180, lat_of(172)),
            v.token);
    EXPECT_EQ(clustered, json::parse(in_bbox.body)["numberMatched"].get<long long>());
    EXPECT_GT(clustered, 0);
    if (!v.sees) {
      EXPECT_FALSE(lone_building);
    }
    // Tile 12 of the building holds points: decoded, their titles.
    auto lonlat = value("SELECT ST_X(point) || ' ' || ST_Y(point) FROM opportunities WHERE id = " +
                        building_);
    double lon = std::stod(lonlat.substr(0, lonlat.find(' ')));
    double lat = std::stod(lonlat.substr(lonlat.find(' ') + 1));
    int tx = static_cast<int>(std::floor((lon + 180) / 360 * 4096));
    double r = lat * M_PI / 180;
    int ty = static_cast<int>(
        std::floor((1 - std::log(std::tan(r) + 1 / std::cos(r)) / M_PI) / 2 * 4096));
    auto points =
        get("/tiles/opportunities/12/" + std::to_string(tx) + "/" + std::to_string(ty) + ".mvt",
            v.token);
    ASSERT_EQ(points.status, 200);
    std::string dir = "/tmp/terrier-conf-tile-" + db_.name() + "/12/" + std::to_string(tx);
    run_command("mkdir -p " + dir);
    std::ofstream(dir + "/" + std::to_string(ty) + ".pbf", std::ios::binary) << points.body;
    auto decoded = run_command("ogrinfo -ro -al " + dir + "/" + std::to_string(ty) + ".pbf");
    run_command("rm -rf /tmp/terrier-conf-tile-" + db_.name());
    EXPECT_EQ(decoded.find("Halle confidentielle du Pile") != std::string::npos, v.sees) << decoded;
    EXPECT_EQ(points.body.find("Secrète"), std::string::npos);
    EXPECT_EQ(tile.body.find("Secrète"), std::string::npos);         // owners never in tiles
    EXPECT_EQ(tile.body.find("07 98 76 54 32"), std::string::npos);  // nor free columns
  }
}

TEST_F(ConfidentialAvailableBuilding, ExportsInEveryFormatHoldItOnlyForFoundationsAndAdmins) {
  for (const std::string format : {"geojson", "csv", "kml", "gpkg", "xlsx", "ods", "cnig", "qgz"}) {
    for (const auto& v : viewers()) {
      SCOPED_TRACE(format + " " + v.name);
      auto r = get("/api/territories/test-metropole/export?format=" + format, v.token);
      ASSERT_EQ(r.status, v.export_status) << r.body;
      if (r.status != 200) {
        EXPECT_EQ(r.body.find("Halle"), std::string::npos);
        continue;
      }
      std::string text = export_text(r.body, format, db_.name() + "-" + v.name);
      // Every role's export holds the public building of the circle.
      EXPECT_NE(text.find("Ancienne"), std::string::npos) << text.substr(0, 2000);
      EXPECT_EQ(text.find("Halle confidentielle du Pile") != std::string::npos, v.sees);
      EXPECT_EQ(text.find("Mme Secrète Duval") != std::string::npos, v.sees);
      if (format != "cnig") {  // the CNIG standard holds sites, not needs
        EXPECT_EQ(text.find("06 11 22 33 44") != std::string::npos, v.sees);  // the need's contact
      }
      EXPECT_EQ(text.find("SCI Les Tilleuls") != std::string::npos, v.sees);  // T-2's owner
      // A public row's free column: spreadsheets carry the free columns, only
      // for the roles that read confidential fields; no format for the others.
      bool free_column = text.find("07 98 76 54 32") != std::string::npos;
      if (format == "xlsx" || format == "ods") {
        EXPECT_EQ(free_column, v.sees);
      } else if (!v.sees) {
        EXPECT_FALSE(free_column);
      }
    }
  }
}

}  // namespace terrier::test
