// Inputs the fuzzers (fuzz/) once crashed on, kept in fuzz/regressions/
// <target>/ and replayed here through the same functions, so that a crash
// fixed stays fixed in the ordinary test build (no clang, no sanitizers).
// scripts/fuzz also replays those files through the fuzz targets themselves.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/text.hpp"
#include "db/cql2.hpp"
#include "importers/json_rows.hpp"

namespace terrier {
namespace {

std::string regression(const std::string& target, const std::string& name) {
  std::ifstream in(std::string(TERRIER_FUZZ_REGRESSIONS) + "/" + target + "/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in) << target << "/" << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// fuzz_geojson_body's inputs: one byte choosing the kind and create/update,
// then the body.
std::string body_of(const std::string& input) {
  return input.substr(1);
}

// nlohmann parses 100,000 nested arrays without recursion, but dump() and
// copies of the result recurse once per level and overflowed the stack
// (ASan: stack-overflow in serializer::dump). A PATCH body ran into it in
// merge_json_objects.
TEST(FuzzRegressions, DeeplyNestedPatchBodyIsRefusedBeforeAnythingWalksIt) {
  std::string body = body_of(regression("fuzz_geojson_body", "deep_nesting_100000"));
  EXPECT_THROW((void)parse_json(body), JsonTooDeep);
  try {
    (void)importers::merge_json_objects(R"({"title":"x"})", body);
    FAIL() << "a body nested 100,000 deep was merged";
  } catch (const ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("imbriqué sur plus de"), std::string::npos) << e.what();
  }
}

// The same through a Feature's geometry, which goes to OGR as text.
TEST(FuzzRegressions, DeeplyNestedGeometryIsRefusedBeforeOgrSeesIt) {
  std::string body = body_of(regression("fuzz_geojson_body", "deep_feature_geometry"));
  EXPECT_THROW((void)parse_json(body), JsonTooDeep);
  EXPECT_THROW((void)importers::merge_json_objects("{}", body), ImportError);
}

TEST(FuzzRegressions, NestingUpToTheLimitStillParses) {
  std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_NO_THROW((void)parse_json(ok));
  EXPECT_THROW((void)parse_json("[" + ok + "]"), JsonTooDeep);
}

}  // namespace
// fuzz_cql2's input: one byte choosing the encoding (odd: JSON), then the
// filter. The refusal quoted 60 bytes of the filter, cut inside "é": not
// UTF-8 any more.
TEST(FuzzRegressions, ACql2RefusalQuotingTheFilterCutsOnACharacter) {
  std::string filter = regression("fuzz_cql2", "refusal_cut_inside_a_character").substr(1);
  auto parsed = db::cql2::parse_json(filter);
  EXPECT_FALSE(parsed.filter);
  EXPECT_TRUE(text::is_valid_utf8(parsed.error)) << parsed.error;
  EXPECT_EQ(db::cql2::clip("aé", 2), "a");
  EXPECT_EQ(db::cql2::clip("aé", 3), "aé");
}

}  // namespace terrier
