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

class ImportTest : public ::testing::Test {
 protected:
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

  // Everything ./scripts/demo loads.
  void load_demo_data(bool with_friches) {
    territories("departements_hdf.geojson", "departement");
    territories("epci_hdf.geojson", "epci");
    territories("communes_hdf.geojson", "commune");
    run(importers::ImportKind::circles, data_file("circles.csv"));
    run(importers::ImportKind::places, data_file("places_seed.csv"),
        [](auto& o) { o.mapping_file = data_file("places_seed.mapping.json"); });
    if (with_friches) {
      opportunities(data_file("friches_hdf.csv"),
                    [](auto& o) { o.mapping_file = data_file("cartofriches.mapping.json"); });
    }
    opportunities(data_file("opportunites_demo.csv"));
    run(importers::ImportKind::needs, data_file("besoins_demo.csv"));
  }

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
