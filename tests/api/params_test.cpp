// Query strings parsed into parameters and into a feature query: repeated
// names, escapes, and every filter of every collection. No database.

#include "api/params.hpp"

#include <gtest/gtest.h>

#include "api/problem.hpp"

namespace terrier::api {
namespace {

int status_of(const std::string& query) {
  try {
    parse_query(query);
  } catch (const Problem& p) {
    return p.status();
  }
  return 200;
}

db::FeatureQuery items(db::Collection c, const std::string& query) {
  return parse_items_query(c, parse_query(query), Limits{});
}

TEST(ParseQuery, DecodesNamesAndValues) {
  auto q = parse_query("q=caf%C3%A9+associatif&bbox-crs=http%3A%2F%2Fx");
  EXPECT_EQ(q.at("q"), "café associatif");
  EXPECT_EQ(q.at("bbox-crs"), "http://x");
}

TEST(ParseQuery, ARepeatedListFilterMeansAnyOfItsValues) {
  EXPECT_EQ(parse_query("kind=atelier&kind=commerce").at("kind"), "atelier,commerce");
  EXPECT_EQ(parse_query("tenure=vente&limit=3&tenure=location").at("tenure"), "vente,location");
  EXPECT_EQ(parse_query("status=disponible&status=réservé").at("status"), "disponible,réservé");
  EXPECT_EQ(parse_query("level=epci&level=commune").at("level"), "epci,commune");
  EXPECT_EQ(parse_query("layers=places&layers=needs").at("layers"), "places,needs");
}

TEST(ParseQuery, EveryOtherRepeatedParameterIsRefused) {
  for (const char* name : {"bbox", "bbox-crs", "crs", "limit", "offset", "f", "q", "territory",
                           "surface_min", "surface_max", "rent_max", "price_max",
                           "available_before", "competence", "format", "source", "strict"}) {
    std::string query = std::string(name) + "=1&" + name + "=2";
    EXPECT_EQ(status_of(query), 400) << query;
    try {
      parse_query(query);
    } catch (const Problem& p) {
      EXPECT_NE(std::string(p.what()).find(std::string(name) + ": given more than once"),
                std::string::npos)
          << p.what();
    }
  }
  // The same value twice is refused too: a limit is one number.
  EXPECT_EQ(status_of("limit=5&limit=5"), 400);
}

TEST(ParseQuery, MalformedEscapesAndNulBytesAreRefused) {
  EXPECT_EQ(status_of("q=%zz"), 400);
  EXPECT_EQ(status_of("q=%4"), 400);
  EXPECT_EQ(status_of("q=a%00b"), 400);
  EXPECT_EQ(status_of("q=%C3%28"), 400);  // invalid UTF-8
  EXPECT_EQ(status_of("q=ok&kind=atelier"), 200);
}

TEST(ParseItemsQuery, ARepeatedKindFiltersOnEveryKindGiven) {
  auto q = items(db::Collection::opportunities, "kind=atelier&kind=commerce");
  EXPECT_EQ(q.filters.kinds, (std::vector<std::string>{"atelier", "commerce"}));
  auto comma = items(db::Collection::opportunities, "kind=atelier,commerce");
  EXPECT_EQ(comma.filters.kinds, q.filters.kinds);
  auto tenures = items(db::Collection::opportunities, "tenure=vente&tenure=location");
  EXPECT_EQ(tenures.filters.tenures.size(), 2u);
  auto levels = items(db::Collection::territories, "level=epci&level=commune");
  EXPECT_EQ(levels.filters.levels, (std::vector<std::string>{"epci", "commune"}));
}

TEST(ParseItemsQuery, AnUnknownValueInARepeatedFilterIsRefused) {
  EXPECT_THROW(items(db::Collection::opportunities, "kind=atelier&kind=château"), Problem);
}

TEST(ParseItemsQuery, ReadsLimitsBboxAndCrs) {
  auto q = items(db::Collection::opportunities,
                 "bbox=3,50,3.1,50.1&limit=7&offset=14&crs=http%3A%2F%2Fwww.opengis.net%2Fdef%"
                 "2Fcrs%2FEPSG%2F0%2F2154");
  EXPECT_EQ(q.limit, 7u);
  EXPECT_EQ(q.offset, 14u);
  EXPECT_EQ(q.output_srid, 2154);
  ASSERT_TRUE(q.bbox);
  EXPECT_DOUBLE_EQ((*q.bbox)[2], 3.1);
  EXPECT_THROW(items(db::Collection::opportunities, "limit=0"), Problem);
  EXPECT_THROW(items(db::Collection::opportunities, "limit=10001"), Problem);
  EXPECT_THROW(items(db::Collection::opportunities, "bbox=3,50,3.1"), Problem);
  EXPECT_THROW(items(db::Collection::opportunities, "colour=red"), Problem);
  EXPECT_THROW(items(db::Collection::territories, "kind=atelier"), Problem);
}

}  // namespace
}  // namespace terrier::api
