// Values people write when they do not know or know roughly: placeholders,
// approximate numbers, ranges, thousands with dots, coarse dates, lists,
// booleans. No database.

#include "importers/values.hpp"

#include <gtest/gtest.h>

#include "importers/fields.hpp"

namespace terrier::importers {
namespace {

class Placeholder : public ::testing::TestWithParam<const char*> {};

TEST_P(Placeholder, IsRecognised) {
  EXPECT_TRUE(is_placeholder(GetParam())) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(EveryOneInTheList, Placeholder,
                         ::testing::Values("NC", "N.C.", "n/c", "NR", "NSP", "?", "-", "\u2013",
                                           "\u2014", "/", "x", "X", "à définir", "À préciser",
                                           "à confirmer", "inconnu", "non communiqué",
                                           "Non renseigné", "sans objet", "néant", "N/A", "#N/A",
                                           "#VALEUR!", "#REF!", "#DIV/0!", "  nc  "));

TEST(Placeholder, ValuesAreNot) {
  for (const char* v : {"", "0", "-3", "NCX", "Nord", "x2", "à vendre", "non"}) {
    EXPECT_FALSE(is_placeholder(v)) << v;
  }
}

struct Approx {
  const char* text;
  double value;
};
class ApproximateNumber : public ::testing::TestWithParam<Approx> {};

TEST_P(ApproximateNumber, IsReadAndFlagged) {
  Quantity q = parse_quantity(GetParam().text, DecimalMark::comma);
  ASSERT_TRUE(q.ok()) << french(q.error);
  EXPECT_DOUBLE_EQ(*q.value, GetParam().value);
  EXPECT_TRUE(q.approximate) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Forms, ApproximateNumber,
                         ::testing::Values(Approx{"env. 300", 300}, Approx{"environ 300", 300},
                                           Approx{"~300", 300}, Approx{"300 m² environ", 300},
                                           Approx{"\u2248 300", 300},
                                           Approx{"env 1 250,5", 1250.5}));

TEST(Quantity, ExactNumbersAreNotApproximate) {
  Quantity q = parse_quantity("420 m²", DecimalMark::unknown);
  EXPECT_TRUE(q.ok());
  EXPECT_FALSE(q.approximate);
  EXPECT_DOUBLE_EQ(*q.value, 420);
}

TEST(Quantity, DotThousandsFollowTheFilesDecimalMark) {
  EXPECT_DOUBLE_EQ(*parse_quantity("1.250", DecimalMark::comma).value, 1250);
  EXPECT_DOUBLE_EQ(*parse_quantity("1.250", DecimalMark::point).value, 1.25);
  EXPECT_DOUBLE_EQ(*parse_quantity("1.250,50", DecimalMark::unknown).value, 1250.5);
  EXPECT_DOUBLE_EQ(*parse_quantity("1.250.000", DecimalMark::unknown).value, 1250000);
  Quantity unknown = parse_quantity("1.250 m²", DecimalMark::unknown);
  EXPECT_TRUE(unknown.ambiguous);
  EXPECT_FALSE(unknown.value);
  EXPECT_EQ(unknown.error, (Reason{ReasonCode::ambiguous_decimal, {"1.250 m²", "1250", "1,250"}}));
  EXPECT_NE(french(unknown.error).find("écrivez 1250 ou 1,250"), std::string::npos)
      << french(unknown.error);
}

TEST(Quantity, DecimalMarkEvidence) {
  EXPECT_EQ(decimal_mark_of("12,5"), DecimalMark::comma);
  EXPECT_EQ(decimal_mark_of("1.250,5"), DecimalMark::comma);
  EXPECT_EQ(decimal_mark_of("1 250,50 €"), DecimalMark::comma);
  EXPECT_EQ(decimal_mark_of("12.5"), DecimalMark::point);
  EXPECT_EQ(decimal_mark_of("1,250.5"), DecimalMark::point);
  EXPECT_EQ(decimal_mark_of("1.250"), DecimalMark::unknown);
  EXPECT_EQ(decimal_mark_of("300"), DecimalMark::unknown);
}

struct RangeCase {
  const char* text;
  std::optional<double> min, max, ideal;
  bool approximate;
};
class SurfaceRange : public ::testing::TestWithParam<RangeCase> {};

TEST_P(SurfaceRange, GivesMinMaxOrIdeal) {
  const auto& c = GetParam();
  Range r = parse_range(c.text, DecimalMark::comma);
  ASSERT_TRUE(r.ok()) << c.text << ": " << french(r.error);
  EXPECT_EQ(r.min, c.min) << c.text;
  EXPECT_EQ(r.max, c.max) << c.text;
  EXPECT_EQ(r.ideal, c.ideal) << c.text;
  EXPECT_EQ(r.approximate, c.approximate) << c.text;
}

constexpr std::optional<double> no;
INSTANTIATE_TEST_SUITE_P(Forms, SurfaceRange,
                         ::testing::Values(RangeCase{"100 à 200 m²", 100, 200, no, false},
                                           RangeCase{"100-200", 100, 200, no, false},
                                           RangeCase{"100 \u2013 200 m2", 100, 200, no, false},
                                           RangeCase{"de 100 à 200", 100, 200, no, false},
                                           RangeCase{"entre 100 et 200", 100, 200, no, false},
                                           RangeCase{"\u2265 150", 150, no, no, false},
                                           RangeCase{">= 150", 150, no, no, false},
                                           RangeCase{"150 minimum", 150, no, no, false},
                                           RangeCase{"au moins 150 m²", 150, no, no, false},
                                           RangeCase{"max 400", no, 400, no, false},
                                           RangeCase{"\u2264 400", no, 400, no, false},
                                           RangeCase{"400 m² maximum", no, 400, no, false},
                                           RangeCase{"environ 250 m²", no, no, 250, true},
                                           RangeCase{"250", no, no, 250, false},
                                           RangeCase{"1 000 à 1 500", 1000, 1500, no, false}));

TEST(SurfaceRange, RefusesWhatIsNotARange) {
  EXPECT_FALSE(parse_range("200 à 100", DecimalMark::comma).ok());
  EXPECT_FALSE(parse_range("grand", DecimalMark::comma).ok());
  EXPECT_TRUE(parse_range("1.250 à 2.000", DecimalMark::unknown).ambiguous);
}

struct DateCase {
  const char* text;
  const char* iso;
  DatePrecision precision;
};
class WrittenDate : public ::testing::TestWithParam<DateCase> {};

TEST_P(WrittenDate, KeepsItsPrecision) {
  FuzzyDate d = parse_fuzzy_date(GetParam().text, false, Date{2026, 11, 29});
  ASSERT_TRUE(d.ok()) << GetParam().text << ": " << french(d.error);
  EXPECT_EQ(d.date->iso(), GetParam().iso) << GetParam().text;
  EXPECT_EQ(d.precision, GetParam().precision) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, WrittenDate,
    ::testing::Values(DateCase{"mars 2027", "2027-03-01", DatePrecision::month},
                      DateCase{"Septembre 2026", "2026-09-01", DatePrecision::month},
                      DateCase{"févr. 2027", "2027-02-01", DatePrecision::month},
                      DateCase{"03/2027", "2027-03-01", DatePrecision::month},
                      DateCase{"T2 2027", "2027-04-01", DatePrecision::quarter},
                      DateCase{"2e trimestre 2027", "2027-04-01", DatePrecision::quarter},
                      DateCase{"4ème trimestre 2026", "2026-10-01", DatePrecision::quarter},
                      DateCase{"printemps 2027", "2027-03-01", DatePrecision::season},
                      DateCase{"été 2027", "2027-06-01", DatePrecision::season},
                      DateCase{"2027", "2027-01-01", DatePrecision::year},
                      DateCase{"immédiatement", "2026-11-29", DatePrecision::immediate},
                      DateCase{"de suite", "2026-11-29", DatePrecision::immediate},
                      DateCase{"dès maintenant", "2026-11-29", DatePrecision::immediate},
                      DateCase{"12/03/2027", "2027-03-12", DatePrecision::day},
                      DateCase{"12 mars 2027", "2027-03-12", DatePrecision::day},
                      DateCase{"1er févr. 2027", "2027-02-01", DatePrecision::day},
                      DateCase{"28 Février 2027", "2027-02-28", DatePrecision::day}));

TEST(WrittenDate, ADayOfANamedMonthChecksTheCalendar) {
  EXPECT_FALSE(parse_fuzzy_date("31 février 2027", false, Date{2026, 11, 29}).ok());
  EXPECT_FALSE(parse_fuzzy_date("12 brumaire 2027", false, Date{2026, 11, 29}).ok());
}

TEST(WrittenDate, ExcelSerialsOnlyFromSpreadsheets) {
  FuzzyDate serial = parse_fuzzy_date("46447", true, Date{2026, 11, 29});
  ASSERT_TRUE(serial.ok());
  EXPECT_EQ(serial.date->iso(), "2027-03-01");
  EXPECT_TRUE(serial.excel_serial);
  EXPECT_FALSE(parse_fuzzy_date("46447", false, Date{2026, 11, 29}).ok());
  EXPECT_EQ(from_excel_serial(1).iso(), "1899-12-31");
  EXPECT_EQ(from_excel_serial(45658).iso(), "2025-01-01");
}

TEST(WrittenDate, RefusesWhatIsNotADate) {
  for (const char* v : {"bientôt", "mars", "T5 2027", "13/2027", "31/02/2027"}) {
    EXPECT_FALSE(parse_fuzzy_date(v, false, Date{2026, 11, 29}).ok()) << v;
  }
}

TEST(Lists, SeparatorsAndAnyValue) {
  for (const char* v :
       {"location, BCUS", "location / BCUS", "location et BCUS", "Location + bcus"}) {
    auto p = tenures().parse_list(v);
    ASSERT_TRUE(p.ok()) << v;
    EXPECT_EQ(*p.value, (std::vector<std::string>{"location", "bcus"})) << v;
  }
  for (const char* v : {"toutes", "Indifférent", "tous", "peu importe"}) {
    auto p = tenures().parse_list(v);
    ASSERT_TRUE(p.ok()) << v;
    EXPECT_EQ(*p.value, tenures().values()) << v;
  }
}

TEST(Booleans, FrenchForms) {
  for (const char* v : {"oui", "O", "x", "vrai", "Oui"}) EXPECT_EQ(parse_bool(v).value, true) << v;
  for (const char* v : {"non", "N", "faux", "Non"}) EXPECT_EQ(parse_bool(v).value, false) << v;
  EXPECT_FALSE(parse_bool("").value);  // empty: unknown
  EXPECT_FALSE(parse_bool("peut-être").ok());
}

}  // namespace
}  // namespace terrier::importers
