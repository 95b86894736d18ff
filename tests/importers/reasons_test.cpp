// Every importer reason's French: each code renders, with each parameter
// in its place, no slot left and no English word; the codes' names are
// stable snake_case and distinct.

#include "importers/reasons.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

namespace terrier::importers {
namespace {

// Every code, from the enum's sentinel: a new code is tested without
// editing this file.
std::vector<ReasonCode> all_codes() {
  std::vector<ReasonCode> out;
  for (std::size_t i = 0; i < kReasonCodeCount; ++i) out.push_back(static_cast<ReasonCode>(i));
  return out;
}

// Words of the English the reasons were written in, which French never
// uses ("a", "an", "on", "date" are French too).
const std::set<std::string>& english_words() {
  static const std::set<std::string> words = {
      "the",      "is",    "not",    "must",    "be",    "at",     "least",    "most",   "of",
      "no",       "and",   "has",    "this",    "field", "fields", "required", "number", "give",
      "row",      "line",  "column", "ignored", "file",  "value",  "unknown",  "kept",   "read",
      "as",       "with",  "or",     "than",    "too",   "large",  "already",  "only",   "are",
      "accepted", "which", "did",    "you",     "mean",  "here",   "its",      "one"};
  return words;
}

std::vector<std::string> words_of(std::string text) {
  // Command-line options are names, not English.
  for (const char* option : {"--prefer-file", "--sync", "--mapping"}) {
    for (auto at = text.find(option); at != std::string::npos; at = text.find(option))
      text.erase(at, std::string(option).size());
  }
  std::vector<std::string> out;
  std::string word;
  for (char c : text + " ") {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      out.push_back(word);
      word.clear();
    }
  }
  return out;
}

TEST(Reasons, EveryCodeRendersFrenchWithEachParameterInPlace) {
  ASSERT_EQ(all_codes().size(), kReasonCodeCount);
  for (ReasonCode code : all_codes()) {
    SCOPED_TRACE(code_name(code));
    Reason reason{code};
    for (std::size_t i = 0; i < param_count(code); ++i) {
      reason.params.push_back("PARAM" + std::to_string(i) + "X");
    }
    std::string french_text = french(reason);
    EXPECT_FALSE(french_text.empty());
    EXPECT_EQ(french_text.find('{'), std::string::npos) << french_text;
    EXPECT_EQ(french_text.find('}'), std::string::npos) << french_text;
    for (const auto& p : reason.params) {
      EXPECT_NE(french_text.find(p), std::string::npos) << p << " in " << french_text;
    }
    std::string bare = french_text;
    for (const auto& p : reason.params) {
      for (auto at = bare.find(p); at != std::string::npos; at = bare.find(p))
        bare.erase(at, p.size());
    }
    EXPECT_GE(words_of(bare).size(), 2u) << "some words of its own: " << french_text;
    for (const auto& w : words_of(bare)) {
      EXPECT_EQ(english_words().count(w), 0u) << "English '" << w << "' in " << french_text;
    }
  }
}

TEST(Reasons, ParametersAreTheCodesOwnNoMoreNoFewer) {
  // One parameter more than the code takes is not shown; one fewer shows
  // blank rather than throwing.
  EXPECT_EQ(french(Reason{ReasonCode::not_a_number, {"abc", "extra"}}),
            "« abc » n'est pas un nombre");
  EXPECT_EQ(french(Reason{ReasonCode::not_a_number}), "«  » n'est pas un nombre");
}

TEST(Reasons, ARepeatedParameterIsSubstitutedEachTime) {
  std::string s = french(Reason{ReasonCode::ambiguous_reference, {"id_site", "id"}});
  EXPECT_EQ(s,
            "« id_site » et « id » pourraient toutes deux être la référence : « id_site » est "
            "prise, « id » est gardée dans attributes");
}

TEST(Reasons, CodeNamesAreDistinctSnakeCase) {
  std::set<std::string> seen;
  for (ReasonCode code : all_codes()) {
    std::string name = code_name(code);
    EXPECT_TRUE(seen.insert(name).second) << name;
    ASSERT_FALSE(name.empty());
    for (char c : name) {
      EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)) || c == '_')
          << name;
    }
  }
  EXPECT_STREQ(code_name(ReasonCode::not_a_number), "not_a_number");
  EXPECT_STREQ(code_name(ReasonCode::required), "required");
}

}  // namespace
}  // namespace terrier::importers
