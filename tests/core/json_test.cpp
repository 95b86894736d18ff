// JSON from outside with a bound on nesting. No database.

#include "core/json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace terrier {
namespace {

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') + "1" +
         std::string(static_cast<std::size_t>(depth), ']');
}

TEST(JsonDepth, ADocumentAtTheBoundParses) {
  EXPECT_EQ(json_too_deep_at(nested(kMaxJsonDepth)), std::nullopt);
  EXPECT_EQ(parse_json(nested(3)).dump(), "[[[1]]]");
}

TEST(JsonDepth, OneLevelMoreIsRefusedAtItsByte) {
  EXPECT_EQ(json_too_deep_at(nested(kMaxJsonDepth + 1)), static_cast<std::size_t>(kMaxJsonDepth));
  EXPECT_EQ(json_too_deep_at(R"({"a":{"b":1}})", 1), 5u);
  try {
    parse_json(nested(100'000));
    FAIL() << "a document 100,000 deep was parsed";
  } catch (const JsonTooDeep& e) {
    EXPECT_EQ(e.byte(), static_cast<std::size_t>(kMaxJsonDepth));
  }
}

// Brackets inside strings, escaped quotes included, are text, not nesting.
TEST(JsonDepth, StringsAreSkipped) {
  EXPECT_EQ(json_too_deep_at(R"(["[[[[", "\"[[[["])", 1), std::nullopt);
  EXPECT_EQ(parse_json(R"({"a":"[[[\"]]]"})", 1)["a"], "[[[\"]]]");
}

TEST(JsonDepth, TextThatIsNotJsonIsAParseError) {
  EXPECT_THROW(parse_json("{\"a\":"), nlohmann::json::parse_error);
  EXPECT_EQ(json_too_deep_at("{\"a\":"), std::nullopt);
}

}  // namespace
}  // namespace terrier
