#include "tests/support/build_paths.hpp"

namespace terrier::test::build_paths {
const char* const source_dir = TERRIER_PATH_SOURCE_DIR;
const char* const sql_dir = TERRIER_PATH_SQL_DIR;
const char* const binary = TERRIER_PATH_BINARY;
const char* const test_data = TERRIER_PATH_SOURCE_DIR "/tests/data";
const char* const fuzz_regressions = TERRIER_PATH_SOURCE_DIR "/fuzz/regressions";
}  // namespace terrier::test::build_paths
