// The sheets Terrier writes come back as they left (issue 20): every row
// carries its identity ("Source Terrier" and "Référence", or "#<id>"), an
// unchanged export re-imported without options changes nothing, in XLSX, ODS
// and CSV, and after LibreOffice has opened and saved it; an edited cell
// updates exactly its row; a GIS export's own identifier ("id_bien") is the
// rows' reference.

#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

class SheetRoundTrip : public ImportTest {
 protected:
  void TearDown() override {
    for (const auto& f : files_) std::filesystem::remove_all(f);
  }

  CommandResult terrier(const std::string& args) {
    return run_terrier(args, "TERRIER_DATABASE_URL=" + db_.url());
  }

  std::string temp(const std::string& name) {
    std::string path = "/tmp/terrier-roundtrip-" + db_.name() + "-" + name;
    files_.push_back(path);
    return path;
  }

  // Every stored value of the rows a sheet carries, their private rows
  // included (not import_runs, which each import adds to).
  std::string rows_snapshot() {
    std::string out;
    for (const char* t :
         {"places", "opportunities", "opportunity_private", "needs", "need_private"}) {
      out += value(std::string("SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), "
                               "'empty') FROM ") +
                   t + " t") +
             ";";
    }
    return out;
  }

  // LibreOffice (headless) opens `file` and saves it as `to` ("ods",
  // "xlsx"): what a person's edited file looks like.
  std::string libreoffice(const std::string& file, const std::string& to, const std::string& tag) {
    std::string dir = temp("lo-" + tag);
    std::filesystem::create_directories(dir);
    auto out = run_command("HOME=" + dir + " soffice --headless --norestore --convert-to " + to +
                           " --outdir " + dir + " " + file);
    std::string converted = dir + "/" + std::filesystem::path(file).stem().string() + "." + to;
    EXPECT_TRUE(std::filesystem::exists(converted)) << out;
    return converted;
  }

  std::vector<std::string> files_;
};

// "read N, inserted 0, updated 0, unchanged N, rejected 0": nothing moved.
void expect_nothing_changed(const CommandResult& r, const std::string& what) {
  EXPECT_EQ(r.exit_code, 0) << what << "\n" << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m,
                                std::regex(R"(read (\d+), inserted (\d+), updated (\d+), )"
                                           R"(unchanged (\d+), rejected (\d+))")))
      << what << "\n"
      << r.output;
  EXPECT_GT(std::stoi(m[1]), 0) << what;
  EXPECT_EQ(m[2], "0") << what << "\n" << r.output;
  EXPECT_EQ(m[3], "0") << what << "\n" << r.output;
  EXPECT_EQ(m[4], m[1]) << what << "\n" << r.output;
  EXPECT_EQ(m[5], "0") << what << "\n" << r.output;
}

TEST_F(SheetRoundTrip, TheDemoDataComesBackUnchangedFromEverySheetAndFromLibreOffice) {
  load_demo_data(/*with_friches=*/true);
  // Rows without a reference of their own (as a spreadsheet without a
  // "Référence" column, or the page, makes them): their identity is "#<id>".
  std::string no_ref = temp("sans-reference.csv");
  std::ofstream(no_ref) << "Intitulé;Type de bien;Commune;Surface bâtie (m²);Loyer\n"
                           "Local associatif rue de Paris;commerce;Lille;85;650\n"
                           "Hangar agricole;atelier;Roubaix;env. 400;NC\n";
  auto first = terrier("import opportunities " + no_ref + " --source saisie-cercle");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id IS NULL"), 2);
  ASSERT_GT(count("SELECT count(DISTINCT source) FROM opportunities"), 2);
  const std::string before = rows_snapshot();

  for (const std::string layer : {"opportunities", "places", "needs"}) {
    for (const std::string format : {"xlsx", "ods", "csv"}) {
      SCOPED_TRACE(layer + " as " + format);
      std::string file = temp(layer + "." + format);
      auto e = terrier("export --format " + format + " --layers " + layer + " -o " + file);
      ASSERT_EQ(e.exit_code, 0) << e.output;
      // Without --source: the rows say theirs. (A dry run reads the same:
      // the page's first step.)
      if (format == "xlsx" && layer == "opportunities") {
        expect_nothing_changed(terrier("import " + layer + " " + file + " --dry-run"),
                               layer + "." + format + " (dry run)");
      }
      expect_nothing_changed(terrier("import " + layer + " " + file), layer + "." + format);
      EXPECT_EQ(rows_snapshot(), before);
      if (format == "xlsx") {
        // Opened and saved by LibreOffice, as ODS and as XLSX again.
        std::string ods = libreoffice(file, "ods", layer + "-ods");
        expect_nothing_changed(terrier("import " + layer + " " + ods), layer + " LibreOffice ODS");
        std::string xlsx = libreoffice(file, "xlsx", layer + "-xlsx");
        expect_nothing_changed(terrier("import " + layer + " " + xlsx),
                               layer + " LibreOffice XLSX");
        EXPECT_EQ(rows_snapshot(), before);
      }
    }
  }
  // The sheets carry what the rows are: a reference or "#<id>", the source,
  // the checked flag, the link to the page.
  std::string file = temp("check.xlsx");
  ASSERT_EQ(terrier("export --format xlsx --layers opportunities -o " + file).exit_code, 0);
  auto info = run_command("ogrinfo -ro -al " + file);
  long long id = count("SELECT min(id) FROM opportunities WHERE external_id IS NULL");
  EXPECT_NE(info.find("Référence (String) = #" + std::to_string(id)), std::string::npos);
  EXPECT_NE(info.find("Source Terrier (String) = saisie-cercle"), std::string::npos);
  EXPECT_NE(
      info.find("Lien Terrier (String) = http://127.0.0.1:8080/?opportunity=" + std::to_string(id)),
      std::string::npos);
  EXPECT_NE(info.find("Vérifié (String) = "), std::string::npos);
}

TEST_F(SheetRoundTrip, AnEditedCellOfATwoSourceSheetUpdatesExactlyItsRow) {
  ASSERT_EQ(opportunities(fixture("conventions/cp1252_french.csv")).rejected, 0);
  std::string second = temp("tableur-b.csv");
  std::ofstream(second) << "Réf.;Intitulé;Type de bien;Commune;Surface bâtie (m²);Loyer\n"
                           "B-1;Atelier partagé;atelier;Lille;120;900\n"
                           "B-2;Boutique vide;commerce;Roubaix;60;700\n";
  ASSERT_EQ(terrier("import opportunities " + second + " --source tableur-b").exit_code, 0);
  // The same reference in two sources: two rows, told apart by their source.
  std::string clash = temp("tableur-c.csv");
  std::ofstream(clash) << "Réf.;Intitulé;Type de bien;Commune;Loyer\n"
                          "T-1;Autre T-1;bureau;Lille;300\n";
  ASSERT_EQ(terrier("import opportunities " + clash + " --source tableur-c").exit_code, 0);
  ASSERT_EQ(count("SELECT count(DISTINCT source) FROM opportunities"), 3);

  std::string sheet = temp("mixte.xlsx");
  ASSERT_EQ(terrier("export --format xlsx --layers opportunities -o " + sheet).exit_code, 0);
  expect_nothing_changed(terrier("import opportunities " + sheet), "the unchanged sheet");

  // A person changes one rent with a spreadsheet library (openpyxl).
  std::string script = temp("edit.py");
  std::ofstream(script) << "import sys, openpyxl\n"
                           "wb = openpyxl.load_workbook(sys.argv[1])\n"
                           "ws = wb['opportunites']\n"
                           "head = [c.value for c in ws[1]]\n"
                           "ref, src = head.index('Référence'), head.index('Source Terrier')\n"
                           "rent = head.index('Loyer (€/mois)')\n"
                           "for row in ws.iter_rows(min_row=2):\n"
                           "    if row[ref].value == 'B-2' and row[src].value == 'tableur-b':\n"
                           "        row[rent].value = 745\n"
                           "wb.save(sys.argv[1])\n"
                           "print('saved')\n";
  auto py = run_command("/usr/bin/python3 " + script + " " + sheet);
  ASSERT_NE(py.find("saved"), std::string::npos) << py;
  std::string others = value(
      "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM opportunities t WHERE NOT "
      "(source = 'tableur-b' AND external_id = 'B-2')");
  auto r = terrier("import opportunities " + sheet);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("inserted 0, updated 1, "), std::string::npos) << r.output;
  EXPECT_EQ(value("SELECT rent_eur_month FROM opportunities WHERE source = 'tableur-b' AND "
                  "external_id = 'B-2'"),
            "745");
  EXPECT_EQ(value("SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM opportunities t WHERE "
                  "NOT (source = 'tableur-b' AND external_id = 'B-2')"),
            others);
}

TEST_F(SheetRoundTrip, ARowNamingADeletedRowIsRefusedWithItsLine) {
  std::string file = temp("sans-ref.csv");
  std::ofstream(file) << "Intitulé;Type de bien;Commune\nLocal;commerce;Lille\n";
  ASSERT_EQ(opportunities(file).inserted, 1);
  long long id = count("SELECT id FROM opportunities");
  std::string sheet = temp("supprime.csv");
  std::ofstream(sheet) << "Réf.;Intitulé;Type de bien;Commune\n#" << id
                       << ";Local;commerce;Lille\n#" << id + 1000 << ";Disparu;commerce;Lille\n";
  auto report = opportunities(sheet);
  EXPECT_EQ(report.inserted, 0);
  EXPECT_EQ(report.rejected, 1);
  const auto* issue = issue_at(report, 3);
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->column, "Réf.");
  EXPECT_EQ(issue->reason, (importers::Reason{importers::ReasonCode::unknown_row_id,
                                              {std::to_string(id + 1000)}}));
  EXPECT_NE(importers::french(issue->reason).find("aucune ligne #" + std::to_string(id + 1000)),
            std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities"), 1);
}

TEST_F(SheetRoundTrip, AGisExportsIdentifierIsTheReference) {
  // As QGIS writes a layer's attribute table to CSV: its own "id_bien".
  std::string file = temp("sig.csv");
  auto write = [&](const std::string& rent) {
    std::ofstream(file) << "id_bien,nom_du_site,type,commune,surface_m2,loyer\n"
                           "SIG-01,Ancienne poste,commerce,Lille,150,800\n"
                           "SIG-02,Garage municipal,atelier,Roubaix,300,"
                        << rent << "\n";
  };
  write("1200");
  auto first = opportunities(file);
  EXPECT_EQ(first.inserted, 2);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id IN ('SIG-01', 'SIG-02')"),
            2);
  write("1100");
  auto second = opportunities(file);
  EXPECT_EQ(second.inserted, 0);
  EXPECT_EQ(second.updated, 1);
  EXPECT_EQ(value("SELECT rent_eur_month FROM opportunities WHERE external_id = 'SIG-02'"), "1100");

  // Two candidates: the more specific is taken, and the report says so.
  std::string two = temp("deux-ids.csv");
  std::ofstream(two) << "id;id_site;Intitulé;Type de bien;Commune\n"
                        "7;S-7;Hangar;atelier;Lille\n";
  auto both = opportunities(two);
  EXPECT_EQ(both.inserted, 1);
  EXPECT_EQ(value("SELECT external_id FROM opportunities WHERE title = 'Hangar'"), "S-7");
  EXPECT_EQ(value("SELECT attributes->>'id' FROM opportunities WHERE title = 'Hangar'"), "7");
  bool warned = false;
  for (const auto& i : both.issues) {
    warned |= i.kind == importers::RowIssue::Kind::warning &&
              i.reason ==
                  importers::Reason{importers::ReasonCode::ambiguous_reference, {"id_site", "id"}};
  }
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace terrier::test
