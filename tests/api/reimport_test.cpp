// A re-import never silently undoes an edit made through the API.

#include "tests/api/followup_fixture.hpp"

namespace terrier::test {
namespace {

TEST_F(FollowupTest, ReimportKeepsAPageEditReportsTheConflictAndPreferFileAppliesTheFile) {
  std::string id = id_of("T-1");
  auto edited = send("PATCH", "/api/opportunities/" + id,
                     R"({"rent_eur_month": 1500, "title": "École Jules Ferry"})", admin_);
  ASSERT_EQ(edited.status, 200) << edited.body;
  const std::string file = fixture("conventions/cp1252_french.csv");
  const std::string env = "TERRIER_DATABASE_URL=" + db_.url();

  auto again = run_terrier("import opportunities " + file, env);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(value("SELECT rent_eur_month || ' ' || title FROM opportunities WHERE id = " + id),
            "1500 École Jules Ferry");
  // Row, field and both values.
  EXPECT_NE(again.output.find(
                ":line 2: conflict: column 'rent_eur_month': '1200': modifiée dans Terrier par "
                "test-admin"),
            std::string::npos)
      << again.output;
  EXPECT_NE(again.output.find("la valeur de Terrier « 1500 » est gardée"), std::string::npos)
      << again.output;
  EXPECT_NE(again.output.find("column 'title': 'Ancienne école Jules Ferry'"), std::string::npos)
      << again.output;
  EXPECT_NE(again.output.find("conflicts 2"), std::string::npos) << again.output;
  // Nothing is written (the edited row keeps Terrier's values, the others
  // are the file's), and the next import says it again.
  EXPECT_NE(again.output.find("updated 0, unchanged 3"), std::string::npos) << again.output;
  auto third = run_terrier("import opportunities " + file, env);
  EXPECT_NE(third.output.find("conflicts 2"), std::string::npos) << third.output;
  EXPECT_EQ(value("SELECT rent_eur_month FROM opportunities WHERE id = " + id), "1500");

  auto preferred = run_terrier("import opportunities --prefer-file " + file, env);
  ASSERT_EQ(preferred.exit_code, 0) << preferred.output;
  EXPECT_NE(preferred.output.find("la valeur du fichier est appliquée"), std::string::npos)
      << preferred.output;
  EXPECT_EQ(value("SELECT rent_eur_month || ' ' || title FROM opportunities WHERE id = " + id),
            "1200 Ancienne école Jules Ferry");
  // Nothing left to protect: a plain re-import is quiet again.
  auto quiet = run_terrier("import opportunities " + file, env);
  EXPECT_EQ(quiet.output.find("conflict"), std::string::npos) << quiet.output;
  EXPECT_NE(quiet.output.find("inserted 0, updated 0, unchanged 3"), std::string::npos)
      << quiet.output;
}

TEST_F(FollowupTest, AFileThatAgreesWithThePageEditIsNoConflict) {
  std::string id = id_of("T-2");
  ASSERT_EQ(send("PATCH", "/api/opportunities/" + id, R"({"rent_eur_month": 700})", admin_).status,
            200);
  EXPECT_EQ(
      count("SELECT count(*) FROM row_edits WHERE entity = 'opportunity' AND entity_id = " + id),
      1);
  std::string file = "/tmp/terrier-agree-" + db_.name() + ".csv";
  std::ofstream(file)
      << "Réf.;Intitulé;Type de bien;Latitude;Longitude;Surface bâtie (m²);Loyer (€/mois);"
         "Statut;Visibilité;Propriétaire;Contact propriétaire\n"
         "T-2;Local commercial rue de Lannoy;commerce;50,69000;3,18500;95;700;disponible;réseau;"
         "SCI Les Tilleuls;contact@example.fr\n";
  auto r = opportunities(file, [](auto& o) { o.source = "cp1252_french"; });
  std::remove(file.c_str());
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_EQ(value("SELECT rent_eur_month FROM opportunities WHERE id = " + id), "700");
  EXPECT_EQ(
      count("SELECT count(*) FROM row_edits WHERE entity = 'opportunity' AND entity_id = " + id),
      0);
}

}  // namespace
}  // namespace terrier::test
