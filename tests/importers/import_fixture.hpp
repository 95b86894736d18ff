#pragma once

// A fresh database with the départements and the MEL's communes loaded, and
// helpers to run imports and look at the result.

#include <gtest/gtest.h>

#include <functional>
#include <pqxx/pqxx>
#include <string>

#include "core/hash.hpp"
#include "db/import_transaction.hpp"
#include "db/reference_store.hpp"
#include "importers/importer.hpp"
#include "importers/location.hpp"
#include "tests/support/test_database.hpp"

namespace terrier::test {

inline std::string data_file(const std::string& name) {
  return std::string(TERRIER_SOURCE_DIR) + "/data/" + name;
}
inline std::string fixture(const std::string& name) {
  return std::string(TERRIER_SOURCE_DIR) + "/tests/data/importers/" + name;
}

inline importers::ImportReport run_import_file(
    pqxx::connection& conn, importers::ImportKind kind, const std::string& file,
    const std::function<void(importers::ImportOptions&)>& tweak = {}) {
  importers::ImportOptions o;
  o.kind = kind;
  o.file = file;
  o.user = "test";
  if (tweak) tweak(o);
  return importers::run_import(conn, o);
}

// The départements and the MEL's communes, imported as every ImportTest
// starts with them, and the region's outline the importers then compute
// (about 1.5 s for the départements' union, once per database): made once
// per cluster, copied by each test.
inline TestDatabase::Template territories_template() {
  const std::string departements = data_file("departements_hdf.geojson");
  const std::string communes = data_file("communes_mel_sample.geojson");
  return {
      "terrier_test_territories",
      sha256_file_hex(departements).substr(0, 16) + " " + sha256_file_hex(communes).substr(0, 16),
      [=](const std::string& url) {
        auto conn = db::connect(url);
        for (auto [file, level] : {std::pair{departements, "departement"}, {communes, "commune"}}) {
          run_import_file(*conn, importers::ImportKind::territories, file,
                          [&](importers::ImportOptions& o) { o.level = level; });
        }
        db::ImportTransaction tx(*conn);
        db::ReferenceStore(tx).region_outline_wkb(importers::kRegionMarginM);
        tx.commit();
      }};
}

// Everything ./scripts/demo loads, imported on `conn` in its order.
inline void load_demo_files(pqxx::connection& conn, bool with_friches) {
  using importers::ImportKind;
  using importers::ImportOptions;
  for (auto [file, level] : {std::pair{"departements_hdf.geojson", "departement"},
                             {"epci_hdf.geojson", "epci"},
                             {"communes_hdf.geojson", "commune"}}) {
    run_import_file(conn, ImportKind::territories, data_file(file),
                    [&](ImportOptions& o) { o.level = level; });
  }
  run_import_file(conn, ImportKind::circles, data_file("circles.csv"));
  run_import_file(conn, ImportKind::places, data_file("places_seed.csv"),
                  [](ImportOptions& o) { o.mapping_file = data_file("places_seed.mapping.json"); });
  if (with_friches) {
    run_import_file(
        conn, ImportKind::opportunities, data_file("friches_hdf.csv"),
        [](ImportOptions& o) { o.mapping_file = data_file("cartofriches.mapping.json"); });
  }
  run_import_file(conn, ImportKind::opportunities, data_file("opportunites_demo.csv"));
  run_import_file(conn, ImportKind::needs, data_file("besoins_demo.csv"));
}

// What a fixture that starts from the demo data holds once ImportTest's
// territories, then `before` (a file of opportunities, or none) and the demo
// data (load_demo_files) are loaded: made once per cluster and copied by
// each test, instead of imported again by each (3 to 7 s a test), and made
// again when one of those files changes.
inline TestDatabase::Template demo_template(bool with_friches, const std::string& before = {}) {
  std::string key = territories_template().key;
  for (const char* file :
       {"departements_hdf.geojson", "epci_hdf.geojson", "communes_hdf.geojson", "circles.csv",
        "places_seed.csv", "places_seed.mapping.json", "opportunites_demo.csv", "besoins_demo.csv",
        "friches_hdf.csv", "cartofriches.mapping.json"}) {
    key += " " + sha256_file_hex(data_file(file)).substr(0, 16);
  }
  if (!before.empty()) key += " " + sha256_file_hex(before).substr(0, 16);
  std::string name = "terrier_test_demo";
  if (with_friches) name += "_friches";
  if (!before.empty()) name += "_" + sha256_hex(before).substr(0, 8);
  return {name, key, [=](const std::string& url) {
            territories_template().fill(url);
            auto conn = db::connect(url);
            if (!before.empty())
              run_import_file(*conn, importers::ImportKind::opportunities, before);
            load_demo_files(*conn, with_friches);
          }};
}

class ImportTest : public ::testing::Test {
 protected:
  ImportTest() = default;
  // A copy of `from` (demo_template) instead of the territories alone.
  explicit ImportTest(const TestDatabase::Template& from) : db_(from) {}

  void SetUp() override { conn_ = db_.connect(); }

  importers::ImportReport territories(const std::string& file, const std::string& level) {
    return run(importers::ImportKind::territories, data_file(file),
               [&](importers::ImportOptions& o) { o.level = level; });
  }

  importers::ImportReport run(importers::ImportKind kind, const std::string& file,
                              const std::function<void(importers::ImportOptions&)>& tweak = {}) {
    return run_import_file(*conn_, kind, file, tweak);
  }

  importers::ImportReport opportunities(
      const std::string& file, const std::function<void(importers::ImportOptions&)>& tweak = {}) {
    return run(importers::ImportKind::opportunities, file, tweak);
  }

  // Everything ./scripts/demo loads (a fixture that starts with it copies
  // demo_template instead).
  void load_demo_data(bool with_friches) { load_demo_files(*conn_, with_friches); }

  long long count(const std::string& sql) {
    pqxx::read_transaction r(*conn_);
    return r.exec1(sql)[0].as<long long>();
  }

  std::string value(const std::string& sql) {
    pqxx::read_transaction r(*conn_);
    auto f = r.exec1(sql)[0];
    return f.is_null() ? "NULL" : f.as<std::string>();
  }

  // A digest of every model table's rows, to prove that nothing changed.
  std::string snapshot() {
    std::string out;
    for (const char* t : {"territories", "circle_members", "places", "opportunities",
                          "opportunity_private", "needs", "need_private", "import_runs"}) {
      out += value(std::string("SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), "
                               "'empty') FROM ") +
                   t + " t") +
             ";";
    }
    return out;
  }

  // The issue reported for a position, or nullptr.
  static const importers::RowIssue* issue_at(
      const importers::ImportReport& r, std::size_t pos,
      importers::RowIssue::Kind kind = importers::RowIssue::Kind::rejected) {
    for (const auto& i : r.issues) {
      if (i.position == pos && i.kind == kind) return &i;
    }
    return nullptr;
  }

  TestDatabase db_{territories_template()};
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace terrier::test
