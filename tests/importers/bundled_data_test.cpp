// The bundled real data, loaded as the demo loads it.

#include <gtest/gtest.h>

#include "tests/importers/import_fixture.hpp"

namespace terrier::test {
namespace {

using importers::ImportKind;

class BundledData : public ImportTest {
 protected:
  void SetUp() override {
    conn_ = db_.connect();
    load_all();
  }
  void load_all() {
    territories("departements_hdf.geojson", "departement");
    territories("epci_hdf.geojson", "epci");
    territories("communes_hdf.geojson", "commune");
    circles = run(ImportKind::circles, data_file("circles.csv"));
    places = run(ImportKind::places, data_file("places_seed.csv"),
                 [](auto& o) { o.mapping_file = data_file("places_seed.mapping.json"); });
    friches = opportunities(data_file("friches_hdf.csv"), [](auto& o) {
      o.mapping_file = data_file("cartofriches.mapping.json");
    });
    sheet = opportunities(data_file("opportunites_demo.csv"));
    needs = run(ImportKind::needs, data_file("besoins_demo.csv"));
    requests = run(ImportKind::requests, data_file("sollicitations_demo.csv"));
  }
  importers::ImportReport circles, places, friches, sheet, needs, requests;
};

TEST_F(BundledData, EveryRowIsAccountedFor) {
  EXPECT_EQ(count("SELECT count(*) FROM territories WHERE level = 'commune'"), 3782);
  EXPECT_EQ(count("SELECT count(*) FROM territories WHERE level = 'epci'"), 92);
  EXPECT_EQ(circles.summary(), "read 63, inserted 63, updated 0, unchanged 0, rejected 0");
  EXPECT_EQ(count("SELECT count(*) FROM territories WHERE level = 'circle'"), 9);
  EXPECT_EQ(places.inserted, 49);
  EXPECT_EQ(count("SELECT count(*) FROM places WHERE geom IS NULL"), 8);
  EXPECT_EQ(friches.inserted, 3277);
  EXPECT_EQ(friches.rejected, 0);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE source = 'cartofriches' AND "
                  "kind = 'friche' AND source_checked"),
            953);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE source = 'cartofriches' AND "
                  "source_status = 'friche avec projet' AND status = 'en discussion'"),
            221);
  EXPECT_EQ(sheet.read, 320);
  EXPECT_EQ(sheet.rejected, 12);  // 9 bad rows and 3 swapped coordinates
  EXPECT_EQ(sheet.inserted, 308);
  EXPECT_EQ(sheet.flagged, 3);
  EXPECT_EQ(needs.inserted, 40);
  EXPECT_EQ(needs.rejected, 0);
  // The requests' log, in the words people write: every row, channel,
  // status and link read, nothing warned about.
  EXPECT_EQ(requests.summary(), "read 18, inserted 18, updated 0, unchanged 0, rejected 0");
  EXPECT_TRUE(requests.issues.empty());
  EXPECT_EQ(value("SELECT string_agg(channel || ' ' || n, ', ' ORDER BY channel) FROM (SELECT "
                  "channel, count(*) n FROM requests GROUP BY channel) c"),
            "autre 1, courrier 1, e-mail 5, formulaire 3, rencontre 2, téléphone 6");
  EXPECT_EQ(value("SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM (SELECT "
                  "status, count(*) n FROM requests GROUP BY status) c"),
            "close 3, orientée 8, ouverte 7");
  // Linked by the needs' and places' references.
  EXPECT_EQ(count("SELECT count(*) FROM requests r JOIN needs n ON n.id = r.need_id WHERE "
                  "n.external_id = 'BES-2025-03' AND r.external_id = 'SOL-2025-003'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM requests WHERE need_id IS NOT NULL"), 14);
  EXPECT_EQ(count("SELECT count(*) FROM requests r JOIN places p ON p.id = r.place_id WHERE "
                  "p.external_id IN ('seed-031', 'seed-032')"),
            2);
  EXPECT_EQ(count("SELECT count(*) FROM request_private WHERE contact IS NOT NULL"), 18);
}

TEST_F(BundledData, EveryCircleContainsItsMembersCommunes) {
  EXPECT_EQ(count("SELECT count(*) FROM territories WHERE level = 'circle' AND geom IS NULL"), 0);
  // Communes of member EPCIs, each tested by a point inside it.
  EXPECT_GT(count("SELECT count(*) FROM circle_members"), 60);
  EXPECT_EQ(count("SELECT count(*) FROM circle_members cm "
                  "JOIN territories c ON c.id = cm.circle_id "
                  "JOIN territories e ON e.id = cm.member_id "
                  "JOIN territories m ON m.level = 'commune' AND m.parent_code = e.code "
                  "WHERE NOT ST_Covers(c.geom, ST_PointOnSurface(m.geom))"),
            0);
  EXPECT_EQ(value("SELECT c.slug FROM territories c WHERE c.level = 'circle' AND "
                  "ST_Contains(c.geom, ST_SetSRID(ST_MakePoint(2.8319, 50.4320), 4326))"),
            "bassin-minier");  // Lens
}

TEST_F(BundledData, EveryPlaceFallsInItsCircle) {
  EXPECT_EQ(count("SELECT count(*) FROM places p LEFT JOIN territories c ON c.id = p.circle_id "
                  "WHERE p.geom IS NOT NULL AND coalesce(c.slug, '') <> "
                  "coalesce(p.attributes->>'circle_proposal', '')"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM places WHERE geom IS NOT NULL AND circle_id IS NULL"), 2);
}

TEST_F(BundledData, LoadingEverythingAgainChangesNothing) {
  const std::string digest =
      "SELECT md5(string_agg(o::text, '|' ORDER BY o.id)) FROM opportunities o";
  std::string before = value(digest);
  std::string places_before =
      value("SELECT md5(string_agg(p::text, '|' ORDER BY p.id)) FROM places p");
  std::string needs_before =
      value("SELECT md5(string_agg(n::text, '|' ORDER BY n.id)) FROM needs n");
  load_all();
  EXPECT_EQ(circles.inserted + circles.updated + circles.deleted, 0);
  EXPECT_EQ(friches.unchanged, 3277);
  EXPECT_EQ(sheet.unchanged, 308);
  EXPECT_EQ(needs.unchanged, 40);
  EXPECT_EQ(places.unchanged, 49);
  EXPECT_EQ(requests.unchanged, 18);
  EXPECT_EQ(value(digest), before);
  EXPECT_EQ(value("SELECT md5(string_agg(p::text, '|' ORDER BY p.id)) FROM places p"),
            places_before);
  EXPECT_EQ(value("SELECT md5(string_agg(n::text, '|' ORDER BY n.id)) FROM needs n"), needs_before);
}

}  // namespace
}  // namespace terrier::test
