// `terrier import` as people run it: messages, report file, exit status.

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "tests/importers/import_fixture.hpp"
#include "tests/support/python_server.hpp"

namespace terrier::test {
namespace {

namespace fs = std::filesystem;

std::string last_line(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s.substr(s.rfind('\n') + 1);
}

class ImportCli : public ImportTest {
 protected:
  CommandResult terrier(const std::string& args) {
    return run_terrier(args, "TERRIER_DATABASE_URL=" + db_.url());
  }
};

TEST_F(ImportCli, StrictImportWithBadRowsExitsTwoNamesEachRowAndWritesTheReport) {
  std::string report = fs::temp_directory_path() / ("terrier-report-" + db_.name() + ".csv");
  auto file = fixture("conventions/mixed_rows.csv");
  auto r = terrier("import opportunities " + file + " --strict --reject-report " + report);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(last_line(r.output), "read 8, inserted 2, updated 0, unchanged 0, rejected 6");
  // Each reason in French, as the API and the page word it.
  for (const char* line :
       {":line 3: rejected: column 'Surface bâtie (m²)': '-120': doit être supérieur à 0",
        ":line 4: rejected: column 'Type de bien': 'château': « château » : valeur inconnue pour « "
        "type de bien » (valeurs : bureau, ",
        ":line 6: rejected: column 'Disponible à partir du': '31/02/2026': « 31/02/2026 » n'est "
        "pas une date : le mois 2 de 2026 a 28 jours",
        ":line 7: rejected: column 'Prix (€)': 'à négocier': « à négocier » n'est pas un nombre",
        ":line 8: rejected: column 'Réf.': 'G-1': la même référence figure déjà plus haut (n° "
        "2)"}) {
    EXPECT_NE(r.output.find(file + line), std::string::npos) << line << "\n" << r.output;
  }
  EXPECT_EQ(r.output.find("must be"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--strict: 6 row(s) rejected, nothing was written"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities"), 0);

  std::ifstream in(report, std::ios::binary);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header,
            "\xEF\xBB\xBF"
            "fichier;ligne;colonne;valeur;motif;type;code\r");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 6u);
  // The French reason and its code (the value neutralised against formulas).
  EXPECT_NE(lines[0].find(";\"Surface bâtie (m²)\";\"'-120\";\"doit être supérieur à 0\";rejetée;"
                          "greater_than\r"),
            std::string::npos)
      << lines[0];
  fs::remove(report);
}

TEST_F(ImportCli, WithoutStrictGoodRowsLandAndExitIsZero) {
  auto r = terrier("import opportunities " + fixture("conventions/mixed_rows.csv"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(count("SELECT count(*) FROM opportunities"), 2);
}

// The header's reading, printed before any row ("file: header read as:"
// and one "  'column' -> field" line per column), left out.
std::string without_header_reading(const std::string& output) {
  std::string out;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.find(": header read as:") != std::string::npos || line.rfind("  '", 0) == 0) continue;
    out += line + "\n";
  }
  return out;
}

TEST_F(ImportCli, UnreadableFilesExitOneWithOneLine) {
  auto r = terrier("import opportunities " + fixture("conventions/truncated.csv"));
  EXPECT_EQ(r.exit_code, 1);
  std::string error = without_header_reading(r.output);
  EXPECT_EQ(error.find('\n'), error.size() - 1) << r.output;
  EXPECT_NE(r.output.find("le fichier semble tronqué"), std::string::npos);

  std::string fake = fs::temp_directory_path() / ("terrier-fake-" + db_.name() + ".geojson");
  std::ofstream(fake, std::ios::binary) << std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  auto g = terrier("import opportunities " + fake);
  fs::remove(fake);
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_NE(g.output.find("ne se lit pas comme un fichier géographique"), std::string::npos)
      << g.output;
  EXPECT_EQ(count("SELECT count(*) FROM import_runs WHERE kind = 'opportunities'"), 0);
}

}  // namespace
}  // namespace terrier::test

namespace terrier::test {
namespace {

class ImportHeaderCli : public ImportTest {
 protected:
  CommandResult terrier(const std::string& args) {
    return run_terrier(args, "TERRIER_DATABASE_URL=" + db_.url());
  }
};

TEST_F(ImportHeaderCli, DryRunPrintsHowTheHeaderWasReadBeforeAnyRow) {
  auto file = fixture("real/qgis_snake_case.csv");
  auto r = terrier("import opportunities " + file + " --dry-run");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::size_t table = r.output.find(file +
                                    ": header read as:\n  'WKT' -> wkt\n  'fid' -> colonne "
                                    "ignorée (gardée dans attributes)\n  'ref' -> external_id\n");
  ASSERT_NE(table, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  'surface_batie_m2' -> built_surface_m2\n"), std::string::npos);
  EXPECT_NE(r.output.find("  'loyer_eur_mois' -> rent_eur_month\n"), std::string::npos);
  EXPECT_NE(
      r.output.find("  'visibilte' -> colonne ignorée (gardée dans attributes) ; vouliez-vous "
                    "dire « Visibilité » ?\n"),
      std::string::npos);
  // The ignored columns are in the report too, and the table comes first.
  std::size_t ignored =
      r.output.find(file +
                    ": warning: column 'visibilte': colonne ignorée (gardée dans attributes) ; "
                    "vouliez-vous dire « Visibilité » ?");
  ASSERT_NE(ignored, std::string::npos) << r.output;
  std::size_t first_row = r.output.find(file + ":line ");
  ASSERT_NE(first_row, std::string::npos);
  EXPECT_LT(table, first_row);
  EXPECT_NE(r.output.find("dry run: nothing was written"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities"), 0);
}

TEST_F(ImportHeaderCli, MappingStillOverridesTheReading) {
  std::string mapping = ::testing::TempDir() + "/visibilte.mapping.json";
  std::ofstream(mapping) << R"({"columns": {"visibilte": "visibility"}, "ignore": ["fid"]})";
  auto r = terrier("import opportunities " + fixture("real/qgis_snake_case.csv") + " --mapping " +
                   mapping + " --dry-run");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("  'visibilte' -> visibility\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  'fid' -> ignorée (--mapping)\n"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("warning: column 'fid'"), std::string::npos) << r.output;
}

// `import opportunities --geocode` against a local stand-in for IGN's
// batch geocoder (tests/support/geocoder.py, a fixed table of addresses).
class GeocodeCli : public ImportCli {
 protected:
  void SetUp() override {
    ImportCli::SetUp();
    log_ = fs::temp_directory_path() / ("terrier-geocoder-" + db_.name() + ".log");
    geocoder_.emplace("geocoder.py", log_);
    ASSERT_GT(geocoder_->port(), 0) << "the geocoder stand-in did not start";
  }
  void TearDown() override {
    geocoder_.reset();
    fs::remove(log_);
    ImportCli::TearDown();
  }
  CommandResult import_geocoded(const std::string& options = "") {
    return run_terrier(
        "import opportunities " + fixture("geocode/adresses.csv") + " --geocode " + options,
        "TERRIER_DATABASE_URL=" + db_.url() +
            fmt::format(" TERRIER_GEOCODER_URL=http://127.0.0.1:{}/geocodage", geocoder_->port()));
  }
  std::string where(const std::string& ref) {
    return value(
        "SELECT location_precision || ' ' || round(ST_X(point)::numeric, 5) || ' ' || "
        "round(ST_Y(point)::numeric, 5) FROM opportunities WHERE external_id = '" +
        ref + "'");
  }
  std::string requests() {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::string log_;
  std::optional<PythonServer> geocoder_;
};

TEST_F(GeocodeCli, PlacesRowsByTheirAddressAndRefusesLowScores) {
  auto r = import_geocoded();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(last_line(r.output), "read 5, inserted 5, updated 0, unchanged 0, rejected 0");
  // One batch for the four rows without coordinates.
  EXPECT_EQ(requests(), "POST /geocodage/search/csv\n");
  EXPECT_EQ(where("A-1"), "adresse 3.05862 50.63558");
  EXPECT_EQ(where("A-2"), "adresse 3.17839 50.69051");
  // Its own coordinates, never sent.
  EXPECT_EQ(where("A-4"), "exact 3.06020 50.63010");
  // Scored 0.31: refused with its warning, placed by its commune.
  EXPECT_EQ(where("A-3").rfind("commune ", 0), 0u) << where("A-3");
  const std::string file = fixture("geocode/adresses.csv");
  EXPECT_NE(
      r.output.find(file + ":line 4: warning: column 'Adresse': 'Chemin des Prés': adresse trouvée "
                           "par le géocodeur (« Chemin des Prés 59100 Roubaix ») avec un score de "
                           "0,31, sous le seuil de 0,50"),
      std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(file + ":line 6: warning: column 'Adresse': '1 rue Inconnue': adresse "
                                 "introuvable par le géocodeur"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(where("A-5").rfind("commune ", 0), 0u) << where("A-5");
}

TEST_F(GeocodeCli, ALowerThresholdTakesTheLowScore) {
  auto r = import_geocoded("--geocode-min-score 0.3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(where("A-3"), "adresse 3.16502 50.68497");
  EXPECT_EQ(r.output.find("sous le seuil"), std::string::npos) << r.output;
}

TEST_F(GeocodeCli, AGeocoderDownIsAnErrorNamingTheFileAndNothingIsWritten) {
  geocoder_->stop();
  auto r = import_geocoded();
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(fixture("geocode/adresses.csv") +
                          ": le géocodage des adresses a échoué : le géocodeur "),
            std::string::npos)
      << r.output;
  EXPECT_EQ(count("SELECT count(*) FROM opportunities"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM import_runs WHERE kind = 'opportunities'"), 0);
}

TEST_F(GeocodeCli, OnlyOpportunitiesAreGeocoded) {
  auto r = run_terrier("import needs " + fixture("geocode/adresses.csv") + " --geocode",
                       "TERRIER_DATABASE_URL=" + db_.url());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--geocode places opportunities only"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace terrier::test
