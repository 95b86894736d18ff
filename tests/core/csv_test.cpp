#include "core/csv.hpp"

#include <gtest/gtest.h>

namespace terrier::csv {
namespace {

TEST(CsvCell, TextThatASpreadsheetWouldEvaluateGetsAnApostrophe) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"=HYPERLINK(\"http://evil.example\")", "'=HYPERLINK(\"http://evil.example\")"},
      {"+33 3 20 00 00 00", "'+33 3 20 00 00 00"},
      {"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
      {"@SUM(1+1)", "'@SUM(1+1)"},
      {"\t=1", "'\t=1"},
      {"\r=1", "'\r=1"},
      {"Ancienne école", "Ancienne école"},
      {"a=b", "a=b"},
      {"", ""},
      {"'=déjà neutralisé", "'=déjà neutralisé"},
  };
  for (const auto& c : cases) EXPECT_EQ(neutralise(c.in), c.out) << c.in;
}

TEST(CsvCell, QuotedCellsDoubleInnerQuotesAfterNeutralising) {
  EXPECT_EQ(quoted_cell("=A1&\"x\""), "\"'=A1&\"\"x\"\"\"");
  EXPECT_EQ(quoted_cell("Lille; Roubaix"), "\"Lille; Roubaix\"");
}

}  // namespace
}  // namespace terrier::csv
