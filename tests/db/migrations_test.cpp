#include "db/migrations.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>

#include "core/error.hpp"
#include "tests/support/test_database.hpp"

namespace terrier {
namespace {

namespace fs = std::filesystem;
using test::TestDatabase;

// A private copy of sql/ that a test may edit.
class SqlCopy {
 public:
  SqlCopy() {
    char tmpl[] = "/tmp/terrier-sql-XXXXXX";
    dir_ = mkdtemp(tmpl);
    for (const auto& e : fs::directory_iterator(TERRIER_SQL_DIR_DEFAULT)) {
      fs::copy_file(e.path(), dir_ / e.path().filename());
    }
  }
  ~SqlCopy() { fs::remove_all(dir_); }
  const fs::path& dir() const { return dir_; }
  void append(const std::string& file, const std::string& text) {
    std::ofstream(dir_ / file, std::ios::app) << text;
  }

 private:
  fs::path dir_;
};

int count(pqxx::connection& c, const std::string& sql) {
  pqxx::read_transaction r(c);
  return r.exec1(sql)[0].as<int>();
}

TEST(Migrations, LoadsFilesInVersionOrder) {
  auto migrations = db::load_migrations(TERRIER_SQL_DIR_DEFAULT);
  ASSERT_GE(migrations.size(), 4u);
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1) << migrations[i].name;
    EXPECT_EQ(migrations[i].checksum.size(), 64u);
  }
}

TEST(Migrations, SecondRunIsANoOp) {
  TestDatabase database(TestDatabase::Schema::empty);
  auto conn = database.connect();
  auto migrations = db::load_migrations(TERRIER_SQL_DIR_DEFAULT);

  auto first = db::migrate(*conn, migrations);
  EXPECT_EQ(first.applied.size(), migrations.size());
  EXPECT_EQ(first.already_applied, 0u);
  auto applied_at = count(*conn, "SELECT count(*) FROM schema_migrations");

  auto second = db::migrate(*conn, migrations);
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.already_applied, migrations.size());
  EXPECT_EQ(count(*conn, "SELECT count(*) FROM schema_migrations"), applied_at);
}

TEST(Migrations, CreatesEveryTableOfTheDataModel) {
  TestDatabase database;
  auto conn = database.connect();
  for (const char* table :
       {"territories", "circle_members", "places", "opportunities", "opportunity_private", "needs",
        "need_private", "matches", "import_runs", "api_tokens", "schema_migrations"}) {
    EXPECT_EQ(count(*conn, std::string("SELECT count(*) FROM pg_tables WHERE schemaname = "
                                       "'public' AND tablename = '") +
                               table + "'"),
              1)
        << table;
  }
  EXPECT_EQ(count(*conn, "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"), 1);
}

TEST(Migrations, EveryGeometryColumnHasAGistIndex) {
  TestDatabase database;
  auto conn = database.connect();
  pqxx::read_transaction r(*conn);
  auto columns = r.exec(
      "SELECT f_table_name, f_geometry_column FROM geometry_columns "
      "WHERE f_table_schema = 'public'");
  ASSERT_GE(columns.size(), 6u);
  for (const auto& col : columns) {
    auto table = col[0].as<std::string>();
    auto column = col[1].as<std::string>();
    auto n = r.exec_params1(
                  "SELECT count(*) FROM pg_index i "
                  "JOIN pg_class t ON t.oid = i.indrelid "
                  "JOIN pg_class ix ON ix.oid = i.indexrelid "
                  "JOIN pg_am am ON am.oid = ix.relam "
                  "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey) "
                  "WHERE t.relname = $1 AND a.attname = $2 AND am.amname = 'gist'",
                  table, column)[0]
                 .as<int>();
    EXPECT_EQ(n, 1) << table << "." << column << " has no GiST index";
  }
}

TEST(Migrations, RefusesADatabaseWhoseAppliedFileWasEdited) {
  TestDatabase database(TestDatabase::Schema::empty);
  SqlCopy sql;
  auto conn = database.connect();
  db::migrate(*conn, db::load_migrations(sql.dir()));

  sql.append("002_territories.sql", "\n-- edited after it was applied\n");
  std::ofstream(sql.dir() / "900_more.sql") << "CREATE TABLE should_not_exist (id int);\n";
  try {
    db::migrate(*conn, db::load_migrations(sql.dir()));
    FAIL() << "an edited migration was accepted";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("002_territories.sql was changed after it was applied"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(count(*conn, "SELECT count(*) FROM pg_tables WHERE tablename = 'should_not_exist'"), 0);
}

TEST(Migrations, RefusesADatabaseWithAMigrationUnknownToTheFiles) {
  TestDatabase database;
  auto conn = database.connect();
  {
    pqxx::work w(*conn);
    w.exec0(
        "INSERT INTO schema_migrations (version, name, checksum) VALUES (99, '099_x.sql', 'x')");
    w.commit();
  }
  EXPECT_THROW(db::migrate(*conn, db::load_migrations(TERRIER_SQL_DIR_DEFAULT)), DbError);
}

TEST(Migrations, AFailingMigrationIsRolledBackWhole) {
  TestDatabase database;
  SqlCopy sql;
  std::ofstream(sql.dir() / "900_half.sql")
      << "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n";
  auto conn = database.connect();
  EXPECT_THROW(db::migrate(*conn, db::load_migrations(sql.dir())), DbError);
  EXPECT_EQ(count(*conn, "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"), 0);
  EXPECT_EQ(count(*conn, "SELECT count(*) FROM schema_migrations WHERE version = 900"), 0);
}

TEST(Migrations, RejectsBadlyNamedAndDuplicateFiles) {
  SqlCopy sql;
  std::ofstream(sql.dir() / "002_again.sql") << "SELECT 1;\n";
  EXPECT_THROW(db::load_migrations(sql.dir()), ConfigError);
  fs::remove(sql.dir() / "002_again.sql");
  std::ofstream(sql.dir() / "7_short.sql") << "SELECT 1;\n";
  EXPECT_THROW(db::load_migrations(sql.dir()), ConfigError);
}

// The schema keeps data sane on its own, whatever writes to it.
class SchemaConstraints : public ::testing::Test {
 protected:
  void expect_rejected(const std::string& sql) {
    pqxx::work w(*conn_);
    EXPECT_THROW(w.exec0(sql), pqxx::sql_error) << sql;
  }
  void expect_accepted(const std::string& sql) {
    pqxx::work w(*conn_);
    EXPECT_NO_THROW(w.exec0(sql)) << sql;
  }
  TestDatabase database_;
  std::unique_ptr<pqxx::connection> conn_ = database_.connect();
};

const std::string kOpportunity =
    "INSERT INTO opportunities (source, external_id, content_hash, title, kind, geom, "
    "location_precision, built_surface_m2, tenures, status) VALUES ('t', 'x', 'h', "
    "'Ancienne école', ";

TEST_F(SchemaConstraints, AcceptsAValidOpportunity) {
  expect_accepted(kOpportunity +
                  "'bâtiment mixte', 'SRID=4326;POINT(3.06 50.63)', 'exact', 420, "
                  "ARRAY['bcus','location']::tenure[], 'disponible')");
}

TEST_F(SchemaConstraints, RejectsNegativeSurfaceUnknownKindTenureAndStatus) {
  expect_rejected(kOpportunity +
                  "'atelier', 'SRID=4326;POINT(3.06 50.63)', 'exact', -5, '{}', 'disponible')");
  expect_rejected(kOpportunity +
                  "'château', 'SRID=4326;POINT(3.06 50.63)', 'exact', 5, '{}', 'disponible')");
  expect_rejected(kOpportunity +
                  "'atelier', 'SRID=4326;POINT(3.06 50.63)', 'exact', 5, "
                  "ARRAY['troc']::tenure[], 'disponible')");
  expect_rejected(kOpportunity +
                  "'atelier', 'SRID=4326;POINT(3.06 50.63)', 'exact', 5, '{}', 'vendu')");
}

TEST_F(SchemaConstraints, RejectsEmptyLineAndWrongSridGeometries) {
  expect_rejected(kOpportunity +
                  "'atelier', 'SRID=4326;POINT EMPTY', 'exact', 5, '{}', 'disponible')");
  expect_rejected(kOpportunity +
                  "'atelier', 'SRID=4326;LINESTRING(3 50, 3.1 50.1)', 'exact', 5, '{}', "
                  "'disponible')");
  expect_rejected(kOpportunity +
                  "'atelier', 'SRID=2154;POINT(704061 7059137)', 'exact', 5, '{}', 'disponible')");
}

TEST_F(SchemaConstraints, NeedsHaveExactlyOneSearchAreaAndOrderedSurfaces) {
  const std::string base =
      "INSERT INTO needs (source, content_hash, collective_name, surface_min_m2, "
      "surface_ideal_m2, surface_max_m2, search_center, search_radius_m) VALUES ('t', 'h', "
      "'Collectif', ";
  expect_accepted(base + "100, 200, 300, 'SRID=4326;POINT(2.83 50.43)', 10000)");
  expect_rejected(base + "300, 200, 100, 'SRID=4326;POINT(2.83 50.43)', 10000)");
  expect_rejected(base + "100, 200, 300, NULL, NULL)");
  expect_rejected(base + "100, 200, 300, 'SRID=4326;POINT(2.83 50.43)', NULL)");
}

TEST_F(SchemaConstraints, FoldIgnoresAccentsAndCase) {
  pqxx::read_transaction r(*conn_);
  EXPECT_EQ(r.exec1("SELECT terrier_fold('Béthune ÉTAPLES Œuvre')")[0].as<std::string>(),
            "bethune etaples oeuvre");
}

}  // namespace
}  // namespace terrier
