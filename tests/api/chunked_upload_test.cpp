// A file sent in pieces (POST /api/uploads, PUT /api/uploads/{id}?offset=N,
// POST /api/uploads/{id}/import), as the page sends a spreadsheet: imported
// exactly as the same file sent whole to POST /api/imports, dry run and
// import, synchronous or in the background; pieces in order only (a
// repeated or misplaced one is refused, saying where to go on from); the
// size limit over the whole file; an upload is its creator's; anonymous
// callers and roles that import nothing are refused. Against a real server
// and PostGIS.

#include <fmt/core.h>

#include <chrono>
#include <thread>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

class ChunkedUpload : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = token("admin");
  }

  // `rows` opportunities inside Lille, no two probable duplicates.
  static std::string grid(int rows, const std::string& prefix) {
    std::string file = "Réf.;Intitulé;Type de bien;Surface (m²);Latitude;Longitude\n";
    for (int i = 0; i < rows; ++i) {
      file += fmt::format("{}-{};Local {};bureau;{};50,{:04d};3,{:04d}\n", prefix, i, i,
                          100 + i % 50, 6000 + (i / 100) * 5, (i % 100) * 8);
    }
    return file;
  }

  HttpResponse put(const std::string& target, const std::string& piece, const std::string& bearer) {
    return http_request(port_, "PUT", target,
                        "Content-Type: application/octet-stream\r\nContent-Length: " +
                            std::to_string(piece.size()) + "\r\n" +
                            (bearer.empty() ? "" : "Authorization: Bearer " + bearer + "\r\n"),
                        piece);
  }

  // A new upload's URL.
  std::string create(const std::string& bearer, const std::string& format = "csv") {
    auto r = send("POST", "/api/uploads?format=" + format, "", bearer);
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return "";
    auto j = json::parse(r.body);
    EXPECT_EQ(r.header("Location"), j["url"].get<std::string>());
    EXPECT_EQ(j["received"], 0);
    EXPECT_EQ(j["max_bytes"], 20 * 1024 * 1024);
    return j["url"].get<std::string>();
  }

  // `file` sent to a new upload in pieces of `piece` bytes: its URL.
  std::string upload(const std::string& file, std::size_t piece, const std::string& bearer) {
    std::string url = create(bearer);
    for (std::size_t at = 0; at < file.size(); at += piece) {
      auto r = put(url + "?offset=" + std::to_string(at), file.substr(at, piece), bearer);
      EXPECT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(json::parse(r.body)["received"], std::min(at + piece, file.size()));
    }
    return url;
  }

  // The progress asked every 50 ms until the import ended: its last answer.
  json wait_for_end(const HttpResponse& accepted, const std::string& bearer) {
    EXPECT_EQ(accepted.status, 202) << accepted.body;
    if (accepted.status != 202) return json::object();
    std::string url = json::parse(accepted.body)["progress_url"].get<std::string>();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (std::chrono::steady_clock::now() < deadline) {
      auto j = json::parse(get(url, bearer).body);
      if (j["state"] == "done" || j["state"] == "failed") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << url << " did not end";
    return json::object();
  }

  static std::string detail(const HttpResponse& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("detail") ? j["detail"].get<std::string>() : r.body;
  }

  std::string admin_;
};

TEST_F(ChunkedUpload, ImportsExactlyAsTheSameFileSentWhole) {
  const std::string file = grid(2000, "C");
  auto whole = send("POST", "/api/imports?kind=opportunities&dry_run=true", file, admin_);
  ASSERT_EQ(whole.status, 200) << whole.body.substr(0, 300);
  const json expected = json::parse(whole.body);
  ASSERT_EQ(expected["inserted"], 2000) << expected["summary"];

  // Pieces that cut lines and the UTF-8 of « é » anywhere.
  const std::string url = upload(file, 7001, admin_);
  auto dry = send("POST", url + "/import?kind=opportunities&dry_run=true", "", admin_);
  ASSERT_EQ(dry.status, 200) << dry.body.substr(0, 300);
  EXPECT_EQ(json::parse(dry.body), expected);
  // In the background too, from the same upload: the page's dry run.
  auto end = wait_for_end(
      send("POST", url + "/import?kind=opportunities&dry_run=true&async=true", "", admin_), admin_);
  EXPECT_EQ(end["state"], "done");
  for (const auto& [name, v] : expected.items()) EXPECT_EQ(end[name], v) << name;
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id LIKE 'C-%'"), 0);

  // Then the import itself, still from the same upload, recorded as any.
  auto done =
      wait_for_end(send("POST", url + "/import?kind=opportunities&async=true", "", admin_), admin_);
  EXPECT_EQ(done["state"], "done");
  EXPECT_EQ(done["summary"], "read 2000, inserted 2000, updated 0, unchanged 0, rejected 0");
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id LIKE 'C-%'"), 2000);
  EXPECT_EQ(value("SELECT round(sum(built_surface_m2)) FROM opportunities WHERE external_id "
                  "LIKE 'C-%'"),
            "249000");
  EXPECT_EQ(value("SELECT kind || ' ' || rows_inserted || ' ' || user_name FROM import_runs "
                  "ORDER BY id DESC LIMIT 1"),
            "opportunities 2000 test-admin");
  // Once imported, it stays until deleted: the same again changes nothing.
  auto again = send("POST", url + "/import?kind=opportunities", "", admin_);
  EXPECT_EQ(json::parse(again.body)["unchanged"], 2000) << again.body.substr(0, 300);
  EXPECT_EQ(send("DELETE", url, "", admin_).status, 204);
  EXPECT_EQ(send("POST", url + "/import?kind=opportunities", "", admin_).status, 404);
}

TEST_F(ChunkedUpload, APieceThatDoesNotStartWhereTheUploadEndsIsRefused) {
  const std::string url = create(admin_);
  ASSERT_EQ(put(url + "?offset=0", "Réf.;Intitulé;", admin_).status, 200);
  const std::size_t received = std::string("Réf.;Intitulé;").size();
  // The same piece again, one from further on, one overlapping.
  for (std::size_t offset : {std::size_t{0}, received + 10, received - 1}) {
    SCOPED_TRACE(offset);
    auto r = put(url + "?offset=" + std::to_string(offset), "Latitude;Longitude\n", admin_);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
    auto j = json::parse(r.body);
    EXPECT_EQ(j["received"], received);
    EXPECT_EQ(j["field"], "offset");
    EXPECT_EQ(j["detail"],
              fmt::format("Morceau refusé : il commence à l'octet {}, mais l'envoi en a reçu {}. "
                          "Envoyez la suite à partir de l'octet {}.",
                          offset, received, received));
  }
  // The offset is required, a number; a piece is not empty.
  for (const char* query : {"", "?offset=", "?offset=-1", "?offset=1e3", "?offset=+3"}) {
    auto r = put(url + query, "x", admin_);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(json::parse(r.body)["field"], "offset") << query;
  }
  EXPECT_EQ(put(url + "?offset=" + std::to_string(received) + "&at=1", "x", admin_).status, 400);
  EXPECT_EQ(put(url + "?offset=" + std::to_string(received), "", admin_).status, 400);
  // The file is what the accepted pieces made.
  ASSERT_EQ(put(url + "?offset=" + std::to_string(received),
                "Type de bien;Latitude;Longitude\nP-1;Halle;bureau;50,63;3,06\n", admin_)
                .status,
            200);
  auto dry = send("POST", url + "/import?kind=opportunities&dry_run=true", "", admin_);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(json::parse(dry.body)["summary"],
            "read 1, inserted 1, updated 0, unchanged 0, rejected 0");
  // Once an import started, the upload takes no more pieces.
  auto late = put(url + "?offset=1000", "P-2;Atelier;bureau;50,63;3,07\n", admin_);
  EXPECT_EQ(late.status, 409);
  EXPECT_NE(detail(late).find("Cet envoi est complet"), std::string::npos) << late.body;
  // The format is the upload's.
  EXPECT_EQ(send("POST", url + "/import?kind=opportunities&format=xlsx", "", admin_).status, 400);
  // An empty upload is not imported.
  const std::string empty = create(admin_);
  auto nothing = send("POST", empty + "/import?kind=opportunities", "", admin_);
  EXPECT_EQ(nothing.status, 400);
  EXPECT_NE(detail(nothing).find("L'envoi est vide"), std::string::npos) << nothing.body;
}

TEST_F(ChunkedUpload, TheSizeLimitHoldsOverTheWholeFile) {
  const std::size_t limit = 20 * 1024 * 1024;
  const std::string url = create(admin_);
  const std::string half(limit / 2, 'a');
  ASSERT_EQ(put(url + "?offset=0", half, admin_).status, 200);
  ASSERT_EQ(put(url + "?offset=" + std::to_string(limit / 2), half, admin_).status, 200);
  auto over = put(url + "?offset=" + std::to_string(limit), "b", admin_);
  EXPECT_EQ(over.status, 413) << over.body;
  auto j = json::parse(over.body);
  EXPECT_EQ(j["received"], limit);
  EXPECT_EQ(j["max_bytes"], limit);
  EXPECT_NE(j["detail"].get<std::string>().find("un import accepte au plus 20 Mo"),
            std::string::npos)
      << j;
  // Refused, the piece left nothing behind.
  auto again = put(url + "?offset=" + std::to_string(limit), "b", admin_);
  EXPECT_EQ(json::parse(again.body)["received"], limit);
}

TEST_F(ChunkedUpload, AnUploadIsItsCreatorsOnly) {
  const std::string file = grid(3, "O");
  const std::string url = upload(file, 40, admin_);
  const std::string other = token("admin", "", "autre-admin");
  auto appended =
      put(url + "?offset=" + std::to_string(file.size()), "O-9;X;bureau;50,6;3,0\n", other);
  EXPECT_EQ(appended.status, 404) << appended.body;
  EXPECT_NE(detail(appended).find("Aucun envoi"), std::string::npos) << appended.body;
  EXPECT_EQ(send("POST", url + "/import?kind=opportunities", "", other).status, 404);
  EXPECT_EQ(send("DELETE", url, "", other).status, 404);
  EXPECT_EQ(count("SELECT count(*) FROM opportunities WHERE external_id LIKE 'O-%'"), 0);
  // Still whole, and its creator's.
  auto done = send("POST", url + "/import?kind=opportunities", "", admin_);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(json::parse(done.body)["inserted"], 3);
  EXPECT_EQ(value("SELECT user_name FROM import_runs ORDER BY id DESC LIMIT 1"), "test-admin");
  // An unknown id reads the same.
  EXPECT_EQ(put("/api/uploads/0123456789abcdef0123456789abcdef?offset=0", "x", admin_).status, 404);
}

TEST_F(ChunkedUpload, AnonymousCallersAndRolesThatImportNothingAreRefused) {
  EXPECT_EQ(send("POST", "/api/uploads?format=csv", "", "").status, 401);
  EXPECT_EQ(send("POST", "/api/uploads?format=csv", "", foundation_).status, 403);
  EXPECT_EQ(send("POST", "/api/uploads?format=doc", "", admin_).status, 400);
  EXPECT_EQ(send("POST", "/api/uploads?format=csv&kind=needs", "", admin_).status, 400);
  const std::string url = create(admin_);
  EXPECT_EQ(put(url + "?offset=0", "x", "").status, 401);
  EXPECT_EQ(put(url + "?offset=0", "x", foundation_).status, 403);
  EXPECT_EQ(send("POST", url + "/import?kind=opportunities", "", "").status, 401);
  EXPECT_EQ(send("DELETE", url, "", "").status, 401);
  // A member without a circle is told to ask for one.
  auto member = send("POST", "/api/uploads?format=csv", "", member_);
  EXPECT_EQ(member.status, 403);
  EXPECT_NE(detail(member).find("demande un cercle"), std::string::npos) << member.body;
  // A kind the role does not import: 403 naming the kind, the upload kept.
  const std::string member_mel = token("member", "lille-59350", "membre-mel");
  const std::string theirs = upload(grid(1, "M"), 100, member_mel);
  auto places = send("POST", theirs + "/import?kind=places", "", member_mel);
  EXPECT_EQ(places.status, 403);
  EXPECT_EQ(json::parse(places.body)["field"], "kind");
  EXPECT_EQ(send("POST", theirs + "/import?kind=opportunities&dry_run=true", "", member_mel).status,
            200);
  // Nothing of this was left in the cache.
  EXPECT_EQ(send("POST", "/api/uploads", "", admin_).header("Cache-Control"), "private, no-store");
}

}  // namespace
}  // namespace terrier::test
