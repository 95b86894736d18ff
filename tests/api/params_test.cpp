// Query strings parsed into parameters and into a feature query: repeated
// names, escapes, and every filter of every collection. No database.

#include "api/params.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/problem.hpp"
#include "db/cql2.hpp"

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

// The Problem a parse throws: its status and detail ("" when none).
template <typename Parse>
std::pair<int, std::string> refusal(Parse parse) {
  try {
    parse();
  } catch (const Problem& p) {
    return {p.status(), p.what()};
  }
  return {200, ""};
}

// The detail starts with the parameter it refuses.
#define EXPECT_REFUSED(call, name)                                              \
  do {                                                                          \
    auto [status, detail] = refusal([&] { (void)call; });                       \
    EXPECT_EQ(status, 400) << #call;                                            \
    EXPECT_NE(detail.find(name), std::string::npos) << #call << ": " << detail; \
  } while (0)

using Params = std::map<std::string, std::string>;

TEST(ItemParams, ReadsTheCrsAndIgnoresTheFormat) {
  EXPECT_EQ(parse_item_params({}).srid, 4326);
  EXPECT_EQ(parse_item_params({{"crs", kLambert93}, {"f", "json"}}).srid, 2154);
  EXPECT_REFUSED(parse_item_params({{"crs", "EPSG:3857"}}), "crs");
  EXPECT_REFUSED(parse_item_params({{"limit", "3"}}), "'limit'");
}

TEST(TileParams, ReadsTheTileAndTheFilters) {
  auto t = parse_tile_params(db::Collection::opportunities, "12", "2087", "1373",
                             {{"kind", "friche"}}, Limits{});
  EXPECT_EQ(t.z, 12);
  EXPECT_EQ(t.x, 2087);
  EXPECT_EQ(t.y, 1373);
  EXPECT_EQ(t.query.filters.kinds, (std::vector<std::string>{"friche"}));
}

TEST(TileParams, EachRefusalNamesItsParameter) {
  auto tile = [](const char* z, const char* x, const char* y, Params params = {}) {
    return parse_tile_params(db::Collection::places, z, x, y, params, Limits{});
  };
  EXPECT_REFUSED(tile("a", "0", "0"), "z: 'a'");
  EXPECT_REFUSED(tile("1", "-1", "0"), "x: '-1'");
  EXPECT_REFUSED(tile("1", "0", ""), "y: ''");
  EXPECT_REFUSED(tile("2", "4", "0"), "tile 2/4/0 does not exist");
  EXPECT_REFUSED(tile("23", "0", "0"), "tile 23/0/0");
  EXPECT_REFUSED(tile("1", "0", "0", {{"limit", "5"}}), "limit: not used by tiles");
  EXPECT_REFUSED(tile("1", "0", "0", {{"offset", "5"}}), "offset: not used by tiles");
  EXPECT_REFUSED(tile("1", "0", "0", {{"bbox", "1,2,3,4"}}), "bbox: not used by tiles");
  EXPECT_REFUSED(tile("1", "0", "0", {{"colour", "red"}}), "colour");
}

TEST(ParseItemsQuery, ReadsTheCql2FilterSortbyPropertiesAndSkipGeometry) {
  auto q = items(db::Collection::opportunities,
                 "filter=kind%20%3D%20%27atelier%27&sortby=-built_surface_m2,+title,%2Bkind&"
                 "properties=title,kind&skipGeometry=true");
  ASSERT_TRUE(q.cql2_filter);
  EXPECT_EQ(q.cql2_filter->kind, db::cql2::NodeKind::comparison);
  ASSERT_EQ(q.sortby.size(), 3u);
  EXPECT_EQ(q.sortby[0].property, "built_surface_m2");
  EXPECT_TRUE(q.sortby[0].descending);
  EXPECT_EQ(q.sortby[1].property, "title");  // "+" decodes to a space: ascending
  EXPECT_FALSE(q.sortby[1].descending);
  EXPECT_FALSE(q.sortby[2].descending);
  EXPECT_EQ(q.properties, (std::vector<std::string>{"title", "kind"}));
  EXPECT_TRUE(q.skip_geometry);
  auto j = items(db::Collection::needs,
                 "filter-lang=cql2-json&filter=%7B%22op%22%3A%22isNull%22%2C%22args%22%3A%5B%7B%"
                 "22property%22%3A%22territory%22%7D%5D%7D");
  ASSERT_TRUE(j.cql2_filter);
  EXPECT_EQ(j.cql2_filter->kind, db::cql2::NodeKind::is_null);
  auto plain = items(db::Collection::places, "limit=3");
  EXPECT_FALSE(plain.cql2_filter);
  EXPECT_TRUE(plain.sortby.empty());
  EXPECT_FALSE(plain.properties);
  EXPECT_FALSE(plain.skip_geometry);
}

TEST(ParseItemsQuery, EachPart3RefusalNamesItsParameter) {
  auto opportunities = [](const char* query) {
    return items(db::Collection::opportunities, query);
  };
  EXPECT_REFUSED(opportunities("filter=kind%20%3D"), "filtre CQL2 : un nom de propriété");
  EXPECT_REFUSED(opportunities("filter=%7B&filter-lang=cql2-json"), "filtre CQL2 (JSON)");
  EXPECT_REFUSED(opportunities("filter=a%3D1&filter-lang=ecql"), "filter-lang : « ecql »");
  EXPECT_REFUSED(opportunities("filter=a%3D1&filter-crs=EPSG%3A2154"), "filter-crs");
  EXPECT_REFUSED(opportunities("sortby=title;drop"), "sortby : « title;drop »");
  EXPECT_REFUSED(opportunities("sortby=--title"), "sortby");
  EXPECT_REFUSED(opportunities("sortby="), "sortby");
  EXPECT_REFUSED(opportunities("sortby=a,b,c,d,e,f,g,h,i"), "sortby : de 1 à 8");
  EXPECT_REFUSED(opportunities("properties=title,%22x%22"), "properties : « \"x\" »");
  EXPECT_REFUSED(opportunities("skipGeometry=1"), "skipGeometry : true ou false");
  EXPECT_REFUSED(opportunities("maxAllowableOffset=-0.5"), "maxAllowableOffset : une distance");
}

TEST(TileParams, TakeNoCql2FilterNorSortNorProperties) {
  for (const char* name :
       {"filter", "filter-lang", "sortby", "properties", "skipGeometry", "maxAllowableOffset"}) {
    EXPECT_REFUSED(
        parse_tile_params(db::Collection::opportunities, "1", "0", "0", {{name, "x"}}, Limits{}),
        std::string(name) + " : réservé aux pages d'objets");
    EXPECT_REFUSED(parse_export_params("mel", {{name, "x"}}, Limits{}),
                   std::string(name) + " : réservé aux pages d'objets");
  }
}

TEST(ExportParams, ReadsFormatLayersAndTheOpportunitiesFilters) {
  auto e = parse_export_params(
      "mel", {{"format", "gpkg"}, {"layers", "opportunities"}, {"kind", "friche"}}, Limits{});
  EXPECT_EQ(e.territory, "mel");
  EXPECT_EQ(e.format, "gpkg");
  EXPECT_EQ(e.layers, (std::vector<db::Collection>{db::Collection::opportunities}));
  EXPECT_EQ(e.filters.kinds, (std::vector<std::string>{"friche"}));
  EXPECT_EQ(parse_export_params("mel", {}, Limits{}).format, "geojson");
}

TEST(ExportParams, EachRefusalNamesItsParameter) {
  EXPECT_REFUSED(parse_export_params("mel", {{"format", "shp"}}, Limits{}), "format: 'shp'");
  EXPECT_REFUSED(parse_export_params("mel", {{"layers", "roads"}}, Limits{}), "layers: 'roads'");
  EXPECT_REFUSED(parse_export_params("mel", {{"kind", "castle"}}, Limits{}), "kind");
  EXPECT_REFUSED(parse_export_params("mel", {{"colour", "red"}}, Limits{}), "colour");
}

TEST(AssignmentParams, TheTerritoryIsRequiredAndAlone) {
  EXPECT_EQ(parse_assignment_params({{"territory", "mel"}}).territory, "mel");
  EXPECT_REFUSED(parse_assignment_params({}), "territory:");
  EXPECT_REFUSED(parse_assignment_params({{"territory", "mel"}, {"limit", "3"}}), "'limit'");
}

TEST(FollowupParams, ReadsCircleStatusesAndLimit) {
  auto q =
      parse_followup_params({{"circle", "mel"}, {"status", "contacté,visite"}, {"limit", "50"}});
  EXPECT_EQ(q.circle, "mel");
  EXPECT_EQ(q.statuses, (std::vector<std::string>{"contacté", "visite"}));
  EXPECT_EQ(q.limit, 50u);
  EXPECT_EQ(parse_followup_params({}).limit, 1000u);
}

// The board's refusals carry "field", for the page's form.
TEST(FollowupParams, EachRefusalNamesItsField) {
  for (const auto& [params, field] :
       std::vector<std::pair<Params, std::string>>{{{{"status", "perdu"}}, "status"},
                                                   {{{"limit", "0"}}, "limit"},
                                                   {{{"limit", "5001"}}, "limit"},
                                                   {{{"limit", "dix"}}, "limit"}}) {
    try {
      parse_followup_params(params);
      ADD_FAILURE() << field << " accepted";
    } catch (const Problem& p) {
      EXPECT_EQ(p.status(), 400);
      EXPECT_EQ(p.extensions(), "{\"field\":\"" + field + "\"}");
    }
  }
  EXPECT_REFUSED(parse_followup_params({{"colour", "red"}}), "colour");
}

TEST(DashboardParams, JsonByDefaultCsvOnRequest) {
  EXPECT_EQ(parse_dashboard_params({}).format, "json");
  EXPECT_EQ(parse_dashboard_params({{"format", "csv"}}).format, "csv");
  try {
    parse_dashboard_params({{"format", "pdf"}});
    ADD_FAILURE() << "pdf accepted";
  } catch (const Problem& p) {
    EXPECT_EQ(p.status(), 400);
    EXPECT_EQ(p.extensions(), "{\"field\":\"format\"}");
  }
  EXPECT_REFUSED(parse_dashboard_params({{"circle", "mel"}}), "'circle'");
}

}  // namespace
}  // namespace terrier::api
