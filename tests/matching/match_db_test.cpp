// Matching the bundled demo data in real PostGIS, through the CLI.

#include <gtest/gtest.h>

#include "tests/importers/import_fixture.hpp"

namespace terrier::test {
namespace {

class DemoMatching : public ImportTest {
 protected:
  DemoMatching() : ImportTest(demo_template(/*with_friches=*/false)) {}

  CommandResult terrier(const std::string& args) {
    return run_terrier(args, "TERRIER_DATABASE_URL=" + db_.url());
  }
  std::string need_id(const std::string& ref) {
    return value("SELECT id FROM needs WHERE external_id = '" + ref + "'");
  }
  std::string opp_id(const std::string& ref) {
    return value("SELECT id FROM opportunities WHERE external_id = '" + ref + "'");
  }
  // The opportunity ranked first for a need, as stored.
  std::string best_for(const std::string& need_ref) {
    return value(
        "SELECT o.external_id FROM matches m JOIN needs n ON n.id = m.need_id "
        "JOIN opportunities o ON o.id = m.opportunity_id WHERE n.external_id = '" +
        need_ref + "' AND m.still_valid ORDER BY m.score DESC, m.id LIMIT 1");
  }
  std::string status_of(const std::string& need_ref, const std::string& opp_ref) {
    return value(
        "SELECT m.status || ' ' || m.still_valid FROM matches m "
        "JOIN needs n ON n.id = m.need_id JOIN opportunities o ON o.id = m.opportunity_id "
        "WHERE n.external_id = '" +
        need_ref + "' AND o.external_id = '" + opp_ref + "'");
  }
};

TEST_F(DemoMatching, PlausiblePairsComeFirst) {
  auto r = terrier("match --all");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The pairs the demo sheet was written to hold (data/README.md).
  EXPECT_EQ(best_for("BES-2025-03"), "OPP-2024-159");  // atelier near Lens, BCUS 1 200 €
  EXPECT_EQ(best_for("BES-2025-05"), "OPP-2024-287");  // Hazebrouck, commune + radius
  EXPECT_EQ(best_for("BES-2025-07"), "OPP-2024-091");  // MEL circle, commerce in BCUS
  EXPECT_EQ(best_for("BES-2025-08"), "OPP-2024-137");
  EXPECT_EQ(best_for("BES-2025-12"), "OPP-2024-130");  // Laon, mise à disposition
  // Every stored match respects the need's area and the opportunity's status.
  EXPECT_EQ(count("SELECT count(*) FROM matches m JOIN opportunities o ON o.id = m.opportunity_id "
                  "WHERE m.still_valid AND o.status <> 'disponible'"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM matches m JOIN needs n ON n.id = m.need_id "
                  "JOIN opportunities o ON o.id = m.opportunity_id WHERE n.search_center IS NOT "
                  "NULL AND ST_Distance(n.search_center::geography, o.point::geography) > "
                  "n.search_radius_m"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM matches m JOIN needs n ON n.id = m.need_id "
                  "JOIN territories t ON t.id = n.search_territory_id "
                  "JOIN opportunities o ON o.id = m.opportunity_id "
                  "WHERE NOT ST_Intersects(t.geom, o.point)"),
            0);
}

TEST_F(DemoMatching, NeedQueryPrintsReasonsInFrench) {
  auto r = terrier("match --need " + need_id("BES-2025-03") + " --limit 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("420\u00a0m² pour 200–450\u00a0demandés · à 3,6\u00a0km du lieu actuel · "
                          "loyer 1\u00a0200\u00a0€/mois ≤ 1\u00a0500\u00a0€ · BCUS accepté"),
            std::string::npos)
      << r.output;
  auto j = terrier("match --opportunity " + opp_id("OPP-2024-159") + " --json");
  ASSERT_EQ(j.exit_code, 0) << j.output;
  EXPECT_NE(j.output.find("\"need_id\": " + need_id("BES-2025-03")), std::string::npos) << j.output;
}

TEST_F(DemoMatching, RecomputingAfterAChangeKeepsTheStatusesPeopleSet) {
  ASSERT_EQ(terrier("match --all").exit_code, 0);
  {
    pqxx::work w(*conn_);
    w.exec0(
        "UPDATE matches m SET status = 'visite' FROM needs n, opportunities o "
        "WHERE n.id = m.need_id AND o.id = m.opportunity_id AND "
        "n.external_id = 'BES-2025-07' AND o.external_id = 'OPP-2024-091'");
    w.exec0(
        "UPDATE matches m SET status = 'contacté' FROM needs n, opportunities o "
        "WHERE n.id = m.need_id AND o.id = m.opportunity_id AND "
        "n.external_id = 'BES-2025-03' AND o.external_id = 'OPP-2024-159'");
    // The rent of the Liévin atelier goes up, still within the budget.
    w.exec0("UPDATE opportunities SET rent_eur_month = 1400 WHERE external_id = 'OPP-2024-159'");
    w.commit();
  }
  std::string other_before = value(
      "SELECT md5(string_agg(m::text, '|' ORDER BY m.id)) FROM "
      "matches m JOIN needs n ON n.id = m.need_id "
      "WHERE n.external_id = 'BES-2025-07'");
  ASSERT_EQ(terrier("match --opportunity " + opp_id("OPP-2024-159")).exit_code, 0);
  EXPECT_EQ(status_of("BES-2025-03", "OPP-2024-159"), "contacté true");
  EXPECT_NE(value("SELECT array_to_string(reasons, ' · ') FROM matches m JOIN needs n ON "
                  "n.id = m.need_id JOIN opportunities o ON o.id = m.opportunity_id WHERE "
                  "n.external_id = 'BES-2025-03' AND o.external_id = 'OPP-2024-159'")
                .find("loyer 1\u00a0400\u00a0€/mois"),
            std::string::npos);
  // A need the change does not touch is not recomputed at all.
  EXPECT_EQ(value("SELECT md5(string_agg(m::text, '|' ORDER BY m.id)) FROM matches m "
                  "JOIN needs n ON n.id = m.need_id WHERE n.external_id = 'BES-2025-07'"),
            other_before);
  EXPECT_EQ(status_of("BES-2025-07", "OPP-2024-091"), "visite true");

  // The Roubaix shop is withdrawn: the pair stays, with its status, marked invalid.
  {
    pqxx::work w(*conn_);
    w.exec0("UPDATE opportunities SET status = 'retirée' WHERE external_id = 'OPP-2024-091'");
    w.commit();
  }
  ASSERT_EQ(terrier("match --opportunity " + opp_id("OPP-2024-091")).exit_code, 0);
  EXPECT_EQ(status_of("BES-2025-07", "OPP-2024-091"), "visite false");
  EXPECT_NE(best_for("BES-2025-07"), "OPP-2024-091");
}

TEST_F(DemoMatching, AssignmentSendsEachBuildingToOneCollective) {
  auto r = terrier("match --assign --territory mel --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = r.output;
  EXPECT_NE(j.find("\"opportunity_id\""), std::string::npos) << j;
  auto bad = terrier("match --assign --territory nowhere");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("no territory has the slug 'nowhere'"), std::string::npos);
}

}  // namespace
}  // namespace terrier::test
