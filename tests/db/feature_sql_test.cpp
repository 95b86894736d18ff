// The features endpoints' SQL, built without a database: values only as
// parameters, what each role may see, each filter's condition. No database.

#include "db/feature_sql.hpp"

#include <gtest/gtest.h>

namespace terrier::db::feature_sql {
namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(FeatureSqlWhere, NumbersItsParametersAndJoinsItsConditions) {
  Where w;
  EXPECT_EQ(w.sql(), "");
  EXPECT_EQ(w.param("a"), "$1");
  EXPECT_EQ(w.param("b"), "$2");
  w.add("x = $1");
  w.add("y = $2");
  EXPECT_EQ(w.sql(), " WHERE x = $1 AND y = $2");
  EXPECT_EQ(w.params(), (std::vector<std::string>{"a", "b"}));
}

TEST(FeatureSqlLikePattern, FoldsTheTextAndEscapesTheWildcards) {
  EXPECT_EQ(like_pattern("Café"), "%cafe%");
  EXPECT_EQ(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
}

// A search or a territory never reaches the SQL text: a quote in it is a
// parameter's problem, not the statement's.
TEST(FeatureSqlFilters, EveryValueIsAParameter) {
  FeatureFilters f;
  f.q = "l'atelier'; DROP TABLE opportunities; --";
  f.territory = "lille'--";
  f.kinds = {"atelier"};
  f.rent_max = 900;
  Where w;
  Sql s = sql_for(Collection::opportunities, Role::member);
  add_filters(w, s, Collection::opportunities, f, 6);
  EXPECT_FALSE(contains(w.sql(), "DROP")) << w.sql();
  EXPECT_FALSE(contains(w.sql(), "lille")) << w.sql();
  EXPECT_TRUE(contains(w.sql(), "o.kind = ANY($1::text[])")) << w.sql();
  EXPECT_TRUE(contains(w.sql(), "o.rent_eur_month <= $2::numeric")) << w.sql();
  EXPECT_EQ(w.params().size(), 4u);
  EXPECT_EQ(w.params()[1], "900");
  EXPECT_EQ(w.params()[2], "lille'--");
}

TEST(FeatureSqlFilters, NoFilterNoCondition) {
  Where w;
  add_filters(w, sql_for(Collection::places, Role::anonymous), Collection::places, {}, 6);
  EXPECT_EQ(w.sql(), "");
  EXPECT_TRUE(w.params().empty());
}

TEST(FeatureSqlFilters, ToReverifyOnlyForOpportunities) {
  FeatureFilters f;
  f.to_reverify = true;
  Where w;
  add_filters(w, sql_for(Collection::opportunities, Role::admin), Collection::opportunities, f, 9);
  EXPECT_TRUE(contains(w.sql(), "make_interval(months => 9)")) << w.sql();
  Where places;
  add_filters(places, sql_for(Collection::places, Role::admin), Collection::places, f, 9);
  EXPECT_EQ(places.sql(), "");
}

// Owners, contacts and notes are joined only for the roles that read them.
TEST(FeatureSqlRoles, ConfidentialColumnsOnlyForTheRolesThatReadThem) {
  for (Role role : {Role::anonymous, Role::member, Role::animator}) {
    Sql s = sql_for(Collection::opportunities, role);
    EXPECT_FALSE(contains(s.select, "owner_name")) << role_name(role);
    EXPECT_FALSE(contains(s.columns, "p.")) << role_name(role);  // the items pages' columns
    EXPECT_EQ(s.from, "opportunities o") << role_name(role);
    EXPECT_FALSE(contains(sql_for(Collection::needs, role).select, "p.contact")) << role_name(role);
    EXPECT_FALSE(contains(sql_for(Collection::needs, role).columns, "p.contact"))
        << role_name(role);
  }
  for (Role role : {Role::foundation, Role::admin}) {
    EXPECT_TRUE(contains(sql_for(Collection::opportunities, role).select, "p.owner_name"))
        << role_name(role);
    EXPECT_TRUE(contains(sql_for(Collection::opportunities, role).columns, "p.owner_name"))
        << role_name(role);
    EXPECT_TRUE(contains(sql_for(Collection::needs, role).from, "need_private")) << role_name(role);
  }
}

TEST(FeatureSqlRoles, OpportunitiesAreRestrictedToTheVisibilitiesARoleReads) {
  Where w;
  restrict_to_role(w, Collection::opportunities, Role::anonymous);
  EXPECT_EQ(w.sql(), " WHERE o.visibility = ANY($1::text[])");
  EXPECT_EQ(w.params(), (std::vector<std::string>{"{\"public\"}"}));
  Where places;
  restrict_to_role(places, Collection::places, Role::anonymous);
  EXPECT_EQ(places.sql(), "");
}

TEST(FeatureSqlGeometry, Rfc7946OrLambert93ToTheCentimetre) {
  EXPECT_EQ(output_geometry("o.geom", 4326), "ST_AsGeoJSON(o.geom, 6)");
  EXPECT_EQ(output_geometry("o.geom", 2154), "ST_AsGeoJSON(ST_Transform(o.geom, 2154), 2)");
  Sql s = sql_for(Collection::places, Role::anonymous, 2154);
  EXPECT_TRUE(contains(s.select, "ST_AsGeoJSON(ST_Transform(o.geom, 2154), 2)")) << s.select;
  EXPECT_FALSE(contains(s.select, "@GEOM@"));
}

TEST(FeatureSqlOrder, ASearchPutsTheNameItselfFirst) {
  Where w;
  FeatureFilters f;
  Sql s = sql_for(Collection::places, Role::anonymous);
  EXPECT_EQ(order_by(w, s, Collection::places, f), "o.id");
  f.q = "Lens";
  std::string order = order_by(w, s, Collection::places, f);
  EXPECT_EQ(order,
            "terrier_fold(o.name) = terrier_fold($1) DESC, starts_with(terrier_fold(o.name), "
            "terrier_fold($1)) DESC, o.id");
  EXPECT_EQ(w.params(), (std::vector<std::string>{"Lens"}));
}

}  // namespace
}  // namespace terrier::db::feature_sql
