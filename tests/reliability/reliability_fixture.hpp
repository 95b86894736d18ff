#pragma once

// The reliability tests' fixture: a running server with an admin token,
// the model's checksum, and the bad files too large to commit. Bad input
// fed to every importer, to the write endpoints and to the query parameters
// gets a clear error naming what is wrong, the server keeps serving, and the
// database is left as it was (bad_*_test.cpp); faults and limits
// (server_faults_test.cpp) and every route for every role (routes_test.cpp).

#include <cpl_conv.h>
#include <fmt/core.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <regex>
#include <thread>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {

using json = nlohmann::json;
namespace fs = std::filesystem;

inline std::string bad(const std::string& name) {
  return std::string(TERRIER_SOURCE_DIR) + "/tests/data/bad/" + name;
}

// The files too large to commit, made for each run.
class BadFiles {
 public:
  BadFiles() : dir_(fs::temp_directory_path() / ("terrier-bad-" + std::to_string(getpid()))) {
    fs::create_directories(dir_);
  }
  ~BadFiles() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  BadFiles(const BadFiles&) = delete;
  BadFiles& operator=(const BadFiles&) = delete;

  static constexpr const char* kHeader =
      "Réf.;Intitulé;Type de bien;Adresse;Code postal;Commune;Code INSEE;Latitude;Longitude;"
      "Surface bâtie (m²);Mode de mise à disposition;Loyer (€/mois);Statut;Visibilité\n";

  // 50 MB on one line, no newline at all.
  std::string single_line() {
    return make("single_line.csv", [](std::ofstream& out) {
      std::string chunk(1 << 20, 'x');
      for (int i = 0; i < 50; ++i) out << chunk;
    });
  }
  // A 50 MB title in an otherwise good row.
  std::string huge_field() {
    return make("huge_field.csv", [](std::ofstream& out) {
      out << kHeader << "L-1;";
      std::string chunk(1 << 20, 'x');
      for (int i = 0; i < 50; ++i) out << chunk;
      out << ";atelier;;59000;Lille;59350;50,63;3,06;120;location;900;disponible;public\n";
    });
  }
  // One feature whose polygon has a million vertices (about 30 MB).
  std::string million_vertices() {
    return make("million.geojson", [](std::ofstream& out) {
      out << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":)"
          << R"j({"code":"200093201","nom":"Polygone géant","Collectif":"Collectif Géant","Réf.":"G-1",)j"
          << R"j("Surface min (m²)":"100","Surface max (m²)":"300","Statut":"active"},)j"
          << R"("geometry":{"type":"Polygon","coordinates":[[)";
      constexpr long long n = 1'000'000;
      char buf[64];
      for (long long i = 0; i <= n; ++i) {
        double a = 2 * M_PI * static_cast<double>(i % n) / static_cast<double>(n);
        int len = std::snprintf(buf, sizeof buf, "%s[%.7f,%.7f]", i ? "," : "",
                                3.06 + 0.05 * std::cos(a), 50.63 + 0.03 * std::sin(a));
        out.write(buf, len);
      }
      out << "]]}}]}";
    });
  }
  // GeoJSON nested ten thousand deep in a feature's properties.
  std::string deep_geojson() {
    return make("deep.geojson", [](std::ofstream& out) {
      out << R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"a":)";
      for (int i = 0; i < 10000; ++i) out << "{\"b\":";
      out << "1";
      for (int i = 0; i < 10000; ++i) out << "}";
      out << "}}]}";
    });
  }
  // A spreadsheet that unpacks to 1 GB of zeros from about 1 MB: a zip bomb.
  std::string zip_bomb() {
    std::string path = (dir_ / "bomb.xlsx").string();
    void* zip = CPLCreateZip(path.c_str(), nullptr);
    EXPECT_NE(zip, nullptr);
    EXPECT_EQ(CPLCreateFileInZip(zip, "xl/worksheets/sheet1.xml", nullptr), CE_None);
    std::vector<char> zeros(1 << 20, '\0');
    for (int i = 0; i < 1024; ++i)
      CPLWriteFileInZip(zip, zeros.data(), static_cast<int>(zeros.size()));
    CPLCloseFileInZip(zip);
    CPLCloseZip(zip);
    return path;
  }
  const fs::path& dir() const { return dir_; }

 private:
  template <class F>
  std::string make(const std::string& name, F body) {
    std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary);
    body(out);
    return path;
  }
  fs::path dir_;
};

class Reliability : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = token("admin");
  }

  // Every table that holds what people keep: territories, places,
  // opportunities and needs with their private parts, matches, tokens.
  std::string model() {
    std::string out;
    for (const char* t : {"territories", "circle_members", "places", "opportunities",
                          "opportunity_private", "needs", "need_private", "matches"}) {
      out += value(std::string("SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), "
                               "'empty') FROM ") +
                   t + " t") +
             ";";
    }
    return out;
  }

  CommandResult import(const std::string& args) {
    return run_terrier("import " + args, "TERRIER_DATABASE_URL=" + db_.url());
  }

  void expect_serving() {
    auto h = get("/healthz");
    EXPECT_EQ(h.status, 200) << "the server stopped serving";
  }

  std::string admin_;
};

inline const std::vector<std::string> kEveryKind = {"opportunities", "needs", "places", "circles",
                                                    "territories --level commune"};

}  // namespace terrier::test
