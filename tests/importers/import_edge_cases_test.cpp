// Rows that once aborted a whole import, or were changed silently: each is
// now rejected alone, or the file is refused before anything is written.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "tests/importers/import_fixture.hpp"

namespace terrier::test {
namespace {

using importers::french;
using importers::ImportKind;
using importers::Reason;
using importers::ReasonCode;
using importers::RowIssue;

std::string temp_file(const std::string& name, const std::string& content) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("terrier-edge-" + std::to_string(getpid()) + "-" + name))
                         .string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST_F(ImportTest, TwoIdenticalRowsWithoutReferenceLoadOnceAndTheCopyIsNamed) {
  auto file = temp_file("same.csv",
                        "Intitulé;Type de bien;Latitude;Longitude\n"
                        "Friche A;friche;50,63;3,06\n"
                        "Friche A;friche;50,63;3,06\n");
  auto r = opportunities(file);
  std::remove(file.c_str());
  EXPECT_EQ(r.inserted, 1);
  EXPECT_EQ(r.rejected, 1);
  ASSERT_NE(issue_at(r, 3), nullptr);
  EXPECT_EQ(issue_at(r, 3)->reason, (Reason{ReasonCode::repeated_row, {"2"}}));
  EXPECT_EQ(french(issue_at(r, 3)->reason),
            "la même ligne (sans référence) figure déjà plus haut (n° 2)");
}

TEST_F(ImportTest, BadValuesThatSqlWouldRefuseAreRejectedRowByRow) {
  auto file = temp_file("sql.csv",
                        "Réf.;Intitulé;Type de bien;Code INSEE;Disponible à partir du\n"
                        "S-1;Sans zéro;bureau;2408;\n"
                        "S-2;An zéro;bureau;59350;01/01/0000\n"
                        "S-3;Correct;bureau;59350;01/01/2026\n");
  auto r = opportunities(file);
  std::remove(file.c_str());
  EXPECT_EQ(r.inserted, 1);
  EXPECT_EQ(r.rejected, 2);
  ASSERT_NE(issue_at(r, 2), nullptr);
  EXPECT_EQ(issue_at(r, 2)->reason.code, ReasonCode::malformed_insee);
  ASSERT_NE(issue_at(r, 3), nullptr);
  EXPECT_EQ(issue_at(r, 3)->reason.code, ReasonCode::implausible_year);

  auto needs = temp_file("needs.csv",
                         "Réf.;Collectif;Latitude;Longitude;Rayon (km);Tolérance (%)\n"
                         "N-1;Loin;50,63;3,06;300,0001;10\n"
                         "N-2;Tolérant;50,63;3,06;10;100,0001\n");
  auto n = run(ImportKind::needs, needs);
  std::remove(needs.c_str());
  EXPECT_EQ(n.rejected, 2);
  EXPECT_EQ(n.inserted, 0);
}

TEST_F(ImportTest, AFileInTwoEncodingsIsRefusedWhole) {
  // "entrepôt" in UTF-8 on one line, "Intitulé" in Windows-1252 on another.
  auto file = temp_file("mixed.csv",
                        "Intitul\xE9;Type de bien;Latitude;Longitude\n"
                        "Hangar;entrep\xC3\xB4t;50,63;3,06\n");
  std::string before = snapshot();
  try {
    opportunities(file);
    ADD_FAILURE() << "a file in two encodings was read";
  } catch (const ImportError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "ligne 2 : du texte en UTF-8 dans un fichier qui n'est pas tout en UTF-8"),
              std::string::npos)
        << e.what();
  }
  std::remove(file.c_str());
  EXPECT_EQ(snapshot(), before);
}

TEST_F(ImportTest, SyncDoesNotDeleteWhenARejectedRowHasNoReference) {
  auto file = temp_file("noref.csv",
                        "Intitulé;Type de bien;Latitude;Longitude;Surface bâtie (m²)\n"
                        "Atelier;atelier;50,63;3,06;100\n"
                        "Bureau;bureau;50,64;3,07;80\n");
  opportunities(file, [](auto& o) { o.source = "s"; });
  std::ofstream(file, std::ios::binary)
      << "Intitulé;Type de bien;Latitude;Longitude;Surface bâtie (m²)\n"
         "Atelier;atelier;50,63;3,06;100\n"
         "Bureau;bureau;50,64;3,07;2 000 (HT)\n";
  auto r = opportunities(file, [](auto& o) {
    o.source = "s";
    o.sync = true;
  });
  std::remove(file.c_str());
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(r.deleted, 0);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE source = 's'"), 2);
  ASSERT_NE(issue_at(r, 0, RowIssue::Kind::warning), nullptr);
}

TEST_F(ImportTest, CircleMembersLeaveOnlyWithSyncAndSlugsStayUnique) {
  territories("epci_hdf.geojson", "epci");
  auto two = temp_file("c2.csv",
                       "circle_id;circle_name;epci_siren\nmel;Cercle MEL;200093201\n"
                       "mel;Cercle MEL;245901160\n");
  auto one = temp_file("c1.csv",
                       "circle_id;circle_name;epci_siren\nmel;Cercle MEL;200093201\n"
                       "lille-59350;Pris;200093201\n");
  run(ImportKind::circles, two);
  auto r = run(ImportKind::circles, one);
  EXPECT_EQ(r.deleted, 0);
  EXPECT_EQ(count("SELECT count(*) FROM circle_members"), 2);
  ASSERT_NE(issue_at(r, 3), nullptr);  // "lille-59350" is the commune's slug
  EXPECT_EQ(issue_at(r, 3)->reason.code, ReasonCode::slug_taken);
  EXPECT_NE(french(issue_at(r, 3)->reason).find("est déjà pris par commune 59350"),
            std::string::npos);
  auto synced = run(ImportKind::circles, one, [](auto& o) { o.sync = true; });
  EXPECT_EQ(synced.deleted, 1);
  std::remove(two.c_str());
  std::remove(one.c_str());
}

}  // namespace
}  // namespace terrier::test
