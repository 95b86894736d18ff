// The uploads sent in pieces (api/upload_registry), without a server: pieces
// in order only, the size limit over the whole file, an upload known to its
// owner only, sealed by its first import, and the idle ones and a person's
// oldest removed with their files.

#include "api/upload_registry.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/import_upload.hpp"

namespace terrier::api {
namespace {

using Outcome = UploadRegistry::Outcome;

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(UploadRegistry, TakesPiecesInOrderAndRefusesARepeatedOrMisplacedOne) {
  UploadRegistry uploads;
  std::string id = uploads.create("ana", "csv");
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  auto first = uploads.append(id, "ana", 0, "Réf.;Intitulé\n", 100);
  EXPECT_EQ(first.outcome, Outcome::appended);
  const std::size_t head = std::string("Réf.;Intitulé\n").size();
  EXPECT_EQ(first.received, head);
  // The same piece again, one from further on, one from before: refused,
  // with what the upload holds.
  for (std::size_t offset : {std::size_t{0}, head + 5, std::size_t{3}}) {
    auto refused = uploads.append(id, "ana", offset, "T-1;Halle\n", 100);
    EXPECT_EQ(refused.outcome, Outcome::wrong_offset) << offset;
    EXPECT_EQ(refused.received, head) << offset;
  }
  EXPECT_EQ(uploads.append(id, "ana", head, "T-1;Halle\n", 100).outcome, Outcome::appended);
  auto sealed = uploads.seal(id, "ana");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->format, "csv");
  EXPECT_EQ(sealed->file->path().substr(sealed->file->path().size() - 4), ".csv");
  EXPECT_EQ(contents(sealed->file->path()), "Réf.;Intitulé\nT-1;Halle\n");
}

TEST(UploadRegistry, KeepsTheWholeFileUnderTheLimit) {
  UploadRegistry uploads;
  std::string id = uploads.create("ana", "csv");
  EXPECT_EQ(uploads.append(id, "ana", 0, std::string(60, 'a'), 100).outcome, Outcome::appended);
  auto over = uploads.append(id, "ana", 60, std::string(41, 'b'), 100);
  EXPECT_EQ(over.outcome, Outcome::too_large);
  EXPECT_EQ(over.received, 60u);
  EXPECT_EQ(uploads.append(id, "ana", 60, std::string(40, 'b'), 100).received, 100u);
  EXPECT_EQ(uploads.append(id, "ana", 100, "c", 100).outcome, Outcome::too_large);
}

TEST(UploadRegistry, AnUploadIsItsOwnersOnly) {
  UploadRegistry uploads;
  std::string id = uploads.create("ana", "csv");
  EXPECT_EQ(uploads.append(id, "bob", 0, "x", 100).outcome, Outcome::unknown);
  EXPECT_FALSE(uploads.seal(id, "bob"));
  EXPECT_FALSE(uploads.remove(id, "bob"));
  EXPECT_EQ(uploads.append(id, "ana", 0, "x", 100).outcome, Outcome::appended);
  EXPECT_EQ(uploads.append("0123456789abcdef0123456789abcdef", "ana", 1, "y", 100).outcome,
            Outcome::unknown);
  EXPECT_TRUE(uploads.remove(id, "ana"));
  EXPECT_EQ(uploads.append(id, "ana", 1, "y", 100).outcome, Outcome::unknown);
}

TEST(UploadRegistry, AnImportSealsItAndItsFileStaysWhileAnImportReadsIt) {
  UploadRegistry uploads;
  std::string id = uploads.create("ana", "xlsx");
  // Empty, it is not sealed: the pieces may still come.
  EXPECT_EQ(uploads.seal(id, "ana")->file->size(), 0u);
  EXPECT_EQ(uploads.append(id, "ana", 0, "PK", 100).outcome, Outcome::appended);
  auto reading = uploads.seal(id, "ana");
  ASSERT_TRUE(reading);
  auto late = uploads.append(id, "ana", 2, "more", 100);
  EXPECT_EQ(late.outcome, Outcome::sealed);
  EXPECT_EQ(late.received, 2u);
  // Imported again (the dry run, then the import): the same file.
  EXPECT_EQ(uploads.seal(id, "ana")->file->path(), reading->file->path());
  const std::string path = reading->file->path();
  EXPECT_TRUE(uploads.remove(id, "ana"));
  EXPECT_TRUE(std::filesystem::exists(path));
  reading.reset();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(UploadRegistry, IdleUploadsAndAPersonsOldestGoWithTheirFiles) {
  UploadRegistry uploads({std::chrono::milliseconds(1000), 2});
  std::string old = uploads.create("ana", "csv");
  ASSERT_EQ(uploads.append(old, "ana", 0, "x", 100).outcome, Outcome::appended);
  const std::string old_path = uploads.seal(old, "ana")->file->path();
  std::string kept = uploads.create("bob", "csv");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(uploads.append(kept, "bob", 0, "y", 100).outcome, Outcome::appended);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  // Ana's, untouched for 1.2 s, is gone with its file; Bob's was used 0.6 s
  // ago.
  uploads.create("carla", "csv");
  EXPECT_EQ(uploads.append(old, "ana", 1, "z", 100).outcome, Outcome::unknown);
  EXPECT_FALSE(std::filesystem::exists(old_path));
  EXPECT_EQ(uploads.append(kept, "bob", 1, "z", 100).outcome, Outcome::appended);
  // Two per person: a third one makes the one used longest ago go.
  std::string second = uploads.create("bob", "csv");
  uploads.append(kept, "bob", 2, "w", 100);
  std::string third = uploads.create("bob", "csv");
  EXPECT_EQ(uploads.append(second, "bob", 0, "a", 100).outcome, Outcome::unknown);
  EXPECT_EQ(uploads.append(kept, "bob", 3, "a", 100).outcome, Outcome::appended);
  EXPECT_EQ(uploads.append(third, "bob", 0, "a", 100).outcome, Outcome::appended);
  EXPECT_EQ(uploads.size(), 3u);  // carla's, and bob's two
}

TEST(UploadFile, APieceIsAppendedWhole) {
  UploadFile file("csv");
  file.append("abc");
  file.append("");
  file.append("def");
  EXPECT_EQ(file.size(), 6u);
  EXPECT_EQ(contents(file.path()), "abcdef");
  // The importer's "PATH: ligne 2 : …" without the path; within a sentence,
  // "le fichier envoyé".
  EXPECT_EQ(file.hide_path(file.path() + ": ligne 2 : x"), "ligne 2 : x");
  EXPECT_EQ(file.hide_path("lecture de " + file.path() + " impossible"),
            "lecture de le fichier envoyé impossible");
}

}  // namespace
}  // namespace terrier::api
