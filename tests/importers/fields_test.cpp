#include "importers/fields.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace terrier::importers {
namespace {

using Strings = std::vector<std::string>;

struct NumberCase {
  const char* text;
  double value;
};

class ParseNumberAccepts : public testing::TestWithParam<NumberCase> {};

TEST_P(ParseNumberAccepts, FrenchAndEnglishNotations) {
  Parsed<double> parsed = parse_number(GetParam().text);
  ASSERT_TRUE(parsed.ok()) << french(parsed.error);
  ASSERT_TRUE(parsed.value.has_value());
  EXPECT_DOUBLE_EQ(*parsed.value, GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, ParseNumberAccepts,
    testing::Values(NumberCase{"1 250,5", 1250.5}, NumberCase{"1\u00a0250,5", 1250.5},
                    NumberCase{"1\u202f250", 1250}, NumberCase{"1.250,5", 1250.5},
                    NumberCase{"1,250.5", 1250.5}, NumberCase{"1250.5", 1250.5},
                    NumberCase{"185 000 €", 185000}, NumberCase{"420 m²", 420},
                    NumberCase{"420m2", 420}, NumberCase{"12 500 EUR", 12500},
                    NumberCase{"650 €/mois", 650}, NumberCase{"-120", -120},
                    NumberCase{"-3,5", -3.5}, NumberCase{"+7", 7}, NumberCase{"1,250,000", 1250000},
                    NumberCase{"1.250.000", 1250000}, NumberCase{"1 250 000,75", 1250000.75},
                    NumberCase{"  42  ", 42}, NumberCase{"0,5", 0.5}));

struct RejectedCase {
  const char* text;
  const char* error;
};

class ParseNumberRejects : public testing::TestWithParam<RejectedCase> {};

TEST_P(ParseNumberRejects, TextNonFiniteAndHugeValues) {
  Parsed<double> parsed = parse_number(GetParam().text);
  EXPECT_FALSE(parsed.value.has_value());
  EXPECT_EQ(french(parsed.error), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, ParseNumberRejects,
    testing::Values(RejectedCase{"à négocier", "« à négocier » n\'est pas un nombre"},
                    RejectedCase{"nan", "« nan » n\'est pas un nombre"},
                    RejectedCase{"inf", "« inf » n\'est pas un nombre"},
                    RejectedCase{"-inf", "« -inf » n\'est pas un nombre"},
                    RejectedCase{"1e308", "« 1e308 » n\'est pas un nombre"},
                    RejectedCase{"12,5,3", "« 12,5,3 » n\'est pas un nombre"},
                    RejectedCase{"1.25,5", "« 1.25,5 » n\'est pas un nombre"},
                    RejectedCase{"12 5", "« 12 5 » n\'est pas un nombre"},
                    RejectedCase{"€", "« € » n\'est pas un nombre"},
                    RejectedCase{"1000000000000000", "« 1000000000000000 » est trop grand"},
                    RejectedCase{"-2 000 000 000 000 000",
                                 "« -2 000 000 000 000 000 » est trop grand"}));

TEST(ParseNumber, EmptyOrBlankIsEmptyWithoutError) {
  for (const char* text : {"", "   ", "\u00a0"}) {
    Parsed<double> parsed = parse_number(text);
    EXPECT_TRUE(parsed.ok());
    EXPECT_FALSE(parsed.value.has_value());
  }
}

struct DateCase {
  const char* text;
  const char* iso;
};

class ParseDateAccepts : public testing::TestWithParam<DateCase> {};

TEST_P(ParseDateAccepts, DayMonthYearAndIsoForms) {
  Parsed<Date> parsed = parse_date(GetParam().text);
  ASSERT_TRUE(parsed.ok()) << french(parsed.error);
  ASSERT_TRUE(parsed.value.has_value());
  EXPECT_EQ(parsed.value->iso(), GetParam().iso);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, ParseDateAccepts,
    testing::Values(DateCase{"12/03/2025", "2025-03-12"}, DateCase{"1/3/2025", "2025-03-01"},
                    DateCase{"12/03/25", "2025-03-12"}, DateCase{"12-03-2025", "2025-03-12"},
                    DateCase{"12.03.2025", "2025-03-12"}, DateCase{"2025-03-12", "2025-03-12"},
                    DateCase{"2025-03-12T10:00:00", "2025-03-12"},
                    DateCase{"12/03/2025 00:00:00", "2025-03-12"},
                    DateCase{"29/02/2024", "2024-02-29"}, DateCase{"29/02/2000", "2000-02-29"},
                    DateCase{" 31/12/2030 ", "2030-12-31"}));

class ParseDateRejects : public testing::TestWithParam<RejectedCase> {};

TEST_P(ParseDateRejects, TextAndImpossibleDays) {
  Parsed<Date> parsed = parse_date(GetParam().text);
  EXPECT_FALSE(parsed.value.has_value());
  EXPECT_EQ(french(parsed.error), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, ParseDateRejects,
    testing::Values(
        RejectedCase{"bientôt", "« bientôt » n\'est pas une date (attendu : jj/mm/aaaa)"},
        RejectedCase{"31/02/2025",
                     "« 31/02/2025 » n\'est pas une date : le mois 2 de 2025 a 28 jours"},
        RejectedCase{"29/02/2025",
                     "« 29/02/2025 » n\'est pas une date : le mois 2 de 2025 a 28 jours"},
        RejectedCase{"29/02/1900",
                     "« 29/02/1900 » n\'est pas une date : le mois 2 de 1900 a 28 jours"},
        RejectedCase{"12/13/2025", "« 12/13/2025 » n\'est pas une date : il n\'y a pas de mois 13"},
        RejectedCase{"12/03-2025", "« 12/03-2025 » n\'est pas une date (attendu : jj/mm/aaaa)"},
        RejectedCase{"12/03/202", "« 12/03/202 » n\'est pas une date (attendu : jj/mm/aaaa)"},
        RejectedCase{"2025-03-12Tmidi",
                     "« 2025-03-12Tmidi » n\'est pas une date (attendu : jj/mm/aaaa)"}));

TEST(ParseDate, EmptyIsEmptyWithoutError) {
  Parsed<Date> parsed = parse_date("  ");
  EXPECT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed.value.has_value());
}

TEST(Date, IsoZeroPadsAndDatesCompare) {
  EXPECT_EQ((Date{987, 1, 2}.iso()), "0987-01-02");
  EXPECT_LT((Date{2024, 12, 31}), (Date{2025, 1, 1}));
}

TEST(ParseBool, AcceptsFrenchAndEnglishYesNo) {
  for (const char* yes : {"oui", "OUI", " Oui ", "vrai", "Vrai", "true", "yes", "1", "x", "X"}) {
    EXPECT_EQ(parse_bool(yes).value, std::optional<bool>(true)) << yes;
  }
  for (const char* no : {"non", "Non", "faux", "FALSE", "no", "0"}) {
    EXPECT_EQ(parse_bool(no).value, std::optional<bool>(false)) << no;
  }
  EXPECT_TRUE(parse_bool("").ok());
  EXPECT_FALSE(parse_bool("").value.has_value());
  EXPECT_EQ(parse_bool("peut-être").error, (Reason{ReasonCode::not_yes_no, {"peut-être"}}));
  EXPECT_EQ(french(parse_bool("peut-être").error), "« peut-être » n'est ni oui ni non");
}

struct VocabularyCase {
  const Vocabulary& (*vocabulary)();
  const char* text;
  const char* canonical;
};

class VocabularyParse : public testing::TestWithParam<VocabularyCase> {};

TEST_P(VocabularyParse, IgnoresCaseAccentsBlanksPluralsAndKnowsSynonyms) {
  Parsed<std::string> parsed = GetParam().vocabulary().parse(GetParam().text);
  ASSERT_TRUE(parsed.ok()) << french(parsed.error);
  EXPECT_EQ(parsed.value, std::optional<std::string>(GetParam().canonical));
}

INSTANTIATE_TEST_SUITE_P(
    Texts, VocabularyParse,
    testing::Values(VocabularyCase{opportunity_kinds, "Entrepot", "entrepôt"},
                    VocabularyCase{opportunity_kinds, "Entrepôts", "entrepôt"},
                    VocabularyCase{opportunity_kinds, "Bâtiment mixte", "bâtiment mixte"},
                    VocabularyCase{opportunity_kinds, "batiment mixte", "bâtiment mixte"},
                    VocabularyCase{opportunity_kinds, " BUREAUX ", "bureau"},
                    VocabularyCase{opportunity_kinds, "Local d'activité", "atelier"},
                    VocabularyCase{tenures, "Bail commercial d'utilité sociale", "bcus"},
                    VocabularyCase{tenures, "Bail commercial d’utilité sociale", "bcus"},
                    VocabularyCase{tenures, "BEA", "bail emphytéotique"},
                    VocabularyCase{tenures, "Prêt à usage", "mise à disposition"},
                    VocabularyCase{owner_kinds, "EPF", "collectivité"},
                    VocabularyCase{owner_kinds, "Collectivités", "collectivité"},
                    VocabularyCase{opportunity_statuses, "Hors marché", "retirée"},
                    VocabularyCase{opportunity_statuses, "en cours", "en discussion"},
                    VocabularyCase{visibilities, "Privé", "confidentiel"},
                    VocabularyCase{need_statuses, "en cours", "active"},
                    VocabularyCase{place_kinds, "Tiers lieux", "tiers-lieu"},
                    VocabularyCase{place_kinds, "Jardins partagés", "jardin partagé"},
                    VocabularyCase{place_kinds, "Épicerie solidaire", "épicerie solidaire"},
                    VocabularyCase{location_precisions, "GPS", "exact"},
                    VocabularyCase{request_channels, "TÉLÉPHONE", "téléphone"},
                    VocabularyCase{request_channels, "Courriel", "e-mail"},
                    VocabularyCase{request_channels, "mail", "e-mail"},
                    VocabularyCase{request_channels, "Rendez-vous", "rencontre"},
                    VocabularyCase{request_statuses, "En cours", "ouverte"},
                    VocabularyCase{request_statuses, "Orientee", "orientée"},
                    VocabularyCase{request_statuses, "clos", "close"}));

TEST(Vocabulary, RefusesUnknownValueListingAcceptedOnes) {
  Parsed<std::string> parsed = opportunity_kinds().parse("château");
  EXPECT_FALSE(parsed.value.has_value());
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.error->code, ReasonCode::unknown_term);
  EXPECT_EQ(french(parsed.error),
            "« château » : valeur inconnue pour « type de bien » (valeurs : bureau, atelier, "
            "entrepôt, commerce, terrain, bâtiment mixte, friche, logement)");
}

TEST(Vocabulary, EmptyIsEmptyWithoutError) {
  EXPECT_TRUE(tenures().parse(" ").ok());
  EXPECT_FALSE(tenures().parse(" ").value.has_value());
  EXPECT_FALSE(tenures().parse_list(" / ").value.has_value());
}

TEST(Vocabulary, ParseListSplitsOnSeparatorsAndWords) {
  EXPECT_EQ(tenures().parse_list("Vente / Location ou BCUS").value,
            (std::optional<Strings>{{"vente", "location", "bcus"}}));
  EXPECT_EQ(tenures().parse_list("Bail commercial d'utilité sociale").value,
            (std::optional<Strings>{{"bcus"}}));
  EXPECT_EQ(opportunity_kinds().parse_list("Bureaux et ateliers + entrepôt | terrain").value,
            (std::optional<Strings>{{"bureau", "atelier", "entrepôt", "terrain"}}));
}

TEST(Vocabulary, ParseListKeepsOrderAndRemovesDuplicates) {
  EXPECT_EQ(tenures().parse_list("BCUS > location > mise à disposition").value,
            (std::optional<Strings>{{"bcus", "location", "mise à disposition"}}));
  EXPECT_EQ(tenures().parse_list("location, loyer; vente, Location").value,
            (std::optional<Strings>{{"location", "vente"}}));
}

TEST(Vocabulary, ParseListReportsFirstBadPiece) {
  Parsed<Strings> parsed = tenures().parse_list("vente / troc / don");
  EXPECT_FALSE(parsed.value.has_value());
  EXPECT_EQ(french(parsed.error)
                .rfind("« troc » : valeur inconnue pour « mode de mise à disposition » (valeurs : "
                       "vente, ",
                       0),
            0u)
      << french(parsed.error);
}

TEST(Vocabulary, CanonicalValuesMatchTheSqlDomains) {
  EXPECT_EQ(visibilities().values(), (Strings{"public", "réseau", "confidentiel"}));
  EXPECT_EQ(need_statuses().values(), (Strings{"active", "satisfaite", "close"}));
  EXPECT_EQ(location_precisions().values(), (Strings{"exact", "adresse", "commune"}));
  EXPECT_EQ(owner_kinds().values(), (Strings{"collectivité", "bailleur social", "état", "privé",
                                             "association", "foncière"}));
  EXPECT_EQ(place_kinds().values().size(), 11u);
  EXPECT_EQ(opportunity_statuses().name(), "statut");
}

TEST(Vocabulary, RefusesSynonymOfUnknownValue) {
  EXPECT_THROW(Vocabulary("test", {"a"}, {{"b", "c"}}), std::logic_error);
}

}  // namespace
}  // namespace terrier::importers
