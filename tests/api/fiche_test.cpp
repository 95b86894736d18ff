// The funder's fiche (GET /api/opportunities/{id}/fiche.pdf and
// /api/matches/{id}/fiche.pdf) against a real `terrier serve` and PostGIS,
// read back by poppler's own tools: one A4 page (pdfinfo), the facts the role
// may read and nothing else (pdftotext), a map that is drawn (pdftoppm), on
// the base map's tiles when a tile server answers (a local one, never the
// internet).

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "tests/api/followup_fixture.hpp"
#include "tests/support/python_server.hpp"

namespace terrier::test {
namespace {

namespace fs = std::filesystem;

// Nothing answers on the discard port: the fiche is drawn without tiles.
constexpr const char* kUnreachableTiles = "http://127.0.0.1:9/{z}/{x}/{y}.png";

// A page rendered by pdftoppm as a binary PPM.
struct Raster {
  int width = 0, height = 0;
  std::string rgb;
  // Pixels of the rectangle (in PDF points) that `keep` accepts.
  template <typename Keep>
  double share(double x0, double y0, double x1, double y1, double dpi, Keep keep) const {
    const double k = dpi / 72;
    long total = 0, kept = 0;
    for (int y = static_cast<int>(y0 * k); y < static_cast<int>(y1 * k) && y < height; ++y) {
      for (int x = static_cast<int>(x0 * k); x < static_cast<int>(x1 * k) && x < width; ++x) {
        const auto* p = reinterpret_cast<const unsigned char*>(rgb.data()) + 3 * (y * width + x);
        ++total;
        if (keep(p[0], p[1], p[2])) ++kept;
      }
    }
    return total ? static_cast<double>(kept) / static_cast<double>(total) : 0;
  }
};

class FicheTest : public FollowupTest {
 protected:
  void SetUp() override {
    setenv("TERRIER_BASEMAP_URL", kUnreachableTiles, 1);
    FollowupTest::SetUp();
    dir_ = fs::temp_directory_path() / ("terrier-fiche-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    FollowupTest::TearDown();
    // TERRIER_FICHE_KEEP=DIR keeps the fiches for a person to look at.
    if (const char* keep = std::getenv("TERRIER_FICHE_KEEP")) {
      for (const auto& e : fs::directory_iterator(dir_)) {
        if (e.path().extension() == ".pdf") {
          fs::copy_file(e.path(), fs::path(keep) / e.path().filename(),
                        fs::copy_options::overwrite_existing);
        }
      }
    }
    unsetenv("TERRIER_BASEMAP_URL");
    unsetenv("TERRIER_BASEMAP_ATTRIBUTION");
    fs::remove_all(dir_);
  }

  // The PDF's path after checking that it is one.
  std::string pdf(const HttpResponse& r, const std::string& name) {
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 400);
    EXPECT_EQ(r.header("Content-Type"), "application/pdf");
    std::string path = (dir_ / (name + ".pdf")).string();
    std::ofstream(path, std::ios::binary) << r.body;
    return path;
  }

  // pdftotext's text, with no-break spaces as spaces.
  static std::string text_of(const std::string& path) {
    std::string text = run_command("pdftotext -enc UTF-8 " + path + " -");
    for (std::string nbsp : {"\u00a0", "\u202f"}) {
      for (auto at = text.find(nbsp); at != std::string::npos; at = text.find(nbsp)) {
        text.replace(at, nbsp.size(), " ");
      }
    }
    return text;
  }

  Raster raster(const std::string& path) {
    std::string prefix = path.substr(0, path.size() - 4);
    run_command("pdftoppm -r 50 -singlefile " + path + " " + prefix);
    std::ifstream in(prefix + ".ppm", std::ios::binary);
    Raster r;
    std::string magic;
    int depth = 0;
    in >> magic >> r.width >> r.height >> depth;
    in.get();
    r.rgb.resize(static_cast<std::size_t>(r.width) * static_cast<std::size_t>(r.height) * 3);
    in.read(r.rgb.data(), static_cast<std::streamsize>(r.rgb.size()));
    EXPECT_EQ(magic, "P6");
    return r;
  }

  fs::path dir_;
};

// The map extract of an opportunity's fiche, inside its frame.
constexpr double kMapX0 = 60, kMapY0 = 100, kMapX1 = 535, kMapY1 = 280;

bool not_white(unsigned char r, unsigned char g, unsigned char b) {
  return r < 250 || g < 250 || b < 250;
}

TEST_F(FicheTest, AnOpportunityFicheIsOneA4PageWithItsFactsSourcesAndAMap) {
  auto path = pdf(get("/api/opportunities/" + id_of("T-1") + "/fiche.pdf", foundation_), "t1");
  std::string info = run_command("pdfinfo " + path);
  EXPECT_TRUE(std::regex_search(info, std::regex(R"(Pages:\s+1\n)"))) << info;
  EXPECT_NE(info.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info;
  std::string text = text_of(path);
  for (const char* expected :
       {"Ancienne école Jules Ferry", "Lille (59350)", "12 rue Gambetta", "1 250,5 m²", "1 200 €",
        "01/03/2026", "BCUS, location", "disponible", "Commune de Lille", "Mme Vanneste", "Sources",
        "Terrier — réseau des tiers-lieux des Hauts-de-France", "Fiche imprimée le", "Etalab",
        "Cerema"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  }
  for (const char* absent : {"null", "undefined", "NaN"}) {
    EXPECT_EQ(text.find(absent), std::string::npos) << absent << " in:\n" << text;
  }
  // Without tiles, a plain light ground, the commune's outline and the point.
  Raster page = raster(path);
  EXPECT_GT(page.share(kMapX0, kMapY0, kMapX1, kMapY1, 50, not_white), 0.9);
  auto accent = [](unsigned char r, unsigned char g, unsigned char b) {
    return r > 150 && g < 90 && b < 90;  // the building's red point
  };
  EXPECT_GT(page.share(kMapX0, kMapY0, kMapX1, kMapY1, 50, accent), 0.0);
}

TEST_F(FicheTest, AMembersAndTheVisitorsFichesHoldNoOwnerAndNoNotes) {
  for (const auto& [who, bearer] :
       std::vector<std::pair<std::string, std::string>>{{"member", member_}, {"public", ""}}) {
    auto path = pdf(get("/api/opportunities/" + id_of("T-1") + "/fiche.pdf", bearer), who);
    std::string text = text_of(path);
    EXPECT_NE(text.find("Ancienne école Jules Ferry"), std::string::npos) << who << text;
    for (const char* secret : {"Commune de Lille", "Vanneste", "03 20 00", "amiante", "Toiture"}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << who << " reads " << secret << ":\n"
                                                      << text;
    }
  }
}

TEST_F(FicheTest, AFicheIsRefusedExactlyLikeTheItem) {
  const std::string confidential = id_of("T-3"), network = id_of("T-2");
  for (const auto& [id, bearer] :
       std::vector<std::pair<std::string, std::string>>{{confidential, ""},
                                                        {confidential, member_},
                                                        {network, ""},
                                                        {"999999", foundation_},
                                                        {"abc", foundation_}}) {
    auto item = get("/ogcapi/collections/opportunities/items/" + id, bearer);
    auto fiche = get("/api/opportunities/" + id + "/fiche.pdf", bearer);
    EXPECT_EQ(item.status, 404) << id;
    EXPECT_EQ(fiche.status, 404) << id << " " << fiche.body.substr(0, 200);
    EXPECT_EQ(fiche.header("Content-Type"), "application/problem+json") << id;
  }
  EXPECT_EQ(get("/api/opportunities/" + confidential + "/fiche.pdf", foundation_).status, 200);
  EXPECT_EQ(get("/api/opportunities/" + network + "/fiche.pdf", member_).status, 200);
}

TEST_F(FicheTest, AMatchFicheHoldsBothSidesTheScoreItsReasonsAndTheFollowUp) {
  const std::string match = match_of("T-1");
  ASSERT_EQ(send("PATCH", "/api/matches/" + match,
                 R"({"status":"contacté","note":"Appel au propriétaire"})", member_)
                .status,
            200);
  const std::string score =
      value("SELECT round(score)::int FROM matches WHERE id = " + match) + " / 100";
  std::string reason = value("SELECT reasons[1] FROM matches WHERE id = " + match);
  reason = std::regex_replace(reason, std::regex("\u00a0|\u202f"), " ");
  for (const auto& [who, bearer] : std::vector<std::pair<std::string, std::string>>{
           {"foundation", foundation_}, {"member", member_}}) {
    auto path = pdf(get("/api/matches/" + match + "/fiche.pdf", bearer), "match-" + who);
    EXPECT_TRUE(std::regex_search(run_command("pdfinfo " + path), std::regex(R"(Pages:\s+1\n)")));
    std::string text = text_of(path);
    for (const std::string& expected :
         {std::string("Collectif du Nord"), std::string("Ancienne école Jules Ferry"), score,
          std::string("contacté"), std::string("test-member"), std::string("Appel au propriétaire"),
          reason}) {
      EXPECT_NE(text.find(expected), std::string::npos) << who << ": " << expected << " not in:\n"
                                                        << text;
    }
    EXPECT_EQ(text.find("Commune de Lille") != std::string::npos, who == "foundation") << text;
    EXPECT_EQ(text.find("null"), std::string::npos) << text;
  }
  // The follow-up is for people signed in; a building hidden from a role
  // hides its match, as GET /api/matches/{id} does.
  EXPECT_EQ(get("/api/matches/" + match + "/fiche.pdf").status, 401);
  EXPECT_EQ(get("/api/matches/999999/fiche.pdf", foundation_).status, 404);
  {
    pqxx::work w(*conn_);
    w.exec0("UPDATE opportunities SET visibility = 'confidentiel' WHERE external_id = 'T-1'");
    w.commit();
  }
  EXPECT_EQ(get("/api/matches/" + match, member_).status, 404);
  EXPECT_EQ(get("/api/matches/" + match + "/fiche.pdf", member_).status, 404);
  EXPECT_EQ(get("/api/matches/" + match + "/fiche.pdf", foundation_).status, 200);
}

TEST_F(FicheTest, TheBaseMapsTilesAreDrawnUnderTheMapWhenTheirServerAnswers) {
  const std::string log = (dir_ / "tiles.log").string();
  PythonServer tiles("tile_server.py", log);
  ASSERT_GT(tiles.port(), 0);
  stop_server();
  // The custom template of the page's base map: the fiche asks the same one.
  setenv("TERRIER_BASEMAP_URL",
         ("http://127.0.0.1:" + std::to_string(tiles.port()) + "/plan/{z}/{x}/{y}.png").c_str(), 1);
  setenv("TERRIER_BASEMAP_ATTRIBUTION", "© IGN – Géoplateforme", 1);
  start_server();
  auto path = pdf(get("/api/opportunities/" + id_of("T-1") + "/fiche.pdf", member_), "tiled");
  std::ifstream served(log);
  std::string first;
  ASSERT_TRUE(std::getline(served, first)) << "no tile was asked for";
  EXPECT_TRUE(std::regex_match(first, std::regex(R"(/plan/1\d/\d+/\d+\.png)"))) << first;
  auto blue = [](unsigned char r, unsigned char g, unsigned char b) {
    return r < 80 && g > 80 && g < 170 && b > 180;  // tile_server.py's colour
  };
  Raster page = raster(path);
  EXPECT_GT(page.share(kMapX0, kMapY0, kMapX1, kMapY1, 50, blue), 0.6);
  EXPECT_NE(text_of(path).find("© IGN"), std::string::npos) << "the custom layer's credit";
}

// The figures of the README's fiche section: the time of one fiche and what
// fifty of them add to the server's peak memory (VmHWM), without tiles.
TEST_F(FicheTest, FiftyFichesTakeLittleTimeAndLittleMemory) {
  const std::string target = "/api/opportunities/" + id_of("T-1") + "/fiche.pdf";
  auto hwm_kb = [this] {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0L;
  };
  ASSERT_EQ(get(target, foundation_).status, 200);  // fonts and pools warmed
  const long before = hwm_kb();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(get(target, foundation_).status, 200);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
      50;
  const long after = hwm_kb();
  std::printf("fiche: %.1f ms each; VmHWM %ld kB before, %ld kB after 50 fiches (+%ld kB)\n", ms,
              before, after, after - before);
  EXPECT_GT(before, 0);
  EXPECT_LT(ms, 1000);
  EXPECT_LT(after - before, 20 * 1024) << "50 fiches grew the server by more than 20 MB";
}

}  // namespace
}  // namespace terrier::test
