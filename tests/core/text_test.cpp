#include "core/text.hpp"

#include <gtest/gtest.h>

namespace terrier::text {
namespace {

TEST(Text, FoldRemovesFrenchAccentsAndCase) {
  EXPECT_EQ(fold("Béthune"), "bethune");
  EXPECT_EQ(fold("ÉTAPLES"), "etaples");
  EXPECT_EQ(fold("Surface bâtie (m²)"), "surface batie (m2)");
  EXPECT_EQ(fold("Cœur d’Ostrevent"), "coeur d'ostrevent");
  EXPECT_EQ(fold("Autrêches"), "autreches");
}

TEST(Text, SlugifyMakesUrlSafeNames) {
  EXPECT_EQ(slugify("CA de Lens - Liévin"), "ca-de-lens-lievin");
  EXPECT_EQ(slugify("  Valenciennois–Hainaut "), "valenciennois-hainaut");
  EXPECT_EQ(slugify("Saint-Omer"), "saint-omer");
}

// Characters as a form's maxlength counts them: "é" is one, not two bytes.
TEST(Text, Utf8LengthCountsCharactersNotBytes) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("Réf."), 4u);
  EXPECT_EQ(utf8_length("m² « € »"), 8u);
}

TEST(Text, TrimRemovesNoBreakSpaces) {
  EXPECT_EQ(trim("\xC2\xA0 Lille \xC2\xA0"), "Lille");
  EXPECT_EQ(trim("  "), "");
  EXPECT_EQ(trim("a\xE2\x80\xAF"), "a");
}

TEST(Text, SplitAnyTrimsAndDropsEmptyPieces) {
  auto parts = split_any("Vente / Location ou  BCUS /", {"/", " ou "});
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "Vente");
  EXPECT_EQ(parts[1], "Location");
  EXPECT_EQ(parts[2], "BCUS");
}

TEST(Text, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("Béthune"));
  EXPECT_FALSE(is_valid_utf8("B\xE9thune"));       // Latin-1 é
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));         // overlong
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));         // truncated
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x8F\xA0"));  // U+1F3E0
}

}  // namespace
}  // namespace terrier::text

namespace terrier::text {
namespace {

TEST(Text, PgArrayLiteralQuotesEveryElement) {
  EXPECT_EQ(pg_array_literal({}), "{}");
  EXPECT_EQ(pg_array_literal({"bcus", "bail emphytéotique"}), "{\"bcus\",\"bail emphytéotique\"}");
  EXPECT_EQ(pg_array_literal({"a\"b", "c\\d", "e,f"}), "{\"a\\\"b\",\"c\\\\d\",\"e,f\"}");
}

TEST(XmlEscape, EscapesTheFiveCharactersAndKeepsTheRest) {
  EXPECT_EQ(xml_escape(R"(Ateliers <500 m²> & « l'ancienne "filature" »)"),
            "Ateliers &lt;500 m²&gt; &amp; « l&#39;ancienne &quot;filature&quot; »");
  EXPECT_EQ(xml_escape(""), "");
}

TEST(ReplaceAll, ReplacesEveryOccurrenceWithoutRescanningWhatItWrote) {
  EXPECT_EQ(replace_all("{z}/{x}/{y}/{x}", "{x}", "17"), "{z}/17/{y}/17");
  EXPECT_EQ(replace_all("1.234.567", ".", ""), "1234567");
  EXPECT_EQ(replace_all("aa", "a", "aa"), "aaaa");
  EXPECT_EQ(replace_all("abc", "", "x"), "abc");
}

}  // namespace
}  // namespace terrier::text
