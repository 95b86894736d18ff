// The matches' store in real PostGIS: the bulk path of a large save (the
// foreign keys set aside and validated once) writes what the row-by-row path
// writes, keeps the statuses people set, restores the keys, and leaves
// everything as it was when it fails or when the tables are busy.

#include "db/match_store.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "tests/support/test_database.hpp"

namespace terrier::test {
namespace {

using matching::Match;
using ByNeed = std::vector<std::pair<long long, std::vector<Match>>>;

constexpr int kNeeds = 30;
constexpr int kOpportunities = 200;
constexpr int kPerNeed = 10;

// Small thresholds, so that a few hundred pairs take the bulk path.
const db::BulkMatchOptions kBulk{100, std::chrono::milliseconds(300)};
const db::BulkMatchOptions kRowByRow{1'000'000, std::chrono::milliseconds(300)};

class MatchStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = db_.connect();
    pqxx::work w(*conn_);
    w.exec0(
        "INSERT INTO opportunities (source, content_hash, title, kind, geom, location_precision) "
        "SELECT 'test', md5(i::text), 'Local ' || i, 'bureau', "
        "ST_SetSRID(ST_MakePoint(3 + i / 1000.0, 50.5), 4326), 'exact' "
        "FROM generate_series(1, " +
        std::to_string(kOpportunities) + ") i");
    w.exec0(
        "INSERT INTO needs (source, content_hash, collective_name, search_center, "
        "search_radius_m) SELECT 'test', md5(i::text), 'Collectif ' || i, "
        "ST_SetSRID(ST_MakePoint(3, 50.5), 4326), 20000 FROM generate_series(1, " +
        std::to_string(kNeeds) + ") i");
    w.commit();
    pqxx::read_transaction r(*conn_);
    for (const auto& row : r.exec("SELECT id FROM needs ORDER BY id")) {
      needs_.push_back(row[0].as<long long>());
    }
    for (const auto& row : r.exec("SELECT id FROM opportunities ORDER BY id")) {
      opportunities_.push_back(row[0].as<long long>());
    }
  }

  // Each need's matches: `per_need` opportunities from `first` on.
  ByNeed pairs(int first, int per_need = kPerNeed) const {
    ByNeed out;
    for (int n = 0; n < kNeeds; ++n) {
      std::vector<Match> matches;
      for (int j = 0; j < per_need; ++j) {
        Match m;
        m.need_id = needs_[n];
        m.opportunity_id = opportunities_[(first + n + j) % kOpportunities];
        m.score = 90 - j;
        m.reliability = 8;
        m.distance_m = 1000 + j;
        m.tenure = "location";
        m.components = {0.9, 0.8, 0.7, 1, 0.5};
        m.reasons = {"raison " + std::to_string(j), "à 1\u00a0km"};
        matches.push_back(std::move(m));
      }
      out.emplace_back(needs_[n], std::move(matches));
    }
    return out;
  }

  std::string value(const std::string& sql) {
    pqxx::read_transaction r(*conn_);
    auto f = r.exec1(sql)[0];
    return f.is_null() ? "NULL" : f.as<std::string>();
  }
  // The matches' foreign keys as defined, and whether they are validated.
  std::string keys() {
    return value(
        "SELECT string_agg(conname || ' ' || convalidated || ' ' || pg_get_constraintdef(oid), "
        "'; ' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'matches'::regclass "
        "AND contype = 'f'");
  }
  // Their oids: new ones when the keys were dropped and added back.
  std::string key_oids() {
    return value(
        "SELECT string_agg(oid::text, ',' ORDER BY conname) FROM pg_constraint "
        "WHERE conrelid = 'matches'::regclass AND contype = 'f'");
  }
  // Every stored column but the time of the computation.
  std::string digest() {
    return value(
        "SELECT md5(string_agg(concat_ws('|', id, need_id, opportunity_id, score, reliability, "
        "components, reasons, status, status_changed_by, still_valid), ';' ORDER BY id)) "
        "FROM matches");
  }
  long long count(const std::string& sql) { return std::stoll(value(sql)); }

  TestDatabase db_;
  std::unique_ptr<pqxx::connection> conn_;
  std::vector<long long> needs_, opportunities_;
};

TEST_F(MatchStoreTest, BulkSaveRestoresTheForeignKeysValidated) {
  const std::string before = keys(), oids = key_oids();
  ASSERT_NE(before.find("REFERENCES needs(id) ON DELETE CASCADE"), std::string::npos) << before;
  db::MatchStore(*conn_, kBulk).save_matches(pairs(0));
  EXPECT_EQ(count("SELECT count(*) FROM matches WHERE still_valid"), kNeeds * kPerNeed);
  EXPECT_EQ(keys(), before);    // the same keys, validated
  EXPECT_NE(key_oids(), oids);  // added back: the bulk path was taken
  // They hold: a need's deletion cascades, an unknown opportunity is refused.
  {
    pqxx::work w(*conn_);
    w.exec_params0("DELETE FROM needs WHERE id = $1", needs_[0]);
    w.commit();
  }
  EXPECT_EQ(count("SELECT count(*) FROM matches"), (kNeeds - 1) * kPerNeed);
  pqxx::work w(*conn_);
  EXPECT_THROW(w.exec_params0("INSERT INTO matches (need_id, opportunity_id, score, reliability) "
                              "VALUES ($1, $2, 50, 5)",
                              needs_[1], opportunities_.back() + 1000),
               pqxx::foreign_key_violation);
}

TEST_F(MatchStoreTest, BulkSaveWritesWhatRowChecksWriteAndKeepsStatuses) {
  // The same two saves through each path, on two copies of the pairs: a
  // status set between them, half of each need's pairs new the second time.
  auto run = [&](const db::BulkMatchOptions& options) {
    {
      pqxx::work w(*conn_);
      w.exec0("TRUNCATE matches RESTART IDENTITY");
      w.commit();
    }
    db::MatchStore(*conn_, options).save_matches(pairs(0));  // bulk: straight into matches
    {
      pqxx::work w(*conn_);
      w.exec_params0(
          "UPDATE matches SET status = 'visite', status_changed_by = 'ana' "
          "WHERE need_id = $1 AND opportunity_id = $2",
          needs_[3], opportunities_[3 + 7]);
      w.exec_params0(
          "UPDATE matches SET status = 'contacté', status_changed_by = 'ana' "
          "WHERE need_id = $1 AND opportunity_id = $2",
          needs_[4], opportunities_[4]);
      w.commit();
    }
    db::MatchStore(*conn_, options).save_matches(pairs(5));  // bulk: staged, upserted
    return digest();
  };
  const std::string oids = key_oids();
  const std::string by_rows = run(kRowByRow);
  EXPECT_EQ(key_oids(), oids);
  const std::string bulk = run(kBulk);
  EXPECT_NE(key_oids(), oids);
  EXPECT_EQ(bulk, by_rows);
  // Still ranked: kept with its status; dropped from the list: kept, invalid.
  EXPECT_EQ(value("SELECT status || ' ' || still_valid FROM matches WHERE need_id = " +
                  std::to_string(needs_[3]) +
                  " AND opportunity_id = " + std::to_string(opportunities_[10])),
            "visite true");
  EXPECT_EQ(value("SELECT status || ' ' || still_valid FROM matches WHERE need_id = " +
                  std::to_string(needs_[4]) +
                  " AND opportunity_id = " + std::to_string(opportunities_[4])),
            "contacté false");
  EXPECT_EQ(count("SELECT count(*) FROM matches"), kNeeds * (kPerNeed + 5));
  EXPECT_EQ(count("SELECT count(*) FROM matches WHERE still_valid"), kNeeds * kPerNeed);
}

TEST_F(MatchStoreTest, FailedBulkSaveLeavesThePreviousMatchesAndKeys) {
  const std::string definitions = keys(), oids = key_oids();
  // A first computation (straight into matches) that fails: nothing stored.
  ByNeed first = pairs(0);
  first.front().first = needs_.back() + 1000;  // no such need
  EXPECT_THROW(db::MatchStore(*conn_, kBulk).save_matches(first), pqxx::foreign_key_violation);
  EXPECT_EQ(count("SELECT count(*) FROM matches"), 0);
  EXPECT_EQ(keys(), definitions);
  EXPECT_EQ(key_oids(), oids);
  // A later one (staged, upserted) that fails: the previous matches kept.
  db::MatchStore(*conn_, kRowByRow).save_matches(pairs(0));
  const std::string before = digest();
  ByNeed next = pairs(5);
  next.back().second.back().opportunity_id = opportunities_.back() + 1000;  // no such row
  EXPECT_THROW(db::MatchStore(*conn_, kBulk).save_matches(next), pqxx::foreign_key_violation);
  EXPECT_EQ(digest(), before);
  EXPECT_EQ(keys(), definitions);
  EXPECT_EQ(key_oids(), oids);  // the drop was rolled back with the rows
}

TEST_F(MatchStoreTest, BusyTablesAreCheckedRowByRow) {
  // An import holds the opportunities (ROW EXCLUSIVE) for its whole run: the
  // save does not wait for it, nor make the readers queued behind it wait.
  auto other = db_.connect();
  pqxx::work import(*other);
  import.exec0("LOCK TABLE opportunities IN ROW EXCLUSIVE MODE");
  const std::string oids = key_oids();
  db::MatchStore(*conn_, kBulk).save_matches(pairs(0));
  EXPECT_EQ(key_oids(), oids);
  EXPECT_EQ(count("SELECT count(*) FROM matches WHERE still_valid"), kNeeds * kPerNeed);
  EXPECT_EQ(value("SELECT current_setting('lock_timeout')"), "0");
  import.abort();
}

}  // namespace
}  // namespace terrier::test
