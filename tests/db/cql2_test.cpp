// CQL2 filters (db/cql2) and their SQL (db/cql2_sql), without a database:
// the grammar and its precedence, the refusals and their positions, the two
// encodings giving one tree, every value a parameter, and the properties a
// role may not read refused with the words of an unknown one.

#include "db/cql2.hpp"

#include <gtest/gtest.h>

#include "db/cql2_sql.hpp"

namespace terrier::db::cql2 {
namespace {

using feature_sql::Sql;
using feature_sql::Where;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// The SQL of a filter for a role, with its parameters; the refusal's text
// when it has none.
struct Translated {
  std::string sql;
  std::vector<std::string> params;
  std::string refusal;
};

Translated translate(const Parsed& parsed, Collection c = Collection::opportunities,
                     Role role = Role::foundation) {
  Translated out;
  if (!parsed.filter) {
    out.refusal = parsed.error;
    return out;
  }
  Sql s = feature_sql::sql_for(c, role);
  Where w;
  try {
    out.sql = condition(*parsed.filter, s, w);
    out.params = w.params();
  } catch (const Untranslatable& e) {
    out.refusal = e.what();
  }
  return out;
}

Translated text(const std::string& filter, Collection c = Collection::opportunities,
                Role role = Role::foundation) {
  return translate(parse_text(filter), c, role);
}

Translated json_filter(const std::string& filter, Collection c = Collection::opportunities,
                       Role role = Role::foundation) {
  return translate(parse_json(filter), c, role);
}

TEST(Cql2Text, AndBindsTighterThanOrAndNotTighterThanAnd) {
  auto t = text("price_eur > 100 OR kind = 'bâtiment' AND NOT status = 'vendu'");
  EXPECT_EQ(t.sql,
            "(((o.price_eur) > $1::numeric) OR (((o.kind)::text = $2::text) AND (NOT "
            "((o.status)::text = $3::text))))");
  EXPECT_EQ(t.params, (std::vector<std::string>{"100", "bâtiment", "vendu"}));
  auto grouped = text("(price_eur > 100 OR kind = 'bâtiment') AND NOT status = 'vendu'");
  EXPECT_EQ(grouped.sql,
            "((((o.price_eur) > $1::numeric) OR ((o.kind)::text = $2::text)) AND (NOT "
            "((o.status)::text = $3::text)))");
}

TEST(Cql2Text, KeywordsIgnoreCaseAndEveryPredicateTranslates) {
  auto t = text(
      "title like 'Atelier%' and kind in ('atelier', 'local') and built_surface_m2 between 50 "
      "and 500 and rent_eur_month is not null and owner_name is null and "
      "casei(address) like '%lille%' and accenti(title) = 'Ecole' and available_from >= "
      "DATE('2024-01-31') and to_reverify = false and s_intersects(geometry, "
      "bbox(2.9, 50.5, 3.2, 50.7)) and title not like '%x%' and kind not in ('terrain')");
  ASSERT_TRUE(t.refusal.empty()) << t.refusal;
  for (const char* part :
       {"((o.title)::text LIKE $1::text)", "((o.kind)::text IN ($2::text, $3::text))",
        "((o.built_surface_m2) BETWEEN $4::numeric AND $5::numeric)",
        "(NOT ((o.rent_eur_month) IS NULL))", "((p.owner_name)::text IS NULL)",
        "(lower((o.address)::text) LIKE $6::text)",
        "(public.unaccent('public.unaccent'::regdictionary, (o.title)::text) = $7::text)",
        "((o.available_from) >= $8::date)", " = FALSE)",
        "ST_Intersects(o.geom, (SELECT ST_MakeValid(ST_GeomFromText($9::text, 4326))))",
        "(NOT ((o.title)::text LIKE $10::text))", "(NOT ((o.kind)::text IN ($11::text)))"}) {
    EXPECT_TRUE(contains(t.sql, part)) << part << "\n" << t.sql;
  }
  EXPECT_EQ(t.params.at(8), "POLYGON((2.9 50.5, 3.2 50.5, 3.2 50.7, 2.9 50.7, 2.9 50.5))");
}

// Nothing the client writes reaches the statement's text: quotes, comments
// and semicolons stay in the parameters.
TEST(Cql2Sql, EveryValueIsAParameter) {
  auto t = text("title = 'x'' OR 1=1; DROP TABLE opportunities; --' OR \"title\" LIKE '%'");
  ASSERT_TRUE(t.refusal.empty()) << t.refusal;
  EXPECT_EQ(t.sql, "(((o.title)::text = $1::text) OR ((o.title)::text LIKE $2::text))");
  EXPECT_EQ(t.params.at(0), "x' OR 1=1; DROP TABLE opportunities; --");
  auto polygon = text("S_INTERSECTS(POLYGON((3 50, 3.1 50, 3.1 50.1, 3 50)), geometry)");
  EXPECT_EQ(polygon.params, (std::vector<std::string>{"POLYGON((3 50, 3.1 50, 3.1 50.1, 3 50))"}));
}

TEST(Cql2Json, GivesTheSameSqlAsTheTextEncoding) {
  const std::pair<const char*, const char*> same[] = {
      {"price_eur > 100 AND kind = 'bâtiment'",
       R"({"op":"and","args":[{"op":">","args":[{"property":"price_eur"},100]},)"
       R"({"op":"=","args":[{"property":"kind"},"bâtiment"]}]})"},
      {"title LIKE 'Ate%' OR kind IN ('atelier', 'local')",
       R"({"op":"or","args":[{"op":"like","args":[{"property":"title"},"Ate%"]},)"
       R"({"op":"in","args":[{"property":"kind"},["atelier","local"]]}]})"},
      {"NOT built_surface_m2 BETWEEN 10 AND 20",
       R"({"op":"not","args":[{"op":"between","args":[{"property":"built_surface_m2"},10,20]}]})"},
      {"CASEI(title) = CASEI('x') AND available_from < DATE('2025-01-01')",
       R"({"op":"and","args":[{"op":"=","args":[{"casei":{"property":"title"}},{"casei":"x"}]},)"
       R"({"op":"<","args":[{"property":"available_from"},{"date":"2025-01-01"}]}]})"},
      {"S_INTERSECTS(geometry, POINT(3.06 50.63)) AND owner_name IS NULL",
       R"({"op":"and","args":[{"op":"s_intersects","args":[{"property":"geometry"},)"
       R"({"type":"Point","coordinates":[3.06,50.63]}]},)"
       R"({"op":"isNull","args":[{"property":"owner_name"}]}]})"},
  };
  for (const auto& [cql_text, cql_json] : same) {
    auto a = text(cql_text), b = json_filter(cql_json);
    EXPECT_TRUE(a.refusal.empty() && b.refusal.empty()) << a.refusal << b.refusal;
    EXPECT_EQ(a.sql, b.sql) << cql_text;
    EXPECT_EQ(a.params, b.params) << cql_text;
  }
}

TEST(Cql2Text, RefusalsNameTheTokenAndItsPosition) {
  EXPECT_EQ(text("kind = 'x' AND (title = 'y'").refusal,
            "filtre CQL2 : « ) » attendu à la position 28 (fin du filtre)");
  EXPECT_EQ(text("kind = = 'x'").refusal,
            "filtre CQL2 : un nom de propriété ou une valeur attendu à la position 8, pas « = »");
  EXPECT_EQ(text("kind != 'x'").refusal, "filtre CQL2 : caractère « ! » inattendu à la position 6");
  EXPECT_EQ(text("title = 'abc").refusal,
            "filtre CQL2 : chaîne non terminé(e) : ' manquant pour celui de la position 9");
  EXPECT_EQ(text("kind = 'x' kind").refusal,
            "filtre CQL2 : « kind » inattendu(e) à la position 12");
  EXPECT_EQ(text("é = 1").refusal, "filtre CQL2 : caractère « é » inattendu à la position 1");
  EXPECT_TRUE(contains(text("available_from > DATE('2024-02-30')").refusal, "date « 2024-02-30 »"));
  EXPECT_TRUE(contains(text("available_from > TIMESTAMP('2024-02-01T10:00:00+23:00')").refusal,
                       "horodatage"));
  EXPECT_TRUE(text("available_from > TIMESTAMP('2024-02-01T10:00:00.5-05:30')").refusal.empty());
  EXPECT_TRUE(
      contains(text("S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1)))").refusal, "se referme"));
  EXPECT_TRUE(contains(text("S_INTERSECTS(geometry, BBOX(3, 50, 2, 51))").refusal, "BBOX"));
  EXPECT_TRUE(contains(text("price_eur > 1e400").refusal, "nombre « 1e400 » invalide"));
  EXPECT_TRUE(contains(text("FOO(title) = 'x'").refusal, "fonction ou géométrie inconnue « FOO »"));
  EXPECT_EQ(text("").refusal, "filtre CQL2 : filtre vide");
}

TEST(Cql2Json, RefusalsSayWhatIsWrong) {
  EXPECT_TRUE(contains(json_filter("{").refusal, "ce n'est pas du JSON"));
  EXPECT_TRUE(contains(json_filter(R"({"op":"xor","args":[true,false]})").refusal,
                       "opérateur inconnu « xor »"));
  EXPECT_TRUE(contains(json_filter(R"({"op":"=","args":[{"property":"kind"}]})").refusal,
                       "prend 2 argument(s), pas 1"));
  EXPECT_TRUE(contains(json_filter(R"({"op":"=","args":[{"property":"kind"},null]})").refusal,
                       "null n'est pas une valeur"));
  EXPECT_TRUE(contains(json_filter(R"({"op":"=","args":[{"property":"kind"},"a\u0000b"]})").refusal,
                       "octet nul"));
}

// A filter cannot probe a field the role may not read: the refusal is the
// one of a property that does not exist.
TEST(Cql2Sql, AnUnreadablePropertyIsRefusedLikeAnUnknownOne) {
  auto member = text("owner_name = 'Commune de Lille'", Collection::opportunities, Role::member);
  auto unknown = text("owner_nam = 'Commune de Lille'", Collection::opportunities, Role::member);
  EXPECT_EQ(member.refusal, "propriété inconnue ou non lisible : owner_name");
  EXPECT_EQ(unknown.refusal, "propriété inconnue ou non lisible : owner_nam");
  EXPECT_EQ(text("contact IS NULL", Collection::needs, Role::member).refusal,
            "propriété inconnue ou non lisible : contact");
  EXPECT_EQ(text("notes LIKE '%x%'", Collection::needs, Role::anonymous).refusal,
            "propriété inconnue ou non lisible : notes");
  EXPECT_TRUE(text("contact IS NULL", Collection::needs, Role::foundation).refusal.empty());
}

TEST(Cql2Sql, TypesMustAgree) {
  EXPECT_EQ(text("price_eur = 'abc'").refusal,
            "price_eur est un(e) nombre et ne se compare pas à 'abc', un(e) texte (position 11)");
  EXPECT_TRUE(contains(text("title > 3").refusal, "title est un(e) texte"));
  EXPECT_TRUE(contains(text("available_from = '2024-01-01'").refusal, "available_from"));
  EXPECT_TRUE(contains(text("tenures = 'location'").refusal, "tenures est un(e) liste"));
  EXPECT_TRUE(contains(text("price_eur LIKE '1%'").refusal, "LIKE prend du texte"));
  EXPECT_TRUE(contains(text("title").refusal, "title n'est pas une condition"));
  EXPECT_TRUE(contains(text("S_INTERSECTS(title, POINT(3 50))").refusal, "S_INTERSECTS"));
  EXPECT_TRUE(contains(text("to_reverify > true").refusal, "seuls = et <>"));
  EXPECT_TRUE(text("to_reverify").refusal.empty());
  EXPECT_TRUE(text("land_surface_m2 > built_surface_m2").refusal.empty());
  EXPECT_TRUE(text("population > 1000", Collection::territories).refusal.empty());
}

TEST(Cql2Text, DepthAndValuesAreBounded) {
  std::string deep =
      std::string(kMaxDepth + 1, '(') + "kind = 'x'" + std::string(kMaxDepth + 1, ')');
  EXPECT_TRUE(contains(text(deep).refusal, "imbriqué"));
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "NOT ";
  EXPECT_TRUE(contains(text(nots + "kind = 'x'").refusal, "plus de"));
  std::string many = "kind IN ('a'";
  for (std::size_t i = 0; i < kMaxValues; ++i) many += ", 'a'";
  EXPECT_TRUE(contains(text(many + ")").refusal, "plus de 2000 valeurs"));
  std::string shallow = std::string(10, '(') + "kind = 'x'" + std::string(10, ')');
  EXPECT_TRUE(text(shallow).refusal.empty());
}

TEST(Cql2Sql, SortOrderEndsWithTheIdAndRefusesListsAndUnreadableFields) {
  Sql s = feature_sql::sql_for(Collection::opportunities, Role::member);
  EXPECT_EQ(sort_order({{"built_surface_m2", true}, {"title", false}}, s),
            "(o.built_surface_m2) DESC NULLS LAST, (o.title) ASC NULLS LAST, o.id");
  EXPECT_THROW((void)sort_order({{"owner_name", false}}, s), Untranslatable);
  EXPECT_THROW((void)sort_order({{"tenures", false}}, s), Untranslatable);
}

}  // namespace
}  // namespace terrier::db::cql2
