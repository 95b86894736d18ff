#pragma once

// Where the tests find this checkout, its data and the terrier binary: given
// to every test source by tests/CMakeLists.txt (-include) and defined in
// build_paths.cpp alone. The checkout's absolute paths are then in one small
// object, not in the text of every test source, so that ccache serves every
// other test object to a clone in another folder (CI's fresh clone).

namespace terrier::test::build_paths {
extern const char* const source_dir;
extern const char* const sql_dir;
extern const char* const binary;
extern const char* const test_data;
extern const char* const fuzz_regressions;
}  // namespace terrier::test::build_paths

#define TERRIER_SOURCE_DIR ::terrier::test::build_paths::source_dir
#define TERRIER_SQL_DIR_DEFAULT ::terrier::test::build_paths::sql_dir
#define TERRIER_BINARY ::terrier::test::build_paths::binary
#define TERRIER_TEST_DATA ::terrier::test::build_paths::test_data
#define TERRIER_FUZZ_REGRESSIONS ::terrier::test::build_paths::fuzz_regressions
