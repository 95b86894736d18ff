// The items pages of opportunities with the tiles' in-memory copy (issue
// 21): how many rows a bbox holds is read from the copy instead of
// PostGIS's statistics, and a page expected full carries its count. The
// answers are those of the pages without the copy, and the counts those of
// SQL, for every role, on the demo data: bboxes from a street to the whole
// region, limits, offsets, and the three ways of counting (exactly, after
// EXPLAIN, estimated).

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <vector>

#include "core/text.hpp"
#include "db/feature_store.hpp"
#include "db/tile_snapshot.hpp"
#include "tests/importers/import_fixture.hpp"

namespace terrier::test {
namespace {

class FeaturePagesDemo : public ImportTest {
 protected:
  FeaturePagesDemo() : ImportTest(demo_template(/*with_friches=*/true)) {}

  void SetUp() override {
    ImportTest::SetUp();
    {
      pqxx::work w(*conn_);
      // A footprint whose point lies outside a box its polygon reaches.
      w.exec0(
          "UPDATE opportunities SET geom = ST_Buffer(point, 0.05, 'quad_segs=2') WHERE id = "
          "(SELECT min(id) FROM opportunities WHERE visibility = 'public')");
      w.commit();
    }
    {
      pqxx::nontransaction n(*conn_);
      n.exec0("ANALYZE opportunities");
    }
    snapshot_ =
        std::make_shared<const db::OpportunitySnapshot>(db::load_opportunity_snapshot(*conn_));
  }

  // Boxes over the demo's points: a grid at several sizes, and the region.
  std::vector<std::array<double, 4>> boxes() {
    pqxx::read_transaction r(*conn_);
    auto e = r.exec1(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e "
        "FROM opportunities) x");
    const double x0 = e[0].as<double>(), y0 = e[1].as<double>(), x1 = e[2].as<double>(),
                 y1 = e[3].as<double>();
    std::vector<std::array<double, 4>> out{{x0, y0, x1, y1}, {x0 - 1, y0 - 1, x1 + 1, y1 + 1}};
    for (double side : {0.02, 0.1, 0.5}) {
      for (int i = 0; i < 5; ++i) {
        const double x = x0 + (x1 - x0 - side) * i / 4.0, y = y0 + (y1 - y0 - side) * (4 - i) / 4.0;
        out.push_back({x, y, x + side, y + side});
      }
    }
    // Lille's centre, where the demo's rows are densest.
    out.push_back({3.0, 50.6, 3.1, 50.7});
    return out;
  }

  long long sql_count(Role role, const std::array<double, 4>& b) {
    pqxx::read_transaction r(*conn_);
    return r
        .exec_params1(
            "SELECT count(*) FROM opportunities o WHERE o.visibility = ANY($1::text[]) AND o.geom "
            "&& ST_MakeEnvelope($2, $3, $4, $5, 4326)",
            text::pg_array_literal(readable_visibilities(role)), b[0], b[1], b[2], b[3])[0]
        .as<long long>();
  }

  std::shared_ptr<const db::OpportunitySnapshot> snapshot_;
};

constexpr std::array kRoles = {Role::anonymous, Role::member, Role::foundation, Role::animator,
                               Role::admin};

TEST_F(FeaturePagesDemo, TheCopyCountsABoxAsSqlDoes) {
  bool saw_footprint = false;
  for (auto role : kRoles) {
    for (const auto& b : boxes()) {
      SCOPED_TRACE(std::string(role_name(role)) + " " + std::to_string(b[0]) + "," +
                   std::to_string(b[1]) + "," + std::to_string(b[2]) + "," + std::to_string(b[3]));
      const long long expected = sql_count(role, b);
      EXPECT_EQ(static_cast<long long>(db::rows_in_box(*snapshot_, role, b, 1u << 30)), expected);
      // Past `enough`, the count only says so.
      if (expected > 3) {
        EXPECT_LE(db::rows_in_box(*snapshot_, role, b, 2), 3u);
      }
    }
    // Beside the footprint's point: its polygon reaches the box.
    double x = 0, y = 0;
    {
      pqxx::read_transaction r(*conn_);
      auto p = r.exec1(
          "SELECT ST_X(point), ST_Y(point) FROM opportunities WHERE GeometryType(geom) <> 'POINT' "
          "AND visibility = 'public' ORDER BY id LIMIT 1");
      x = p[0].as<double>();
      y = p[1].as<double>();
    }
    const std::array<double, 4> beside{x + 0.03, y - 0.001, x + 0.031, y + 0.001};
    const long long expected = sql_count(role, beside);
    saw_footprint |= expected > 0;
    EXPECT_EQ(static_cast<long long>(db::rows_in_box(*snapshot_, role, beside, 1u << 30)),
              expected);
  }
  EXPECT_TRUE(saw_footprint);
}

TEST_F(FeaturePagesDemo, PagesWithTheCopyAreThePagesWithoutIt) {
  struct Counting {
    long long limit;
    double cost;
  };
  std::size_t full_pages = 0, counted = 0, estimated = 0, features = 0;
  for (auto role : kRoles) {
    for (const auto& b : boxes()) {
      for (std::size_t limit : {1u, 7u, 100u, 10000u}) {
        for (std::size_t offset : {0u, 3u, 150u}) {
          // Exactly counted at once; after EXPLAIN (any bound is too high
          // for the cost); estimated past a limit of 5.
          for (auto counting : {Counting{100000, 5000}, Counting{100000, 30}, Counting{5, 5000}}) {
            SCOPED_TRACE(std::string(role_name(role)) + " " + std::to_string(b[0]) + "," +
                         std::to_string(b[1]) + " side " + std::to_string(b[2] - b[0]) + " limit " +
                         std::to_string(limit) + " offset " + std::to_string(offset) +
                         " count limit " + std::to_string(counting.limit) + " cost " +
                         std::to_string(counting.cost));
            db::FeatureQuery q;
            q.role = role;
            q.bbox = b;
            q.limit = limit;
            q.offset = offset;
            q.small_table_rows = 0;  // the demo's table is small: as a large one
            q.exact_count_limit = counting.limit;
            q.exact_count_cost = counting.cost;
            const auto without = db::query_features(*conn_, q);
            q.snapshot = snapshot_;
            const auto with = db::query_features(*conn_, q);
            ASSERT_EQ(with.features, without.features);
            EXPECT_EQ(with.matched, without.matched);
            EXPECT_EQ(with.matched_is_estimate, without.matched_is_estimate);
            if (!with.matched_is_estimate) {
              EXPECT_EQ(with.matched, sql_count(role, b));
              ++counted;
            } else {
              ++estimated;
            }
            full_pages += with.features.size() == limit;
            features += with.features.size();
          }
        }
      }
    }
  }
  // Every way of counting was taken, on full pages (where the count is
  // asked) as on last ones.
  EXPECT_GT(full_pages, 300u);
  EXPECT_GT(counted, 300u);
  EXPECT_GT(estimated, 50u);
  EXPECT_GT(features, 10000u);
}

}  // namespace
}  // namespace terrier::test
