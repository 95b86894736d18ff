// What an import promises: one transaction, nothing lost, nothing changed
// twice, every bad row named.

#include <fcntl.h>
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "tests/importers/import_fixture.hpp"

namespace terrier::test {
namespace {

namespace fs = std::filesystem;
using importers::french;
using importers::ImportKind;
using importers::Reason;
using importers::ReasonCode;
using importers::RowIssue;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/terrier-import-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_all(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// Every index of the opportunities and every constraint of them and of
// their private table, as definitions: what a bulk load drops and restores.
std::string indexes_and_constraints(pqxx::connection& conn) {
  std::string out;
  pqxx::read_transaction t(conn);
  for (const auto& row : t.exec(
           "SELECT indexdef FROM pg_indexes WHERE tablename IN ('opportunities', "
           "'opportunity_private') UNION ALL SELECT conrelid::regclass || ' ' || conname || ' ' || "
           "pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN "
           "('opportunities'::regclass, 'opportunity_private'::regclass) ORDER BY 1")) {
    out += row[0].as<std::string>() + "\n";
  }
  return out;
}

// A file of `rows` opportunities in Lille, every row with an owner's name
// (a private row); row `bad_row` (if any) with an unknown kind.
std::string bulk_file(const std::string& path, int rows, int bad_row = -1) {
  std::ofstream out(path);
  out << "Réf.;Intitulé;Type de bien;Code INSEE;Latitude;Longitude;Surface bâtie (m²);Statut;"
         "Propriétaire\n";
  for (int i = 0; i < rows; ++i) {
    out << fmt::format(
        "B-{};Atelier n°{} rue Solférino;{};59350;{:.6f};{:.6f};{};disponible;SCI n°{}\n", i, i,
        i == bad_row ? "soucoupe" : "atelier", 50.60 + (i % 100) * 0.0006,
        3.02 + (i / 100) * 0.0003, 50 + i % 900, i);
  }
  return path;
}

// A first load of many rows builds the secondary indexes and the private
// table's foreign key once, after the insert: afterwards every index and
// constraint is there, as the migrations define it, the text and spatial
// searches find the rows, and the foreign key still holds and cascades.
TEST_F(ImportTest, AFirstBulkLoadLeavesEveryIndexAsDefined) {
  const std::string before = indexes_and_constraints(*conn_);
  std::string file = bulk_file("/tmp/terrier-bulk-" + db_.name() + ".csv", 25'000);
  auto report = opportunities(file);
  std::remove(file.c_str());
  EXPECT_EQ(report.inserted, 25'000);
  EXPECT_EQ(indexes_and_constraints(*conn_), before);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE terrier_fold(title || ' ' || "
                  "coalesce(address, '')) "
                  "LIKE '%atelier n°2499 %'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE point && ST_MakeEnvelope(3.0199, "
                  "50.5999, 3.0201, 50.6001, 4326)"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM opportunity_private p JOIN opportunities o ON o.id = "
                  "p.opportunity_id WHERE p.owner_name = 'SCI n°' || substr(o.external_id, 3)"),
            25'000);
  {
    pqxx::work w(*conn_);
    EXPECT_THROW(w.exec0("INSERT INTO opportunity_private (opportunity_id) VALUES (-1)"),
                 pqxx::foreign_key_violation);
  }
  {
    pqxx::work w(*conn_);
    w.exec0("DELETE FROM opportunities WHERE external_id = 'B-7'");
    w.commit();
  }
  EXPECT_EQ(count("SELECT count(*) FROM opportunity_private WHERE owner_name = 'SCI n°7'"), 0);
  // The unique reference still holds: a second row of the same reference fails.
  {
    pqxx::work w(*conn_);
    EXPECT_THROW(w.exec0("UPDATE opportunities SET external_id = 'B-8' WHERE external_id = 'B-9'"),
                 pqxx::unique_violation);
  }
}

// A bulk load that fails after it dropped the indexes and the foreign key
// (here the private rows' insert) leaves the database as it was: no row,
// every index and constraint as before. So does one refused at the end
// (--strict with a rejected row), after the indexes were built again.
TEST_F(ImportTest, AFailedBulkLoadLeavesIndexesAndConstraintsAsTheyWere) {
  opportunities(fixture("conventions/cp1252_french.csv"));
  const long long rows = count("SELECT count(*) FROM opportunities");
  const std::string before = indexes_and_constraints(*conn_);
  {
    pqxx::work w(*conn_);
    w.exec0(
        "CREATE FUNCTION refuse_private() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'private rows refused'; END $$");
    w.exec0(
        "CREATE TRIGGER refuse_private BEFORE INSERT ON opportunity_private "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_private()");
    w.commit();
  }
  const std::string with_trigger = indexes_and_constraints(*conn_);
  std::string file = bulk_file("/tmp/terrier-bulk-fail-" + db_.name() + ".csv", 25'000);
  EXPECT_THROW(opportunities(file), std::exception);
  EXPECT_EQ(indexes_and_constraints(*conn_), with_trigger);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities"), rows);
  {
    pqxx::work w(*conn_);
    w.exec0("DROP TRIGGER refuse_private ON opportunity_private");
    w.exec0("DROP FUNCTION refuse_private()");
    w.commit();
  }
  EXPECT_EQ(indexes_and_constraints(*conn_), before);

  bulk_file(file, 25'000, 12'345);
  auto report = opportunities(file, [](importers::ImportOptions& o) { o.strict = true; });
  std::remove(file.c_str());
  EXPECT_EQ(report.rejected, 1);
  EXPECT_FALSE(report.committed);
  EXPECT_EQ(indexes_and_constraints(*conn_), before);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities"), rows);
}

// New rows are numbered in the file's order but stored in spatial order (the
// geohash of their point), so that a bbox's rows share table pages. Ids are
// those the file's order gives.
TEST_F(ImportTest, NewRowsAreNumberedInFileOrderAndStoredInSpatialOrder) {
  std::string file = "/tmp/terrier-order-" + db_.name() + ".csv";
  {
    std::ofstream out(file);
    out << "Réf.;Intitulé;Type de bien;Code INSEE;Latitude;Longitude;Statut\n";
    // Points spread west to east and back, so that file and space disagree.
    for (int i = 0; i < 300; ++i) {
      out << fmt::format("O-{};Local {};atelier;59350;{:.6f};{:.6f};disponible\n", i, i,
                         50.55 + (i * 37 % 100) * 0.001, 2.95 + (i * 61 % 150) * 0.001);
    }
  }
  auto report = opportunities(file);
  std::remove(file.c_str());
  ASSERT_EQ(report.inserted, 300);
  // Ids follow the file.
  EXPECT_EQ(count("SELECT count(*) FROM (SELECT id, lag(id) OVER (ORDER BY "
                  "substr(external_id, 3)::int) AS previous FROM opportunities) x WHERE id <= "
                  "previous"),
            0);
  // The heap follows the geohash: reading it in physical order meets the
  // geohashes sorted (rows flagged as probable duplicates afterwards were
  // rewritten elsewhere by that update: left out).
  EXPECT_EQ(count("SELECT count(*) FROM (SELECT ST_GeoHash(geom, 12) AS h, lag(ST_GeoHash(geom, "
                  "12)) OVER (ORDER BY ctid) AS previous FROM opportunities WHERE duplicate_of "
                  "IS NULL) x WHERE h < previous"),
            0);
  EXPECT_NE(value("SELECT string_agg(external_id, ',' ORDER BY ctid) FROM opportunities"),
            value("SELECT string_agg(external_id, ',' ORDER BY id) FROM opportunities"));
}

TEST_F(ImportTest, TheRegionOutlineIsKeptUntilATerritoryChanges) {
  std::string file = "/tmp/terrier-outline-" + db_.name() + ".csv";
  {
    std::ofstream out(file);
    out << "Réf.;Intitulé;Type de bien;Code INSEE;Latitude;Longitude;Statut\n"
        << "O-1;Atelier rue Solférino;atelier;59350;50.6300;3.0500;disponible\n";
  }
  ASSERT_EQ(opportunities(file).inserted, 1);
  // Kept, and the same outline as computing it again.
  EXPECT_EQ(count("SELECT count(*) FROM region_outline_cache WHERE wkb IS NOT NULL"), 1);
  EXPECT_EQ(
      count(
          "SELECT count(*) FROM region_outline_cache c WHERE c.wkb = (SELECT ST_AsBinary(ST_Buffer("
          "ST_Union(geom)::geography, c.margin_m)::geometry) FROM territories WHERE level = "
          "'departement')"),
      1);
  // Any change to the territories forgets it; the next import finds no
  // département and says so by a NULL outline.
  {
    pqxx::work w(*conn_);
    w.exec0("DELETE FROM territories WHERE level = 'departement'");
    w.commit();
  }
  EXPECT_EQ(count("SELECT count(*) FROM region_outline_cache"), 0);
  opportunities(file);
  std::remove(file.c_str());
  EXPECT_EQ(count("SELECT count(*) FROM region_outline_cache WHERE wkb IS NULL"), 1);
}

TEST_F(ImportTest, TruncatedFileChangesNothingAndSaysWhereItBreaks) {
  opportunities(fixture("conventions/cp1252_french.csv"));
  std::string before = snapshot();
  try {
    opportunities(fixture("conventions/truncated.csv"));
    FAIL() << "a truncated file was accepted";
  } catch (const ImportError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("truncated.csv: ligne 4 :"), std::string::npos) << msg;
    EXPECT_NE(msg.find("colonne « Remarques », ouvert ligne 3, n'est jamais fermé"),
              std::string::npos)
        << msg;
  }
  EXPECT_EQ(snapshot(), before);
}

// A file that breaks after thousands of rows, in the middle of the staging
// COPY: the import stops with the line, nothing changes, and the connection
// serves the next import.
TEST_F(ImportTest, AFileBreakingDuringALongCopyChangesNothing) {
  opportunities(fixture("conventions/cp1252_french.csv"));
  std::string before = snapshot();
  TempDir dir;
  std::string file = bulk_file(dir.file("long_truncated.csv"), 5'000);
  const std::string good = read_all(file);
  write_all(file, good + "L-5000;Local;atelier;59350;50.63;3.06;50;disponible;\"jamais fermé\n");
  try {
    opportunities(file);
    FAIL() << "a truncated file was accepted";
  } catch (const ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("ligne 5002 :"), std::string::npos) << e.what();
  }
  EXPECT_EQ(snapshot(), before);
  write_all(file, good);
  EXPECT_EQ(opportunities(file).inserted, 5'000);
}

TEST_F(ImportTest, BadRowsAreNamedByLineColumnAndReasonWhileGoodRowsLoad) {
  auto r = opportunities(fixture("conventions/mixed_rows.csv"));
  EXPECT_EQ(r.read, 8);
  EXPECT_EQ(r.inserted, 2);
  EXPECT_EQ(r.rejected, 6);
  EXPECT_EQ(value("SELECT string_agg(external_id, ',' ORDER BY external_id) FROM opportunities"),
            "G-1,G-4");
  struct Expected {
    std::size_t line;
    const char* column;
    const char* reason;
  };
  for (const auto& e :
       {Expected{3, "Surface bâtie (m²)", "doit être supérieur à 0"},
        Expected{4, "Type de bien", "« château » : valeur inconnue pour « type de bien »"},
        Expected{6, "Disponible à partir du", "« 31/02/2026 » n'est pas une date"},
        Expected{7, "Prix (€)", "« à négocier » n'est pas un nombre"},
        Expected{8, "Réf.", "la même référence figure déjà plus haut (n° 2)"},
        Expected{9, "Statut", "« vendu » : valeur inconnue pour « statut »"}}) {
    const RowIssue* issue = issue_at(r, e.line);
    ASSERT_NE(issue, nullptr) << "line " << e.line;
    EXPECT_EQ(issue->column, e.column) << "line " << e.line;
    EXPECT_EQ(french(issue->reason).rfind(e.reason, 0), 0u)
        << "line " << e.line << ": " << french(issue->reason);
  }
  EXPECT_EQ(r.summary(), "read 8, inserted 2, updated 0, unchanged 0, rejected 6");
}

TEST_F(ImportTest, StrictRollsBackWhenAnyRowIsRejected) {
  std::string before = snapshot();
  auto r = opportunities(fixture("conventions/mixed_rows.csv"), [](auto& o) { o.strict = true; });
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(r.rejected, 6);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(ImportTest, DryRunWritesNothing) {
  std::string before = snapshot();
  auto r =
      opportunities(fixture("conventions/cp1252_french.csv"), [](auto& o) { o.dry_run = true; });
  EXPECT_EQ(r.inserted, 3);
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(ImportTest, ReimportingTheSameFileChangesNothing) {
  opportunities(fixture("conventions/cp1252_french.csv"));
  std::string tables = value(
      "SELECT md5(string_agg(o::text || p::text, '|' ORDER BY o.id)) FROM opportunities o "
      "JOIN opportunity_private p ON p.opportunity_id = o.id");
  auto again = opportunities(fixture("conventions/cp1252_french.csv"));
  EXPECT_EQ(again.summary(), "read 3, inserted 0, updated 0, unchanged 3, rejected 0");
  EXPECT_EQ(value("SELECT md5(string_agg(o::text || p::text, '|' ORDER BY o.id)) FROM "
                  "opportunities o JOIN opportunity_private p ON p.opportunity_id = o.id"),
            tables);
  EXPECT_EQ(count("SELECT count(*) FROM import_runs"), 4);  // 2 territories + 2 imports
}

TEST_F(ImportTest, AChangedRowUpdatesAndAMissingRowIsDeletedOnlyWithSync) {
  TempDir dir;
  std::string file = dir.file("sheet.csv");
  std::string original = read_all(fixture("conventions/cp1252_french.csv"));
  write_all(file, original);
  opportunities(file, [](auto& o) { o.source = "groupe-foncier"; });

  // T-1's rent changes; T-3 (its last line spans two lines) disappears.
  std::string changed = original.substr(0, original.find("T-3;"));
  auto rent = changed.find(";1 200;");
  ASSERT_NE(rent, std::string::npos);
  changed.replace(rent, 7, ";1 350;");
  write_all(file, changed);

  auto r = opportunities(file, [](auto& o) { o.source = "groupe-foncier"; });
  EXPECT_EQ(r.summary(), "read 2, inserted 0, updated 1, unchanged 1, rejected 0");
  EXPECT_EQ(value("SELECT rent_eur_month FROM opportunities WHERE external_id = 'T-1'"), "1350");
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id = 'T-3'"), 1);

  auto synced = opportunities(file, [](auto& o) {
    o.source = "groupe-foncier";
    o.sync = true;
  });
  EXPECT_EQ(synced.deleted, 1);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id = 'T-3'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM opportunity_private"), 2);
}

TEST_F(ImportTest, SyncKeepsRowsWhoseNewVersionWasRejected) {
  TempDir dir;
  std::string file = dir.file("sheet.csv");
  std::string original = read_all(fixture("conventions/cp1252_french.csv"));
  write_all(file, original);
  opportunities(file);
  std::string broken = original;
  broken.replace(broken.find(";95;"), 4, ";-95;");  // T-2 becomes invalid
  write_all(file, broken);
  auto r = opportunities(file, [](auto& o) { o.sync = true; });
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(r.deleted, 0);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id = 'T-2'"), 1);
}

TEST_F(ImportTest, ImportRunRecordsFileHashCountsAndUser) {
  auto file = fixture("conventions/mixed_rows.csv");
  opportunities(file);
  EXPECT_EQ(value("SELECT file_name || ' ' || file_sha256 || ' ' || user_name || ' ' || "
                  "rows_read || ' ' || rows_inserted || ' ' || rows_rejected FROM import_runs "
                  "WHERE kind = 'opportunities'"),
            "mixed_rows.csv " + sha256_file_hex(file) + " test 8 2 6");
}

TEST_F(ImportTest, ProbableDuplicatesAreFlaggedNotMerged) {
  TempDir dir;
  std::string file = dir.file("doublons.csv");
  write_all(file,
            "Réf.;Intitulé;Type de bien;Adresse;Latitude;Longitude\n"
            "D-1;Ancienne école Jules Ferry;bâtiment mixte;12 rue Gambetta;50,63000;3,06000\n"
            "D-2;Ecole Jules-Ferry (ancienne);bâtiment mixte;12, r. Gambetta;50,63010;3,06010\n"
            "D-3;Entrepôt voisin;entrepôt;14 rue Gambetta;50,63005;3,06005\n");
  auto r = opportunities(file);
  EXPECT_EQ(r.inserted, 3);
  EXPECT_EQ(r.flagged, 1);
  const RowIssue* flag = issue_at(r, 3, RowIssue::Kind::flagged);
  ASSERT_NE(flag, nullptr);
  EXPECT_NE(french(flag->reason).find("doublon probable de « Ancienne école Jules Ferry »"),
            std::string::npos)
      << french(flag->reason);
  EXPECT_EQ(value("SELECT d.external_id FROM opportunities o JOIN opportunities d "
                  "ON d.id = o.duplicate_of WHERE o.external_id = 'D-2'"),
            "D-1");
  EXPECT_EQ(count("SELECT count(*) FROM opportunities"), 3);  // nothing merged
}

// A large import pairs points in memory, a small one asks PostGIS row by
// row: the same rows must come out flagged, against the same others, both
// within the file and against what the table held before.
TEST_F(ImportTest, BothDuplicateSearchesFlagTheSameRows) {
  TempDir dir;
  // Clusters of two to four rows around points of Lille: kinds, distances
  // (10 to 80 m) and titles vary, so that some pairs are duplicates and
  // some are not.
  auto write_rows = [&](const std::string& name, int first, int count) {
    std::string file = dir.file(name);
    std::ofstream out(file);
    out << "Réf.;Intitulé;Type de bien;Adresse;Latitude;Longitude\n";
    const char* kinds[] = {"atelier", "bureau", "entrepôt"};
    const char* titles[] = {"Atelier rue Solférino", "Ateliers Solférino", "Bureaux Vauban",
                            "Hangar du port"};
    for (int i = first; i < first + count; ++i) {
      int cluster = i / 3;
      double lat = 50.60 + (cluster % 60) * 0.002 + (i % 3) * 0.00018 * (1 + i % 4);
      double lon = 3.00 + (cluster / 60) * 0.003 + (i % 3) * 0.00011 * (i % 5);
      out << fmt::format("X-{};{} {};{};{} rue {};{:.6f};{:.6f}\n", i,
                         titles[(i * 7 + cluster) % 4], cluster % 5, kinds[(i / 2 + cluster) % 3],
                         cluster % 40, cluster % 3 ? "Nationale" : "Solférino", lat, lon);
    }
    return file;
  };
  auto flags = [&](const importers::ImportReport& r) {
    std::vector<std::string> out;
    for (const auto& i : r.issues) {
      if (i.kind == RowIssue::Kind::flagged)
        out.push_back(fmt::format("{} {} {}", i.position, i.value, french(i.reason)));
    }
    return out;
  };
  auto search = [&](const std::string& file, importers::DuplicateSearch how, bool dry) {
    return opportunities(file, [&](auto& o) {
      o.duplicate_search = how;
      o.dry_run = dry;
      o.source = "bulk";
    });
  };
  // Within one file.
  std::string first = write_rows("premier.csv", 0, 3000);
  auto by_row = search(first, importers::DuplicateSearch::row_by_row, true);
  auto in_memory = search(first, importers::DuplicateSearch::in_memory, true);
  ASSERT_GT(by_row.flagged, 100);
  ASSERT_LT(by_row.flagged, 2900);
  EXPECT_EQ(flags(in_memory), flags(by_row));
  // Against rows already in the table: the first file loaded, then a second
  // that overlaps it.
  // (3000 rows into an empty table: automatic searches in memory.)
  auto loaded = search(first, importers::DuplicateSearch::automatic, false);
  EXPECT_EQ(flags(loaded), flags(by_row));
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE duplicate_of IS NOT NULL"),
            by_row.flagged);
  std::string second = write_rows("second.csv", 1500, 3000);
  by_row = search(second, importers::DuplicateSearch::row_by_row, true);
  in_memory = search(second, importers::DuplicateSearch::in_memory, true);
  ASSERT_GE(by_row.flagged, 50);
  EXPECT_EQ(flags(in_memory), flags(by_row));
}

TEST_F(ImportTest, NeedsTakeATerritoryAPointWithARadiusOrACommune) {
  TempDir dir;
  std::string needs = dir.file("besoins.csv");
  write_all(needs,
            "Réf.;Collectif;Contact;Surface min (m²);Surface idéale (m²);Surface max (m²);"
            "Types recherchés;Modes acceptés;Loyer max (€/mois);Territoire;Commune;Latitude;"
            "Longitude;Rayon (km);Statut\n"
            "N-1;Recyclerie;06 00 00 00 00;300;500;800;entrepôt, atelier;BCUS > location;1 500;"
            "lille-59350;;;;;active\n"
            "N-2;Café;contact@example.org;80;120;200;commerce;location;900;;Roubaix;50,69;3,18;"
            "7,5;\n"
            "N-3;Fablab;;100;150;250;atelier;;;;Tourcoing;;;10;\n"
            "N-4;Sans zone;;100;150;250;atelier;;;;;;;;\n"
            "N-5;Surfaces à l'envers;;500;300;100;atelier;;;lille-59350;;;;;\n"
            "N-6;Point sans rayon;;100;150;250;atelier;;;;;50,69;3,18;;\n");
  auto r = run(ImportKind::needs, needs);
  EXPECT_EQ(r.inserted, 3);
  EXPECT_EQ(r.rejected, 3);
  EXPECT_EQ(value("SELECT t.slug FROM needs n JOIN territories t ON t.id = n.search_territory_id "
                  "WHERE n.external_id = 'N-1'"),
            "lille-59350");
  EXPECT_EQ(value("SELECT kinds_wanted::text || ' ' || tenures_accepted::text FROM needs "
                  "WHERE external_id = 'N-1'"),
            "{entrepôt,atelier} {bcus,location}");
  EXPECT_EQ(value("SELECT search_radius_m FROM needs WHERE external_id = 'N-2'"), "7500");
  EXPECT_EQ(value("SELECT contact FROM need_private p JOIN needs n ON n.id = p.need_id "
                  "WHERE n.external_id = 'N-2'"),
            "contact@example.org");
  EXPECT_EQ(value("SELECT search_radius_m || ' ' || ST_Contains(t.geom, n.search_center) FROM "
                  "needs n JOIN territories t ON t.code = '59599' WHERE n.external_id = 'N-3'"),
            "10000 true");
  ASSERT_NE(issue_at(r, 5), nullptr);
  EXPECT_EQ(issue_at(r, 5)->reason.code, ReasonCode::no_search_area);
  ASSERT_NE(issue_at(r, 6), nullptr);
  EXPECT_EQ(issue_at(r, 6)->reason.code, ReasonCode::max_below_min);
  ASSERT_NE(issue_at(r, 7), nullptr);
  EXPECT_EQ(issue_at(r, 7)->reason.code, ReasonCode::point_needs_radius);
}

// A big file, so that the import is still running when it is killed.
std::string big_sheet(const TempDir& dir, int rows) {
  std::string path = dir.file("big.csv");
  std::ofstream out(path);
  out << "Réf.;Intitulé;Type de bien;Latitude;Longitude;Surface bâtie (m²);Loyer (€/mois)\n";
  for (long long i = 0; i < rows; ++i) {
    out << "K-" << i << ";Local " << i << ";bureau;50," << 600000 + (i * 7919) % 60000 << ";3,0"
        << (i * 104729) % 90000 + 10000 << ";" << 50 + i % 900 << ";" << 300 + i % 2000 << "\n";
  }
  return path;
}

// Where the import is when it is killed: streaming rows into the staging
// COPY, or merging the staging table into the model (seen by the database
// itself, in pg_stat_activity, not guessed from a delay).
enum class KillPoint { during_copy, during_merge };

class ImportKiller : public ImportTest {
 protected:
  // The import's statement that is running now, or "" when none is.
  std::string running_import_statement() {
    return value(
        "SELECT coalesce(min(query), '') FROM pg_stat_activity WHERE state = 'active' "
        "AND pid <> pg_backend_pid() AND query LIKE '%stage_opportunities%'");
  }

  void kill_import(const std::string& file, KillPoint point, int signal_number) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      setenv("TERRIER_DATABASE_URL", db_.url().c_str(), 1);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
      execl(TERRIER_BINARY, "terrier", "import", "opportunities", file.c_str(), nullptr);
      _exit(127);
    }
    std::string seen;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    int status = 0;
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      std::string q = running_import_statement();
      bool copying = q.rfind("COPY", 0) == 0;
      if (!q.empty() && (point == KillPoint::during_copy ? copying : !copying)) {
        seen = q;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!exited) {
      kill(pid, signal_number);
      waitpid(pid, &status, 0);
    }
    ASSERT_FALSE(seen.empty()) << "the import was never seen "
                               << (point == KillPoint::during_copy ? "copying" : "merging")
                               << ": make the file bigger";
    ASSERT_TRUE(WIFSIGNALED(status)) << "the import finished before it could be killed";
    EXPECT_EQ(WTERMSIG(status), signal_number);
  }
};

TEST_F(ImportKiller, AnImportKilledDuringItsCopyLeavesTheDatabaseAsItWas) {
  opportunities(fixture("conventions/cp1252_french.csv"));
  TempDir dir;
  std::string file = big_sheet(dir, 400000);
  std::string before = snapshot();
  kill_import(file, KillPoint::during_copy, SIGKILL);
  EXPECT_EQ(snapshot(), before);
  kill_import(file, KillPoint::during_copy, SIGINT);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(ImportKiller, AnImportKilledDuringItsMergeLeavesTheDatabaseAsItWas) {
  opportunities(fixture("conventions/cp1252_french.csv"));
  TempDir dir;
  std::string file = big_sheet(dir, 400000);
  std::string before = snapshot();
  kill_import(file, KillPoint::during_merge, SIGKILL);
  EXPECT_EQ(snapshot(), before);
  kill_import(file, KillPoint::during_merge, SIGINT);
  EXPECT_EQ(snapshot(), before);
}

}  // namespace
}  // namespace terrier::test
