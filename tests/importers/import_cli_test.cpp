// `terrier import` as people run it: messages, report file, exit status.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/importers/import_fixture.hpp"

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
  EXPECT_NE(r.output.find(file + ":line 3: rejected: column 'Surface bâtie (m²)': '-120': must "
                                 "be greater than 0"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("--strict: 6 row(s) rejected, nothing was written"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities"), 0);

  std::ifstream in(report, std::ios::binary);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "\xEF\xBB\xBF" "fichier;line;colonne;valeur;motif;type\r");
  int lines = 0;
  for (std::string l; std::getline(in, l);) ++lines;
  EXPECT_EQ(lines, 6);
  fs::remove(report);
}

TEST_F(ImportCli, WithoutStrictGoodRowsLandAndExitIsZero) {
  auto r = terrier("import opportunities " + fixture("conventions/mixed_rows.csv"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(count("SELECT count(*) FROM opportunities"), 2);
}

TEST_F(ImportCli, UnreadableFilesExitOneWithOneLine) {
  auto r = terrier("import opportunities " + fixture("conventions/truncated.csv"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << r.output;
  EXPECT_NE(r.output.find("the file looks truncated"), std::string::npos);

  std::string fake = fs::temp_directory_path() / ("terrier-fake-" + db_.name() + ".geojson");
  std::ofstream(fake, std::ios::binary) << std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  auto g = terrier("import opportunities " + fake);
  fs::remove(fake);
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_NE(g.output.find("cannot be read as a vector file"), std::string::npos) << g.output;
  EXPECT_EQ(count("SELECT count(*) FROM import_runs WHERE kind = 'opportunities'"), 0);
}

}  // namespace
}  // namespace terrier::test
