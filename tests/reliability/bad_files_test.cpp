// Files no importer can read, names that try to leave their folder, a zip
// bomb: each is refused whole, naming the file, and nothing is written.

#include "tests/reliability/reliability_fixture.hpp"

namespace terrier::test {
namespace {

// A file that cannot be read at all: every importer refuses it whole, with
// the file's name and the reason, and writes nothing.
TEST_F(Reliability, UnreadableFilesAreRefusedWholeByEveryImporter) {
  BadFiles files;
  struct Case {
    std::string file;
    std::string reason;  // what the opportunities importer says
  };
  const std::vector<Case> cases = {
      {bad("truncated_quote.csv"),
       "line 3: the quoted field of column 'Intitulé' opened at line 3 is never closed"},
      {bad("truncated.geojson"), "cannot be read as a vector file"},
      {bad("utf16.csv"), "the file is UTF-16 text"},
      {bad("mixed_encodings.csv"), "mixed encodings"},
      {bad("garbage.csv"), "is NUL: this is not a text CSV file"},
      {bad("garbage.geojson"), "cannot be read as a vector file"},
      {bad("garbage.gpkg"), "cannot be read as a vector file"},
      {bad("garbage.xlsx"), "cannot be read as a vector file"},
      {files.single_line(), "line 1: column '#1' holds more than 1048576 bytes"},
      {files.huge_field(), "line 2: column 'Intitulé' holds more than 1048576 bytes"},
      {files.deep_geojson(), "cannot be read as a vector file"},
      {files.zip_bomb(), "unpacks to 1024 MB, more than 256 MB: a zip bomb"},
  };
  const std::string before = model();
  for (const auto& c : cases) {
    for (const auto& kind : kEveryKind) {
      SCOPED_TRACE(kind + " " + c.file);
      auto r = import(kind + " " + c.file);
      EXPECT_EQ(r.exit_code, 1) << r.output;
      EXPECT_NE(r.output.find(c.file), std::string::npos)
          << "the error names the file: " << r.output;
      if (kind == "opportunities") {
        EXPECT_NE(r.output.find(c.reason), std::string::npos) << r.output;
      }
      EXPECT_EQ(r.output.find("terminate called"), std::string::npos) << r.output;
    }
  }
  EXPECT_EQ(model(), before);
  expect_serving();
}

TEST_F(Reliability, PathTraversalInNamesReachesNoFile) {
  for (const auto& target : {"/..%2F..%2F..%2Fetc%2Fpasswd", "/%2Fetc%2Fpasswd",
                             "/vendor/..%2F..%2F..%2Fsql%2F001_extensions.sql", "/.git/config"}) {
    SCOPED_TRACE(target);
    auto r = get(target);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
  }
  auto exp = get("/api/territories/..%2F..%2F..%2Ftmp%2Fx/export?format=geojson", foundation_);
  EXPECT_EQ(exp.status, 404) << exp.body;
  EXPECT_EQ(get("/api/territories/lille-59350/export?format=..%2Fgeojson", foundation_).status,
            400);
  // An upload's source name is a name, never a path.
  std::ifstream in(fixture("conventions/cp1252_french.csv"), std::ios::binary);
  std::string csv((std::istreambuf_iterator<char>(in)), {});
  auto up = http_request(port_, "POST",
                         "/api/imports?kind=opportunities&source=..%2F..%2F..%2Ftmp%2Fpwned",
                         "Authorization: Bearer " + admin_ +
                             "\r\nContent-Length: " + std::to_string(csv.size()) + "\r\n",
                         csv);
  EXPECT_EQ(up.status, 200) << up.body;
  EXPECT_FALSE(fs::exists("/tmp/pwned"));
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE source = '../../../tmp/pwned'"), 3);
  expect_serving();
}

// The same zip bomb sent as a spreadsheet upload: refused before GDAL
// inflates it, the server unharmed.
TEST_F(Reliability, AZipBombUploadIsRefused) {
  BadFiles files;
  std::ifstream in(files.zip_bomb(), std::ios::binary);
  std::string bomb((std::istreambuf_iterator<char>(in)), {});
  const std::string before = model();
  auto r = http_request(port_, "POST", "/api/imports?kind=opportunities&format=xlsx",
                        "Authorization: Bearer " + admin_ +
                            "\r\nContent-Length: " + std::to_string(bomb.size()) + "\r\n",
                        bomb);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("unpacks to 1024 MB, more than 256 MB: a zip bomb"), std::string::npos)
      << r.body;
  EXPECT_EQ(r.body.find("/tmp/"), std::string::npos)
      << "the server's paths stay private: " << r.body;
  EXPECT_EQ(model(), before);
  expect_serving();
}

}  // namespace
}  // namespace terrier::test
