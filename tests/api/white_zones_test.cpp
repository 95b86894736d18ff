// White zones (GET /api/territories/{slug}/white-zones) against a real
// server and PostGIS: the communes they list are exactly those a brute-force
// geodesic computation finds from the bundled files (the communes' town
// halls, the places' coordinates; PROJ's geodesic, Karney's algorithm), with
// the same distances; each role reads only the opportunities it may; the
// layer files open in GDAL with French columns; bad parameters are refused.

#include <fmt/core.h>
#include <geodesic.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <set>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

// The rows of a bundled CSV (comma-separated, double quotes), by header.
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& path) {
  std::ifstream in(path);
  auto split = [](const std::string& line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.emplace_back();
      } else if (c != '\r') {
        cells.back() += c;
      }
    }
    return cells;
  };
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    auto cells = split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

struct Expected {
  std::string insee;
  long long population;
  double distance_km;
};

// The white zones of a circle by brute force: every commune of the circle
// (its proposal in the communes' file) against every located place of the
// places' file, on the WGS 84 ellipsoid.
std::vector<Expected> brute_force(const std::string& circle, double distance_km) {
  geod_geodesic g;
  geod_init(&g, 6378137, 1 / 298.257223563);
  std::vector<std::pair<double, double>> places;
  for (auto& p : csv_rows(data_file("places_seed.csv"))) {
    if (p["lat"].empty() || p["lon"].empty()) continue;
    places.emplace_back(std::stod(p["lon"]), std::stod(p["lat"]));
  }
  std::vector<Expected> out;
  for (auto& c : csv_rows(data_file("communes_epci_hdf.csv"))) {
    if (c["circle_proposal"] != circle) continue;
    double lon = std::stod(c["pos_lon"]), lat = std::stod(c["pos_lat"]);
    double nearest = std::numeric_limits<double>::infinity();
    for (auto [plon, plat] : places) {
      double s12 = 0;
      geod_inverse(&g, lat, lon, plat, plon, &s12, nullptr, nullptr);
      nearest = std::min(nearest, s12);
    }
    if (nearest > distance_km * 1000) {
      out.push_back({c["insee"], std::stoll(c["population"]), nearest / 1000});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Expected& a, const Expected& b) { return a.population > b.population; });
  return out;
}

class WhiteZones : public ApiTest {
 protected:
  WhiteZones() : ApiTest(demo_template(/*with_friches=*/false, api_opportunities())) {}

  void SetUp() override { ApiTest::SetUp(); }

  json zones(const std::string& target, const std::string& bearer = "") {
    auto r = get(target, bearer);
    EXPECT_EQ(r.status, 200) << target << "\n" << r.body;
    EXPECT_EQ(r.header("content-type"), "application/geo+json");
    return r.status == 200 ? json::parse(r.body) : json::object({{"features", json::array()}});
  }
};

TEST_F(WhiteZones, EqualABruteForceGeodesicComputationOnTheBundledFiles) {
  int compared = 0;
  for (auto [circle, km] : {std::pair{"mel", 5.0}, std::pair{"littoral", 10.0},
                            std::pair{"somme", 20.0}, std::pair{"bassin-minier", 3.0}}) {
    auto expected = brute_force(circle, km);
    json got = zones(fmt::format("/api/territories/{}/white-zones?distance_km={}", circle, km));
    ASSERT_EQ(got["features"].size(), expected.size()) << circle;
    EXPECT_EQ(got["distance_km"], km);
    std::map<std::string, double> distance;
    for (const auto& f : got["features"]) {
      const auto& p = f["properties"];
      distance[p["insee"]] = p["distance_km"].get<double>();
      EXPECT_EQ(f["geometry"]["type"].get<std::string>().find("Polygon") != std::string::npos,
                true);
      EXPECT_GT(p["distance_km"].get<double>(), km);
      EXPECT_TRUE(p["nearest_place"].is_string()) << p.dump();
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const auto& e = expected[i];
      ASSERT_TRUE(distance.count(e.insee)) << circle << ": " << e.insee << " missing";
      // Rounded to 10 m by the answer.
      EXPECT_NEAR(distance[e.insee], e.distance_km, 0.006) << e.insee;
      // By population, largest first.
      EXPECT_EQ(got["features"][i]["properties"]["population"].get<long long>(), e.population)
          << circle << " #" << i;
      ++compared;
    }
  }
  // The bundled files make white zones at these distances: the comparison
  // above compared something.
  EXPECT_GT(compared, 50);
}

TEST_F(WhiteZones, EachRoleReadsOnlyTheOpportunitiesItMay) {
  // An available opportunity of each visibility in the first white zone of
  // the MEL at 5 km, at its centre.
  json first = zones("/api/territories/mel/white-zones?distance_km=5")["features"][0];
  const json centre = first["properties"]["centre"];
  const std::string admin = token("admin");
  std::map<std::string, std::string> ids;
  for (const char* visibility : {"public", "réseau", "confidentiel"}) {
    json feature = {{"type", "Feature"},
                    {"geometry", {{"type", "Point"}, {"coordinates", centre}}},
                    {"properties",
                     {{"title", std::string("Hangar ") + visibility},
                      {"kind", "entrepôt"},
                      {"built_surface_m2", 400},
                      {"visibility", visibility},
                      {"owner_name", "Propriétaire discret"}}}};
    auto r = send("POST", "/api/opportunities", feature.dump(), admin);
    ASSERT_EQ(r.status, 201) << r.body;
    ids[visibility] = std::to_string(json::parse(r.body)["id"].get<long long>());
  }
  auto listed = [&](const std::string& bearer) {
    std::set<std::string> out;
    const json all = zones("/api/territories/mel/white-zones?distance_km=5", bearer);
    for (const auto& f : all["features"]) {
      for (const auto& o : f["properties"]["opportunities"]) {
        out.insert(std::to_string(o["id"].get<long long>()));
        EXPECT_TRUE(o.contains("title"));
        EXPECT_EQ(o.size(), 2u) << o.dump();  // id and title, nothing else
      }
    }
    return out;
  };
  auto anonymous = listed(""), member = listed(member_), foundation = listed(foundation_);
  EXPECT_TRUE(anonymous.count(ids["public"]));
  EXPECT_FALSE(anonymous.count(ids["réseau"]));
  EXPECT_FALSE(anonymous.count(ids["confidentiel"]));
  EXPECT_TRUE(member.count(ids["réseau"]));
  EXPECT_FALSE(member.count(ids["confidentiel"]));
  EXPECT_TRUE(foundation.count(ids["confidentiel"]));
  // Whatever else they list, each is available and readable by that role.
  for (auto& [bearer, set] : {std::pair{std::string(), anonymous}, std::pair{member_, member}}) {
    for (const auto& id : set) {
      auto r = get("/ogcapi/collections/opportunities/items/" + id, bearer);
      ASSERT_EQ(r.status, 200) << id;
      EXPECT_EQ(json::parse(r.body)["properties"]["status"], "disponible") << id;
    }
  }
  // No owner's name on any path of the answer.
  auto raw = get("/api/territories/mel/white-zones?distance_km=5&format=csv", foundation_);
  EXPECT_EQ(raw.body.find("Propriétaire discret"), std::string::npos);
}

TEST_F(WhiteZones, LayerFilesOpenInGdalWithFrenchColumns) {
  json geojson = zones("/api/territories/mel/white-zones?distance_km=5");
  const auto count = geojson["features"].size();
  ASSERT_GT(count, 0u);
  for (const char* format : {"csv", "gpkg", "kml", "xlsx", "ods"}) {
    auto r = get(fmt::format("/api/territories/mel/white-zones?distance_km=5&format={}", format));
    ASSERT_EQ(r.status, 200) << format << ": " << r.body;
    EXPECT_NE(r.header("content-disposition").find("terrier-mel-zones-blanches-"),
              std::string::npos)
        << r.header("content-disposition");
    std::string path = fmt::format("/tmp/terrier-wz-{}-{}.{}", db_.name(), getpid(), format);
    std::ofstream(path, std::ios::binary) << r.body;
    std::string info = run_command("ogrinfo -ro -al -so " + path);
    EXPECT_NE(info.find(fmt::format("Feature Count: {}", count)), std::string::npos)
        << format << "\n"
        << info;
    if (std::string(format) != "kml") {
      EXPECT_NE(info.find("Distance au lieu le plus proche (km)"), std::string::npos)
          << format << "\n"
          << info;
      EXPECT_NE(info.find("Opportunités disponibles"), std::string::npos) << format;
    }
    std::remove(path.c_str());
  }
}

TEST_F(WhiteZones, RefuseWhatTheyCannotAnswer) {
  auto r = get("/api/territories/mel/white-zones?distance_km=0,1");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("de 0,5 à 100"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("distance_km"), std::string::npos) << r.body;
  EXPECT_EQ(get("/api/territories/mel/white-zones?distance_km=dix").status, 400);
  EXPECT_EQ(get("/api/territories/mel/white-zones?format=shp").status, 400);
  EXPECT_EQ(get("/api/territories/mel/white-zones?rayon=3").status, 400);
  EXPECT_EQ(get("/api/territories/atlantide/white-zones").status, 404);
  // A decimal comma, as people type it.
  EXPECT_EQ(get("/api/territories/mel/white-zones?distance_km=7,5").status, 200);
}

}  // namespace
}  // namespace terrier::test
