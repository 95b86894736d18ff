// OGC API – Features Part 3 against a real server and PostGIS: CQL2 filters
// give the features the same filter selects client-side, the two encodings
// agree, a confidential field is no filter, sort key or property for a role
// that may not read it, sortby orders across pages, the queryables and the
// schema list what the role reads, and GDAL's OAPIF driver types the
// numbers from the schema. Also the tiles drawn from the demo data: a
// territory's needs once, a commune's name once.

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <set>

#include "core/text.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/api/mvt_reader.hpp"

namespace terrier::test {
namespace {

using Properties = json;  // a feature's "properties"

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::optional<double> number(const Properties& p, const char* name) {
  if (!p.contains(name) || !p[name].is_number()) return std::nullopt;
  return p[name].get<double>();
}

std::optional<std::string> text_of(const Properties& p, const char* name) {
  if (!p.contains(name) || !p[name].is_string()) return std::nullopt;
  return p[name].get<std::string>();
}

bool has(const Properties& p, const char* name) {
  return p.contains(name) && !p[name].is_null();
}

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A point's lon/lat, for the spatial filters.
std::pair<double, double> lon_lat(const json& feature) {
  const auto& c = feature["geometry"]["coordinates"];
  return {c[0].get<double>(), c[1].get<double>()};
}

struct Case {
  const char* collection;
  const char* filter;
  std::function<bool(const json& feature)> keep;
};

class Cql2Api : public ApiTest {
 protected:
  Cql2Api() : ApiTest(demo_template(/*with_friches=*/false, api_opportunities())) {}

  void SetUp() override { ApiTest::SetUp(); }

  json page(const std::string& target, const std::string& bearer) {
    auto r = get(target, bearer);
    EXPECT_EQ(r.status, 200) << target << "\n" << r.body;
    return r.status == 200 ? json::parse(r.body) : json::object({{"features", json::array()}});
  }

  std::set<std::string> ids(const json& collection) {
    std::set<std::string> out;
    for (const auto& f : collection["features"]) out.insert(f["id"].dump());
    return out;
  }

  std::set<std::string> filtered(const std::string& collection, const std::string& filter,
                                 const std::string& bearer, const std::string& lang = "") {
    return ids(page("/ogcapi/collections/" + collection + "/items?limit=10000&filter=" +
                        url_encode(filter) + (lang.empty() ? "" : "&filter-lang=" + lang),
                    bearer));
  }
};

TEST_F(Cql2Api, TwentyFiltersSelectWhatTheSameFilterSelectsClientSide) {
  auto p = [](const json& f) -> const Properties& { return f["properties"]; };
  const std::vector<Case> cases = {
      {"opportunities", "kind = 'commerce'",
       [&](const json& f) { return text_of(p(f), "kind") == "commerce"; }},
      {"opportunities", "kind <> 'commerce'",
       [&](const json& f) { return has(p(f), "kind") && text_of(p(f), "kind") != "commerce"; }},
      {"opportunities", "built_surface_m2 > 200",
       [&](const json& f) { return number(p(f), "built_surface_m2").value_or(-1) > 200; }},
      {"opportunities", "built_surface_m2 >= 100 AND built_surface_m2 <= 500",
       [&](const json& f) {
         auto s = number(p(f), "built_surface_m2");
         return s && *s >= 100 && *s <= 500;
       }},
      {"opportunities", "rent_eur_month < 1000 OR price_eur < 100000",
       [&](const json& f) {
         auto r = number(p(f), "rent_eur_month"), pr = number(p(f), "price_eur");
         return (r && *r < 1000) || (pr && *pr < 100000);
       }},
      {"opportunities", "NOT (kind = 'terrain')",
       [&](const json& f) { return has(p(f), "kind") && text_of(p(f), "kind") != "terrain"; }},
      {"opportunities", "title LIKE 'Local%'",
       [&](const json& f) { return text_of(p(f), "title").value_or("").starts_with("Local"); }},
      {"opportunities", "CASEI(title) LIKE '%atelier%'",
       [&](const json& f) {
         return lower_ascii(text_of(p(f), "title").value_or("")).find("atelier") !=
                std::string::npos;
       }},
      {"opportunities",
       "CASEI(ACCENTI(title)) LIKE '%ecole%' OR CASEI(ACCENTI(address)) LIKE '%hotel%'",
       [&](const json& f) {
         return text::fold(text_of(p(f), "title").value_or("")).find("ecole") !=
                    std::string::npos ||
                text::fold(text_of(p(f), "address").value_or("")).find("hotel") !=
                    std::string::npos;
       }},
      {"opportunities", "kind IN ('atelier', 'bureau', 'entrepôt')",
       [&](const json& f) {
         auto k = text_of(p(f), "kind").value_or("");
         return k == "atelier" || k == "bureau" || k == "entrepôt";
       }},
      {"opportunities", "kind NOT IN ('commerce', 'terrain') AND status = 'disponible'",
       [&](const json& f) {
         auto k = text_of(p(f), "kind");
         return k && *k != "commerce" && *k != "terrain" && text_of(p(f), "status") == "disponible";
       }},
      {"opportunities", "built_surface_m2 BETWEEN 50 AND 300",
       [&](const json& f) {
         auto s = number(p(f), "built_surface_m2");
         return s && *s >= 50 && *s <= 300;
       }},
      {"opportunities", "price_eur IS NULL",
       [&](const json& f) { return !has(p(f), "price_eur"); }},
      {"opportunities", "rent_eur_month IS NOT NULL AND visibility = 'réseau'",
       [&](const json& f) {
         return has(p(f), "rent_eur_month") && text_of(p(f), "visibility") == "réseau";
       }},
      {"opportunities", "available_from < DATE('2026-01-01')",
       [&](const json& f) {
         auto d = text_of(p(f), "available_from");
         return d && *d < "2026-01-01";
       }},
      {"opportunities", "S_INTERSECTS(geometry, BBOX(2.9, 50.5, 3.3, 50.8))",
       [&](const json& f) {
         auto [x, y] = lon_lat(f);
         return x >= 2.9 && x <= 3.3 && y >= 50.5 && y <= 50.8;
       }},
      {"opportunities", "S_INTERSECTS(POLYGON((1.5 49.0, 4.5 49.0, 1.5 51.5, 1.5 49.0)), geometry)",
       [&](const json& f) {
         // Below the line from (4.5, 49) to (1.5, 51.5), inside the box.
         auto [x, y] = lon_lat(f);
         return x >= 1.5 && y >= 49.0 && y - 49.0 <= (4.5 - x) * (2.5 / 3.0);
       }},
      {"opportunities", "owner_name IS NOT NULL AND NOT owner_name LIKE 'SCI%'",
       [&](const json& f) {
         auto o = text_of(p(f), "owner_name");
         return o && !o->starts_with("SCI");
       }},
      {"opportunities", "land_surface_m2 > built_surface_m2",
       [&](const json& f) {
         auto l = number(p(f), "land_surface_m2"), b = number(p(f), "built_surface_m2");
         return l && b && *l > *b;
       }},
      {"opportunities",
       "status = 'disponible' AND (kind = 'commerce' OR kind = 'atelier') AND NOT price_eur > "
       "100000",
       [&](const json& f) {
         auto k = text_of(p(f), "kind");
         auto pr = number(p(f), "price_eur");
         return text_of(p(f), "status") == "disponible" && (k == "commerce" || k == "atelier") &&
                pr && !(*pr > 100000);
       }},
      {"needs", "surface_min_m2 >= 200 AND status = 'active'",
       [&](const json& f) {
         return number(p(f), "surface_min_m2").value_or(-1) >= 200 &&
                text_of(p(f), "status") == "active";
       }},
      {"territories", "level = 'commune' AND code LIKE '59%'",
       [&](const json& f) {
         return text_of(p(f), "level") == "commune" &&
                text_of(p(f), "code").value_or("").starts_with("59");
       }},
      {"places", "circle IS NOT NULL AND name LIKE '%a%'",
       [&](const json& f) {
         return has(p(f), "circle") &&
                text_of(p(f), "name").value_or("").find('a') != std::string::npos;
       }},
  };
  std::map<std::string, json> all;
  for (const char* c : {"opportunities", "needs", "territories", "places"}) {
    all[c] = page(std::string("/ogcapi/collections/") + c + "/items?limit=10000", foundation_);
  }
  ASSERT_GT(all["opportunities"]["features"].size(), 200u);
  for (const auto& c : cases) {
    std::set<std::string> expected;
    for (const auto& f : all[c.collection]["features"]) {
      if (c.keep(f)) expected.insert(f["id"].dump());
    }
    EXPECT_EQ(filtered(c.collection, c.filter, foundation_), expected) << c.filter;
    // Each filter means something on these data: it keeps some, not all.
    EXPECT_TRUE(!expected.empty() && expected.size() < all[c.collection]["features"].size())
        << c.filter << " keeps " << expected.size();
  }
}

TEST_F(Cql2Api, TextAndJsonEncodingsAgree) {
  const std::pair<const char*, const char*> same[] = {
      {"kind = 'commerce' AND rent_eur_month < 900",
       R"({"op":"and","args":[{"op":"=","args":[{"property":"kind"},"commerce"]},)"
       R"({"op":"<","args":[{"property":"rent_eur_month"},900]}]})"},
      {"CASEI(title) LIKE '%local%' OR kind IN ('bureau', 'logement')",
       R"({"op":"or","args":[{"op":"like","args":[{"casei":{"property":"title"}},"%local%"]},)"
       R"({"op":"in","args":[{"property":"kind"},["bureau","logement"]]}]})"},
      {"S_INTERSECTS(geometry, POLYGON((2.9 50.5, 3.3 50.5, 3.3 50.8, 2.9 50.8, 2.9 50.5))) AND "
       "price_eur IS NULL",
       R"({"op":"and","args":[{"op":"s_intersects","args":[{"property":"geometry"},)"
       R"({"type":"Polygon","coordinates":[[[2.9,50.5],[3.3,50.5],[3.3,50.8],[2.9,50.8],)"
       R"([2.9,50.5]]]}]},{"op":"isNull","args":[{"property":"price_eur"}]}]})"},
      {"built_surface_m2 BETWEEN 100 AND 1000 AND available_from >= DATE('2025-01-01')",
       R"({"op":"and","args":[{"op":"between","args":[{"property":"built_surface_m2"},100,1000]},)"
       R"({"op":">=","args":[{"property":"available_from"},{"date":"2025-01-01"}]}]})"},
  };
  for (const auto& [text_filter, json_filter] : same) {
    auto a = filtered("opportunities", text_filter, member_);
    EXPECT_FALSE(a.empty()) << text_filter;
    EXPECT_EQ(a, filtered("opportunities", json_filter, member_, "cql2-json")) << text_filter;
  }
}

TEST_F(ApiTest, AConfidentialFieldIsNoFilterSortKeyOrPropertyForARoleThatMayNotReadIt) {
  auto detail = [&](const std::string& target, const std::string& bearer) {
    auto r = get(target, bearer);
    EXPECT_EQ(r.status, 400) << target << "\n" << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
    return r.status == 400 ? json::parse(r.body) : json::object();
  };
  const std::string items = "/ogcapi/collections/opportunities/items?";
  auto hidden = detail(items + "filter=" + url_encode("owner_name = 'Commune de Lille'"), member_);
  auto unknown = detail(items + "filter=" + url_encode("owner_nam = 'Commune de Lille'"), member_);
  EXPECT_EQ(hidden["detail"], "filtre CQL2 : propriété inconnue ou non lisible : owner_name");
  EXPECT_EQ(hidden["field"], "filter");
  EXPECT_EQ(unknown["detail"], "filtre CQL2 : propriété inconnue ou non lisible : owner_nam");
  // In a longer filter, as JSON, for the public, for a need's contact.
  EXPECT_EQ(detail(items + "filter-lang=cql2-json&filter=" +
                       url_encode(R"({"op":"isNull","args":[{"property":"notes"}]})"),
                   "")["detail"],
            "filtre CQL2 : propriété inconnue ou non lisible : notes");
  EXPECT_EQ(detail("/ogcapi/collections/needs/items?filter=" +
                       url_encode("status = 'active' AND contact LIKE '%06%'"),
                   member_)["detail"],
            "filtre CQL2 : propriété inconnue ou non lisible : contact");
  EXPECT_EQ(detail(items + "sortby=-owner_contact", member_)["detail"],
            "sortby : propriété inconnue ou non lisible : owner_contact");
  EXPECT_EQ(detail(items + "properties=title,owner_name", member_)["detail"],
            "properties : propriété inconnue ou non lisible : owner_name");
  EXPECT_EQ(detail(items + "properties=title,owner_nam", member_)["detail"],
            "properties : propriété inconnue ou non lisible : owner_nam");

  // A foundation reads them, so it filters on them.
  auto r = get(items + "filter=" + url_encode("owner_name = 'Commune de Lille'"), foundation_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  ASSERT_EQ(j["features"].size(), 1u);
  EXPECT_EQ(j["features"][0]["properties"]["external_id"], "T-1");
  EXPECT_EQ(
      get("/ogcapi/collections/needs/items?filter=" + url_encode("contact IS NULL"), foundation_)
          .status,
      200);
  // Typed: a number is not compared with text, and the refusal names it.
  auto typed = detail(items + "filter=" + url_encode("price_eur = 'cher'"), foundation_);
  EXPECT_NE(typed["detail"].get<std::string>().find("price_eur"), std::string::npos);
  auto syntax = detail(items + "filter=" + url_encode("kind = 'x' AND (title = 'y'"), member_);
  EXPECT_EQ(syntax["detail"], "filtre CQL2 : « ) » attendu à la position 28 (fin du filtre)");
  // Tiles and exports take no filter.
  EXPECT_EQ(get("/tiles/opportunities/9/260/172.mvt?filter=" + url_encode("kind = 'x'")).status,
            400);
}

TEST_F(Cql2Api, SortbyOrdersAcrossPagesAndTheNextLinkKeepsItAndTheFilter) {
  const std::string filter = "kind IN ('commerce', 'atelier', 'terrain', 'bâtiment mixte')";
  auto all =
      page("/ogcapi/collections/opportunities/items?limit=10000&filter=" + url_encode(filter),
           member_)["features"];
  ASSERT_GT(all.size(), 30u);
  // -built_surface_m2 (missing ones last), then title, then the id.
  std::vector<json> expected(all.begin(), all.end());
  std::stable_sort(expected.begin(), expected.end(), [](const json& a, const json& b) {
    auto sa = number(a["properties"], "built_surface_m2");
    auto sb = number(b["properties"], "built_surface_m2");
    if (sa.has_value() != sb.has_value()) return sa.has_value();
    if (sa && *sa != *sb) return *sa > *sb;
    auto ta = text_of(a["properties"], "title").value_or("");
    auto tb = text_of(b["properties"], "title").value_or("");
    if (ta != tb) return ta < tb;
    return a["id"].get<long long>() < b["id"].get<long long>();
  });
  const std::size_t half = all.size() / 2 + 1;
  auto first = page(
      "/ogcapi/collections/opportunities/items?sortby=-built_surface_m2,%2Btitle&"
      "limit=" +
          std::to_string(half) + "&filter=" + url_encode(filter),
      member_);
  std::string next;
  for (const auto& l : first["links"]) {
    if (l["rel"] == "next") next = l["href"].get<std::string>();
  }
  ASSERT_FALSE(next.empty()) << first["links"].dump();
  next = next.substr(next.find("/ogcapi"));
  EXPECT_NE(next.find("sortby="), std::string::npos) << next;
  EXPECT_NE(next.find("filter="), std::string::npos) << next;
  auto second = page(next, member_);
  std::vector<json> got;
  for (const auto* p : {&first, &second}) {
    for (const auto& f : (*p)["features"]) got.push_back(f["id"]);
  }
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i], expected[i]["id"]) << "at " << i;
  }
  // properties and skipGeometry: only what was asked.
  auto slim = page(
      "/ogcapi/collections/opportunities/items?limit=5&properties=title,kind&"
      "skipGeometry=true",
      member_);
  ASSERT_EQ(slim["features"].size(), 5u);
  for (const auto& f : slim["features"]) {
    EXPECT_TRUE(f["geometry"].is_null());
    EXPECT_EQ(f["properties"].size(), 2u) << f.dump();
    EXPECT_TRUE(f["properties"].contains("title") && f["properties"].contains("kind"));
  }
  EXPECT_EQ(get("/ogcapi/collections/opportunities/items?sortby=tenures", member_).status, 400);
  EXPECT_EQ(get("/ogcapi/collections/opportunities/items?skipGeometry=oui", member_).status, 400);
}

// maxAllowableOffset: the same features, their outlines simplified within
// the distance, in the response CRS's units; refused below 0 and by tiles.
TEST_F(Cql2Api, MaxAllowableOffsetSimplifiesOutlinesAndKeepsTheFeatures) {
  // Every position of a GeoJSON geometry, whatever its nesting.
  std::function<std::size_t(const json&)> positions = [&](const json& coordinates) -> std::size_t {
    if (coordinates.is_array() && !coordinates.empty() && coordinates[0].is_number()) return 1;
    std::size_t n = 0;
    for (const auto& c : coordinates) n += positions(c);
    return n;
  };
  const std::string items = "/ogcapi/collections/territories/items?level=commune&limit=200";
  for (const auto& [crs, offset] : std::vector<std::pair<std::string, std::string>>{
           {"", "0.005"}, {"&crs=http://www.opengis.net/def/crs/EPSG/0/2154", "400"}}) {
    auto full = page(items + crs, member_);
    auto simple = page(items + crs + "&maxAllowableOffset=" + offset, member_);
    ASSERT_GT(full["features"].size(), 10u);
    ASSERT_EQ(simple["features"].size(), full["features"].size()) << crs;
    std::size_t before = 0, after = 0;
    for (std::size_t i = 0; i < full["features"].size(); ++i) {
      const auto& f = full["features"][i];
      const auto& g = simple["features"][i];
      EXPECT_EQ(g["id"], f["id"]);
      EXPECT_EQ(g["properties"], f["properties"]);
      EXPECT_EQ(g["geometry"]["type"], f["geometry"]["type"]);
      std::size_t a = positions(f["geometry"]["coordinates"]);
      std::size_t b = positions(g["geometry"]["coordinates"]);
      EXPECT_LE(b, a) << f["id"];
      EXPECT_GE(b, 4u) << f["id"];  // still a polygon
      before += a;
      after += b;
    }
    // Communes drawn to the metre hold far more vertices than 400 m keep.
    EXPECT_LT(after * 3, before) << crs << ": " << before << " -> " << after;
  }
  // Points are left as they are.
  auto points = page("/ogcapi/collections/opportunities/items?limit=20", member_);
  auto same =
      page("/ogcapi/collections/opportunities/items?limit=20&maxAllowableOffset=1", member_);
  EXPECT_EQ(same["features"], points["features"]);
  for (const char* bad : {"-1", "10001", "abc", "nan"}) {
    auto r = get(std::string("/ogcapi/collections/territories/items?maxAllowableOffset=") + bad,
                 member_);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_NE(r.body.find("maxAllowableOffset"), std::string::npos) << r.body;
  }
  EXPECT_EQ(get("/tiles/territories/8/130/86.mvt?maxAllowableOffset=0.01", member_).status, 400);
}

// The needs' tiles: a need of its own area is a feature of its own; the
// needs whose area is a whole territory are one feature per territory, with
// how many they are, the territory's slug and no collective's name. Over
// the region (one tile at zoom 4) the counts add up to every need a role
// reads, and a territory's list (the page's CQL2 filter) holds its count.
TEST_F(Cql2Api, NeedsTilesDrawATerritorysNeedsOnceWithTheirCount) {
  const long long needs = count("SELECT count(*) FROM needs");
  const long long shared = count(
      "SELECT count(*) FROM needs WHERE search_polygon IS NULL AND search_territory_id IS NOT "
      "NULL");
  const long long territories =
      count("SELECT count(DISTINCT search_territory_id) FROM needs WHERE search_polygon IS NULL");
  ASSERT_GT(shared, territories) << "the demo has territories with several needs";
  for (const std::string& bearer : {std::string(), member_, foundation_}) {
    auto r = get("/tiles/needs/4/8/5.mvt", bearer);
    ASSERT_EQ(r.status, 200);
    auto features = read_mvt_layer(r.body, "needs");
    long long total = 0, groups = 0;
    for (const auto& f : features) {
      long long n = static_cast<long long>(f.number("count"));
      total += n;
      if (f.text("territory").empty()) {
        EXPECT_EQ(n, 1) << f.number("id");
        EXPECT_FALSE(f.text("collective_name").empty());
        continue;
      }
      ++groups;
      const std::string slug = f.text("territory");
      EXPECT_EQ(n, count("SELECT count(*) FROM needs n JOIN territories t ON t.id = "
                         "n.search_territory_id WHERE n.search_polygon IS NULL AND t.slug = '" +
                         slug + "'"))
          << slug;
      if (n > 1) {
        EXPECT_FALSE(f.has("collective_name")) << slug;
      }
      auto list = page("/ogcapi/collections/needs/items?limit=1000&skipGeometry=true&filter=" +
                           url_encode("territory = '" + slug + "'"),
                       bearer);
      EXPECT_EQ(static_cast<long long>(list["features"].size()), n) << slug;
    }
    EXPECT_EQ(total, needs);
    EXPECT_EQ(groups, territories);
    EXPECT_EQ(static_cast<long long>(features.size()), needs - shared + territories);
    // One label point per feature, with its name or its count.
    auto labels = read_mvt_layer(r.body, "need_labels");
    ASSERT_EQ(labels.size(), features.size());
    for (const auto& l : labels) {
      EXPECT_TRUE(l.number("count") > 1 || !l.text("collective_name").empty()) << l.number("id");
    }
  }
}

// A commune's name is one point, in one tile, however many tiles its outline
// crosses (the page labels communes from territory_labels); the TileJSON
// lists the labels' layer.
TEST_F(Cql2Api, TerritoriesTilesLabelEachCommuneOnce) {
  constexpr int z = 12;
  // The z12 tiles Lens's outline reaches (40,075,016.69 m: the world's width).
  auto box = [&](const char* edge) {
    return std::stod(value(std::string("SELECT ") + edge +
                           "(ST_Transform(geom, 3857)) FROM territories WHERE level = 'commune' "
                           "AND name = 'Lens'"));
  };
  const double half = 20037508.342789244, side = 2 * half / (1 << z);
  const int x0 = static_cast<int>((box("ST_XMin") + half) / side),
            x1 = static_cast<int>((box("ST_XMax") + half) / side),
            y0 = static_cast<int>((half - box("ST_YMax")) / side),
            y1 = static_cast<int>((half - box("ST_YMin")) / side);
  int outlines = 0, labels = 0;
  for (int x = x0; x <= x1; ++x) {
    for (int y = y0; y <= y1; ++y) {
      auto r = get(fmt::format("/tiles/territories/{}/{}/{}.mvt?level=commune", z, x, y));
      ASSERT_EQ(r.status, 200) << x << "/" << y;
      for (const auto& f : read_mvt_layer(r.body, "territories"))
        outlines += f.text("name") == "Lens";
      for (const auto& f : read_mvt_layer(r.body, "territory_labels")) {
        labels += f.text("name") == "Lens";
        EXPECT_EQ(f.text("level"), "commune");
        EXPECT_FALSE(f.text("id").empty());
      }
    }
  }
  EXPECT_GT(outlines, 1) << "Lens crosses several tiles at zoom " << z;
  EXPECT_EQ(labels, 1);
  auto tilejson = json::parse(get("/tiles/territories.json").body);
  ASSERT_EQ(tilejson["vector_layers"].size(), 2u);
  EXPECT_EQ(tilejson["vector_layers"][1]["id"], "territory_labels");
  EXPECT_EQ(json::parse(get("/tiles/needs.json").body)["vector_layers"][1]["id"], "need_labels");
}

TEST_F(ApiTest, QueryablesAndSchemaListWhatTheRoleReadsWithTypesAndLabels) {
  auto get_schema = [&](const std::string& target, const std::string& bearer) {
    auto r = get(target, bearer);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/schema+json");
    return json::parse(r.body);
  };
  auto q = get_schema("/ogcapi/collections/opportunities/queryables", member_);
  EXPECT_EQ(q["$schema"], "https://json-schema.org/draft/2020-12/schema");
  const auto& props = q["properties"];
  EXPECT_EQ(props["price_eur"]["type"], "number");
  EXPECT_EQ(props["price_eur"]["title"], "Prix (€)");
  EXPECT_EQ(props["duplicate_of"]["type"], "integer");
  EXPECT_EQ(props["available_from"]["format"], "date");
  EXPECT_EQ(props["to_reverify"]["type"], "boolean");
  EXPECT_EQ(props["tenures"]["items"]["enum"].size(), 6u) << props["tenures"].dump();
  EXPECT_NE(std::find(props["kind"]["enum"].begin(), props["kind"]["enum"].end(), "commerce"),
            props["kind"]["enum"].end());
  EXPECT_EQ(props["geometry"]["x-ogc-role"], "primary-geometry");
  for (const char* hidden : {"owner_name", "owner_contact", "notes"}) {
    EXPECT_FALSE(props.contains(hidden)) << hidden;
  }
  auto f = get_schema("/ogcapi/collections/opportunities/queryables", foundation_);
  EXPECT_TRUE(f["properties"].contains("owner_name"));
  auto needs = get_schema("/ogcapi/collections/needs/queryables", "");
  EXPECT_FALSE(needs["properties"].contains("contact"));
  EXPECT_FALSE(needs["properties"].contains("notes"));

  auto s = get_schema("/ogcapi/collections/opportunities/schema", member_);
  EXPECT_EQ(s["properties"]["properties"]["properties"]["rent_eur_month"]["type"], "number");
  EXPECT_FALSE(s["properties"]["properties"]["properties"].contains("owner_name"));
  EXPECT_TRUE(get_schema("/ogcapi/collections/opportunities/schema",
                         foundation_)["properties"]["properties"]["properties"]
                  .contains("owner_name"));

  // Linked from the collection; declared in /conformance.
  auto c = json::parse(get("/ogcapi/collections/opportunities").body);
  std::set<std::string> rels;
  for (const auto& l : c["links"]) rels.insert(l["rel"].get<std::string>());
  EXPECT_TRUE(rels.count("http://www.opengis.net/def/rel/ogc/1.0/queryables"));
  EXPECT_TRUE(rels.count("describedby"));
  auto conformance = get("/ogcapi/conformance").body;
  for (const char* uri : {"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
                          "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
                          "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
                          "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
                          "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions"}) {
    EXPECT_NE(conformance.find(uri), std::string::npos) << uri;
  }
}

// GDAL's OAPIF driver reads the collection's schema: numbers are numbers,
// dates dates, and every collection still opens.
TEST_F(ApiTest, GdalOapifTypesTheFieldsFromTheSchema) {
  std::string url = "OAPIF:http://127.0.0.1:" + std::to_string(port_) + "/ogcapi";
  auto info = run_command("ogrinfo -ro -so " + url + " opportunities");
  for (const char* field :
       {"price_eur: Real", "rent_eur_month: Real", "built_surface_m2: Real",
        "land_surface_m2: Real", "duplicate_of: Integer", "available_from: Date",
        "tenures: StringList", "to_reverify: Integer(Boolean)", "title: String"}) {
    EXPECT_NE(info.find(field), std::string::npos) << field << "\n" << info;
  }
  EXPECT_EQ(info.find("owner_name"), std::string::npos) << "the public's schema";
  auto territories = run_command("ogrinfo -ro -so " + url + " territories");
  EXPECT_NE(territories.find("population: Integer"), std::string::npos) << territories;
  auto needs = run_command("ogrinfo -ro -so " + url + " needs");
  EXPECT_NE(needs.find("surface_min_m2: Real"), std::string::npos) << needs;
}

}  // namespace
}  // namespace terrier::test
