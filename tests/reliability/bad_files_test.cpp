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
       "ligne 3 : le champ entre guillemets de la colonne « Intitulé », ouvert ligne 3, n'est "
       "jamais "
       "fermé"},
      {bad("truncated.geojson"), "ne se lit pas comme un fichier géographique"},
      {bad("utf16.csv"), "le fichier est du texte UTF-16"},
      {bad("mixed_encodings.csv"), "encodages mélangés"},
      {bad("garbage.csv"), "est nul : ce n'est pas un fichier CSV texte"},
      {bad("garbage.geojson"), "ne se lit pas comme un fichier géographique"},
      {bad("garbage.gpkg"), "ne se lit pas comme un fichier géographique"},
      {bad("garbage.xlsx"), "ne se lit pas comme un fichier géographique"},
      {files.single_line(), "ligne 1 : la colonne « #1 » contient plus de 1048576 octets"},
      {files.huge_field(), "ligne 2 : la colonne « Intitulé » contient plus de 1048576 octets"},
      {files.deep_geojson(), "ne se lit pas comme un fichier géographique"},
      {files.zip_bomb(), "se décompresse en 1024 Mo, plus que 256 Mo : une bombe de décompression"},
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
  EXPECT_NE(r.body.find("se décompresse en 1024 Mo, plus que 256 Mo : une bombe de décompression"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(r.body.find("/tmp/"), std::string::npos)
      << "the server's paths stay private: " << r.body;
  EXPECT_EQ(model(), before);
  expect_serving();
}

}  // namespace
}  // namespace terrier::test
