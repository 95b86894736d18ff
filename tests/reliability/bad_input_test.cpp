// Bad input fed to every importer, to the write endpoints and to the query
// parameters of a running server: each gets a clear error naming what is
// wrong, the server keeps serving, and the database is left as it was.

#include <cpl_conv.h>
#include <fmt/core.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <regex>
#include <thread>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string bad(const std::string& name) {
  return std::string(TERRIER_SOURCE_DIR) + "/tests/data/bad/" + name;
}

// The files too large to commit, made for each run.
class BadFiles {
 public:
  BadFiles() : dir_(fs::temp_directory_path() / ("terrier-bad-" + std::to_string(getpid()))) {
    fs::create_directories(dir_);
  }
  ~BadFiles() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  BadFiles(const BadFiles&) = delete;
  BadFiles& operator=(const BadFiles&) = delete;

  static constexpr const char* kHeader =
      "Réf.;Intitulé;Type de bien;Adresse;Code postal;Commune;Code INSEE;Latitude;Longitude;"
      "Surface bâtie (m²);Mode de mise à disposition;Loyer (€/mois);Statut;Visibilité\n";

  // 50 MB on one line, no newline at all.
  std::string single_line() {
    return make("single_line.csv", [](std::ofstream& out) {
      std::string chunk(1 << 20, 'x');
      for (int i = 0; i < 50; ++i) out << chunk;
    });
  }
  // A 50 MB title in an otherwise good row.
  std::string huge_field() {
    return make("huge_field.csv", [](std::ofstream& out) {
      out << kHeader << "L-1;";
      std::string chunk(1 << 20, 'x');
      for (int i = 0; i < 50; ++i) out << chunk;
      out << ";atelier;;59000;Lille;59350;50,63;3,06;120;location;900;disponible;public\n";
    });
  }
  // One feature whose polygon has a million vertices (about 30 MB).
  std::string million_vertices() {
    return make("million.geojson", [](std::ofstream& out) {
      out << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":)"
          << R"j({"code":"200093201","nom":"Polygone géant","Collectif":"Collectif Géant","Réf.":"G-1",)j"
          << R"j("Surface min (m²)":"100","Surface max (m²)":"300","Statut":"active"},)j"
          << R"("geometry":{"type":"Polygon","coordinates":[[)";
      constexpr long long n = 1'000'000;
      char buf[64];
      for (long long i = 0; i <= n; ++i) {
        double a = 2 * M_PI * static_cast<double>(i % n) / static_cast<double>(n);
        int len = std::snprintf(buf, sizeof buf, "%s[%.7f,%.7f]", i ? "," : "", 3.06 + 0.05 * std::cos(a),
                                50.63 + 0.03 * std::sin(a));
        out.write(buf, len);
      }
      out << "]]}}]}";
    });
  }
  // GeoJSON nested ten thousand deep in a feature's properties.
  std::string deep_geojson() {
    return make("deep.geojson", [](std::ofstream& out) {
      out << R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"a":)";
      for (int i = 0; i < 10000; ++i) out << "{\"b\":";
      out << "1";
      for (int i = 0; i < 10000; ++i) out << "}";
      out << "}}]}";
    });
  }
  // A spreadsheet that unpacks to 1 GB of zeros from about 1 MB: a zip bomb.
  std::string zip_bomb() {
    std::string path = (dir_ / "bomb.xlsx").string();
    void* zip = CPLCreateZip(path.c_str(), nullptr);
    EXPECT_NE(zip, nullptr);
    EXPECT_EQ(CPLCreateFileInZip(zip, "xl/worksheets/sheet1.xml", nullptr), CE_None);
    std::vector<char> zeros(1 << 20, '\0');
    for (int i = 0; i < 1024; ++i) CPLWriteFileInZip(zip, zeros.data(), static_cast<int>(zeros.size()));
    CPLCloseFileInZip(zip);
    CPLCloseZip(zip);
    return path;
  }
  const fs::path& dir() const { return dir_; }

 private:
  template <class F>
  std::string make(const std::string& name, F body) {
    std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary);
    body(out);
    return path;
  }
  fs::path dir_;
};

class Reliability : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = token("admin");
  }

  // Every table that holds what people keep: territories, places,
  // opportunities and needs with their private parts, matches, tokens.
  std::string model() {
    std::string out;
    for (const char* t : {"territories", "circle_members", "places", "opportunities", "opportunity_private",
                          "needs", "need_private", "matches"}) {
      out += value(std::string("SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), "
                               "'empty') FROM ") + t + " t") + ";";
    }
    return out;
  }

  CommandResult import(const std::string& args) {
    return run_terrier("import " + args, "TERRIER_DATABASE_URL=" + db_.url());
  }

  void expect_serving() {
    auto h = get("/healthz");
    EXPECT_EQ(h.status, 200) << "the server stopped serving";
  }

  HttpResponse send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& bearer) {
    return http_request(port_, method, target,
                        "Authorization: Bearer " + bearer + "\r\nContent-Type: application/json\r\n"
                        "Content-Length: " + std::to_string(body.size()) + "\r\n",
                        body);
  }

  std::string admin_;
};

const std::vector<std::string> kEveryKind = {"opportunities", "needs", "places", "circles",
                                             "territories --level commune"};

// A file that cannot be read at all: every importer refuses it whole, with
// the file's name and the reason, and writes nothing.
TEST_F(Reliability, UnreadableFilesAreRefusedWholeByEveryImporter) {
  BadFiles files;
  struct Case {
    std::string file;
    std::string reason;  // what the opportunities importer says
  };
  const std::vector<Case> cases = {
      {bad("truncated_quote.csv"), "line 3: the quoted field of column 'Intitulé' opened at line 3 is never closed"},
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
      EXPECT_NE(r.output.find(c.file), std::string::npos) << "the error names the file: " << r.output;
      if (kind == "opportunities") {
        EXPECT_NE(r.output.find(c.reason), std::string::npos) << r.output;
      }
      EXPECT_EQ(r.output.find("terminate called"), std::string::npos) << r.output;
    }
  }
  EXPECT_EQ(model(), before);
  expect_serving();
}

// Rows with impossible values are rejected one by one, by line and column;
// when every row is bad, nothing is written.
TEST_F(Reliability, ImpossibleValuesAreRejectedByLineAndColumn) {
  BadFiles files;
  const std::string before = model();
  auto surfaces = import("opportunities " + bad("bad_surfaces.csv"));
  EXPECT_EQ(surfaces.exit_code, 0) << surfaces.output;
  for (int line = 2; line <= 6; ++line) {
    EXPECT_NE(surfaces.output.find(fmt::format("bad_surfaces.csv:line {}: rejected: column 'Surface bâtie (m²)'", line)),
              std::string::npos)
        << surfaces.output;
  }
  EXPECT_NE(surfaces.output.find("rejected 5"), std::string::npos);

  auto coordinates = import("opportunities " + bad("bad_coordinates.csv"));
  EXPECT_EQ(coordinates.exit_code, 0) << coordinates.output;
  for (int line = 2; line <= 7; ++line) {
    EXPECT_NE(coordinates.output.find(fmt::format("bad_coordinates.csv:line {}: rejected: column '", line)),
              std::string::npos)
        << coordinates.output;
  }
  EXPECT_NE(coordinates.output.find("rejected 6"), std::string::npos);

  std::string million = files.million_vertices();
  auto need = import("needs " + million);
  EXPECT_NE(need.output.find("the polygon has 1000001 vertices, at most 100000: simplify it"), std::string::npos)
      << need.output;
  auto territory = import("territories --level epci --code-field code " + million);
  EXPECT_NE(territory.output.find("the polygon has 1000001 vertices, at most 100000"), std::string::npos)
      << territory.output;
  EXPECT_EQ(model(), before);
  expect_serving();
}

// SQL and HTML metacharacters in every text field are data: stored and
// served back exactly, and no table is touched.
TEST_F(Reliability, InjectionPayloadsAreStoredAndServedVerbatim) {
  const long long needs = count("SELECT count(*) FROM needs");
  auto r = import("opportunities " + bad("injection.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("inserted 7"), std::string::npos) << r.output;
  const std::vector<std::string> payloads = {
      "'; DROP TABLE opportunities; --", "Robert'); DELETE FROM needs; --", "<script>alert('x')</script>",
      "<img src=x onerror=alert(1)>", "\" OR \"1\"=\"1", "$1 $$ \\x00 %s %n {0} ${jndi:ldap://x}",
      "=HYPERLIEN(\"http://x\")"};
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    SCOPED_TRACE(payloads[i]);
    pqxx::read_transaction t(*conn_);
    auto row = t.exec_params1("SELECT title, address FROM opportunities WHERE external_id = $1",
                              "I-" + std::to_string(i + 1));
    EXPECT_EQ(row[0].as<std::string>(), payloads[i]);
    EXPECT_EQ(row[1].as<std::string>(), payloads[i]);
  }
  EXPECT_EQ(count("SELECT count(*) FROM needs"), needs);
  // Searched through the API as typed.
  auto found = get("/ogcapi/collections/opportunities/items?q=%27%3B%20DROP%20TABLE%20opportunities%3B%20--");
  ASSERT_EQ(found.status, 200) << found.body;
  auto page = json::parse(found.body);
  ASSERT_EQ(page["numberMatched"], 1);
  EXPECT_EQ(page["features"][0]["properties"]["title"], payloads[0]);
  // JSON escapes nothing away and the browser is told not to sniff.
  EXPECT_EQ(found.header("X-Content-Type-Options"), "nosniff");
  expect_serving();
}

TEST_F(Reliability, BadBodiesOnWriteEndpointsAreRefusedAndChangeNothing) {
  auto feature = [](const std::string& props, const std::string& geometry = R"({"type":"Point","coordinates":[3.06,50.63]})") {
    return R"({"type":"Feature","geometry":)" + geometry + R"(,"properties":)" + props + "}";
  };
  std::string deep = "{\"title\":";
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  deep += "1" + std::string(100000, '}') + "}";
  std::string deep_geometry = feature(R"({"title":"Profond","kind":"atelier"})", std::string(10000, '[') + std::string(10000, ']'));
  std::string big(25 << 20, ' ');
  // A closed ring of n vertices around Lille, as a need's search area.
  auto ring = [](int n) {
    std::string out = R"({"type":"Feature","properties":{"collective_name":"Géant","surface_min_m2":100},)"
                      R"("geometry":{"type":"Polygon","coordinates":[[)";
    for (int i = 0; i <= n; ++i) {
      double a = 2 * M_PI * (i % n) / n;
      out += fmt::format("{}[{:.7f},{:.7f}]", i ? "," : "", 3.06 + 0.05 * std::cos(a), 50.63 + 0.03 * std::sin(a));
    }
    return out + "]]}}";
  };
  std::string million = ring(1'000'000);
  std::string many = ring(150'000);

  struct Case {
    std::string name, method, target, body;
    int status;
    std::string detail;  // a part of the problem's detail
  };
  const std::vector<Case> cases = {
      {"nested 100,000 deep", "POST", "/api/opportunities", deep, 400, "nested deeper than 64 levels"},
      {"geometry nested 10,000 deep", "POST", "/api/opportunities", deep_geometry, 400, "nested deeper"},
      {"surface 1e308", "POST", "/api/opportunities",
       feature(R"({"title":"Immense","kind":"atelier","built_surface_m2":1e308})"), 400, "built_surface_m2"},
      {"negative surface", "POST", "/api/opportunities",
       feature(R"({"title":"Négatif","kind":"atelier","built_surface_m2":-120})"), 400, "built_surface_m2"},
      {"zero surface", "POST", "/api/opportunities",
       feature(R"({"title":"Nul","kind":"atelier","built_surface_m2":0})"), 400, "built_surface_m2"},
      {"NaN", "POST", "/api/opportunities", R"({"title":"x","built_surface_m2":NaN})", 400, "not JSON"},
      {"infinite coordinates", "POST", "/api/opportunities",
       feature(R"({"title":"Infini","kind":"atelier"})", R"({"type":"Point","coordinates":[1e999,50.6]})"), 400, ""},
      {"binary garbage", "POST", "/api/needs", std::string("\x00\xff\xfe{\x01", 5), 400, ""},
      {"invalid UTF-8", "POST", "/api/opportunities", feature("{\"title\":\"caf\xe9\",\"kind\":\"atelier\"}"), 400, "not JSON"},
      {"25 MB body", "POST", "/api/opportunities", big, 413, ""},
      {"a polygon of a million vertices", "POST", "/api/needs", million, 413, ""},
      {"a polygon of 150,000 vertices", "POST", "/api/needs", many, 400, "le polygone a 150001 sommets, au plus 100000"},
      {"patch nested deep", "PATCH", "/api/opportunities/" + id_of("T-1"), deep, 400, "nested deeper"},
      {"match status nested deep", "PATCH", "/api/matches/1", deep, 400, "JSON"},
  };
  const std::string before = model();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = send(c.method, c.target, c.body, admin_);
    EXPECT_EQ(r.status, c.status) << r.body.substr(0, 300);
    if (c.status != 413) {
      EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
      auto problem = json::parse(r.body, nullptr, false);
      ASSERT_FALSE(problem.is_discarded()) << r.body.substr(0, 300);
      EXPECT_NE(problem["detail"].get<std::string>().find(c.detail), std::string::npos) << problem.dump();
    }
    expect_serving();
  }
  EXPECT_EQ(model(), before);
}

TEST_F(Reliability, BadQueryParametersGetA400NeverA500) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bbox=nan,1,2,3", "bbox"},
      {"bbox=1e308,0,1e308,1", "bbox"},
      {"bbox=-1e9,-1e9,1e9,1e9&bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F2154", "Lambert-93"},
      {"bbox=1,2,3", "bbox"},
      {"limit=-1", "limit"},
      {"limit=1000000000", "limit"},
      {"limit=99999999999999999999999", "limit"},
      {"offset=-5", "offset"},
      {"kind=%27%3BDROP%20TABLE%20opportunities%3B--", "kind"},
      {"territory=%27%20OR%201%3D1%20--", "territory"},
      {"q=" + std::string(300, 'a'), "q"},
      {"q=%00", "NUL"},
      {"q=%FF%FE", "UTF-8"},
      {"surface_min=1e999", "surface_min"},
      {"available_before=0000-00-00", "available_before"},
      {"crs=EPSG%3A666", "crs"},
      {"f=xml", "f"},
      {"colour=red", "colour"},
  };
  const std::string before = model();
  for (const auto& [query, name] : cases) {
    SCOPED_TRACE(query);
    auto r = get("/ogcapi/collections/opportunities/items?" + query, admin_);
    EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
    EXPECT_NE(r.body.find(name), std::string::npos) << r.body.substr(0, 300);
  }
  for (const auto& target : {"/tiles/opportunities/99/0/0.mvt", "/tiles/opportunities/5/99999/0.mvt",
                             "/tiles/opportunities/-1/0/0.mvt", "/tiles/opportunities/8/1/1.mvt?kind=rien"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(get(target).status, 400);
  }
  for (const auto& target : {"/ogcapi/collections/opportunities/items/abc",
                             "/ogcapi/collections/opportunities/items/99999999999999999999",
                             "/ogcapi/collections/nothing/items", "/api/needs/1e5/matches"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(get(target).status, 404);
  }
  EXPECT_EQ(model(), before);
  expect_serving();
}

TEST_F(Reliability, PathTraversalInNamesReachesNoFile) {
  for (const auto& target : {"/..%2F..%2F..%2Fetc%2Fpasswd", "/%2Fetc%2Fpasswd", "/vendor/..%2F..%2F..%2Fsql%2F001_extensions.sql",
                             "/.git/config"}) {
    SCOPED_TRACE(target);
    auto r = get(target);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
  }
  auto exp = get("/api/territories/..%2F..%2F..%2Ftmp%2Fx/export?format=geojson", foundation_);
  EXPECT_EQ(exp.status, 404) << exp.body;
  EXPECT_EQ(get("/api/territories/lille-59350/export?format=..%2Fgeojson", foundation_).status, 400);
  // An upload's source name is a name, never a path.
  std::ifstream in(fixture("conventions/cp1252_french.csv"), std::ios::binary);
  std::string csv((std::istreambuf_iterator<char>(in)), {});
  auto up = http_request(port_, "POST", "/api/imports?kind=opportunities&source=..%2F..%2F..%2Ftmp%2Fpwned",
                         "Authorization: Bearer " + admin_ + "\r\nContent-Length: " + std::to_string(csv.size()) + "\r\n", csv);
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
                        "Authorization: Bearer " + admin_ + "\r\nContent-Length: " + std::to_string(bomb.size()) + "\r\n",
                        bomb);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("unpacks to 1024 MB, more than 256 MB: a zip bomb"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("/tmp/"), std::string::npos) << "the server's paths stay private: " << r.body;
  EXPECT_EQ(model(), before);
  expect_serving();
}

// A crowd of clients that open connections and never finish their request
// does not keep the others from being served.
TEST_F(Reliability, SlowClientsDoNotStarveTheOthers) {
  std::vector<int> slow;
  for (int i = 0; i < 200; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd);
      continue;
    }
    const char partial[] = "GET /ogcapi/collections HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    (void)!write(fd, partial, sizeof partial - 1);
    slow.push_back(fd);
  }
  EXPECT_GE(slow.size(), 150u);
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    auto r = get("/ogcapi/collections/opportunities/items?limit=2");
    EXPECT_EQ(r.status, 200);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 5.0) << "ten requests took " << seconds << " s behind " << slow.size() << " slow clients";
  for (int fd : slow) close(fd);
  expect_serving();
}

// What became of one request: the connection refused, or accepted and then
// answered whole, cut, or closed without a byte.
enum class Outcome { refused, answered, service_unavailable, cut, dropped };

Outcome try_request(int port, const std::string& target) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    close(fd);
    return err == ECONNREFUSED ? Outcome::refused : Outcome::dropped;
  }
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  (void)!write(fd, req.data(), req.size());
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string raw;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) raw.append(buf, static_cast<std::size_t>(n));
  close(fd);
  if (raw.empty()) return Outcome::dropped;
  auto end = raw.find("\r\n\r\n");
  std::smatch m;
  std::string head = raw.substr(0, end);
  if (end == std::string::npos || !std::regex_search(head, m, std::regex("Content-Length: (\\d+)", std::regex::icase)) ||
      raw.size() != end + 4 + std::stoul(m[1].str())) {
    return Outcome::cut;
  }
  int status = std::atoi(raw.c_str() + 9);
  if (status == 503) return Outcome::service_unavailable;
  return status == 200 && json::parse(raw.substr(end + 4), nullptr, false).is_object() ? Outcome::answered
                                                                                      : Outcome::cut;
}

// SIGTERM while requests are in flight: each accepted connection gets a
// whole answer (the page, or 503 once draining); after SIGTERM a new
// connection may be refused, never accepted and then closed without an
// answer. Then the server exits 0.
TEST_F(Reliability, SigtermLetsInFlightRequestsFinish) {
  std::atomic<int> answered{0}, unavailable{0}, cut{0}, dropped{0}, refused_before{0}, refused_after{0};
  std::atomic<bool> stop{false}, signalled{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      while (!stop) {
        bool after = signalled;
        switch (try_request(port_, "/ogcapi/collections/territories/items?limit=100")) {
          case Outcome::refused:
            ++(after ? refused_after : refused_before);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            break;
          case Outcome::answered: ++answered; break;
          case Outcome::service_unavailable: ++unavailable; break;
          case Outcome::cut: ++cut; break;
          case Outcome::dropped: ++dropped; break;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  signalled = true;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  // A while longer: every connection now must be refused.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  for (auto& c : clients) c.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_GT(answered.load(), 4);
  EXPECT_EQ(refused_before.load(), 0);
  EXPECT_GT(refused_after.load(), 0) << "the server still took connections after it exited";
  EXPECT_EQ(cut.load(), 0) << "answers cut short";
  EXPECT_EQ(dropped.load(), 0) << "connections accepted and closed without an answer";
}

TEST_F(Reliability, AnExportToAFullDiskFailsClearlyAndLeavesNoFile) {
  std::string file = "/tmp/terrier-full-" + db_.name() + ".geojson";
  // A file-size limit of 2 kB stands for a full disk: writes fail with EFBIG.
  auto r = run_command("bash -c 'ulimit -f 2; trap \"\" XFSZ; TERRIER_DATABASE_URL=\"" + db_.url() + "\" " +
                       std::string(TERRIER_BINARY) + " export --territory lille-59350 --format geojson -o " + file + " 2>&1; echo exit=$?'");
  EXPECT_NE(r.find("exit=1"), std::string::npos) << r;
  EXPECT_NE(r.find("export failed, nothing written"), std::string::npos) << r;
  EXPECT_FALSE(fs::exists(file));
  // And into a folder that does not exist.
  auto missing = run_terrier("export --territory lille-59350 --format csv -o /nonexistent/dir/x.csv",
                             "TERRIER_DATABASE_URL=" + db_.url());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("/nonexistent/dir"), std::string::npos) << missing.output;
}

TEST_F(Reliability, BackupAndRestoreGiveBackEveryTable) {
  load_demo_data(/*with_friches=*/false);
  ASSERT_EQ(run_terrier("match --all", "TERRIER_DATABASE_URL=" + db_.url()).exit_code, 0);
  auto every_table = [&] {
    std::string out;
    pqxx::read_transaction t(*conn_);
    for (const auto& row : t.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
      std::string name = row[0].as<std::string>();
      out += name + ":" + t.exec1("SELECT count(*) || '/' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM " +
                                  t.quote_name(name) + " x")[0].as<std::string>() + "\n";
    }
    return out;
  };
  const std::string before = every_table();
  ASSERT_NE(before.find("opportunities:"), std::string::npos);
  std::string file = "/tmp/terrier-backup-" + db_.name() + ".dump";
  auto b = run_terrier("backup " + file, "TERRIER_DATABASE_URL=" + db_.url());
  ASSERT_EQ(b.exit_code, 0) << b.output;
  EXPECT_EQ(b.output.find(db_.url()), std::string::npos) << "the URL's password stays out of the output";

  // Everything lost by hand…
  {
    pqxx::work w(*conn_);
    w.exec("DELETE FROM matches; DELETE FROM need_private; DELETE FROM needs; DELETE FROM opportunity_private; "
           "DELETE FROM opportunities; UPDATE places SET name = 'effacé'");
    w.commit();
  }
  ASSERT_NE(every_table(), before);
  // …and given back.
  auto r = run_terrier("restore " + file, "TERRIER_DATABASE_URL=" + db_.url());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(every_table(), before);

  // Not a backup: refused before anything is touched.
  auto wrong = run_terrier("restore " + bad("garbage.csv"), "TERRIER_DATABASE_URL=" + db_.url());
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.output.find("not a Terrier backup"), std::string::npos) << wrong.output;
  EXPECT_EQ(every_table(), before);
  // A backup that cannot be written leaves no partial file.
  auto nowhere = run_terrier("backup /nonexistent/dir/b.dump", "TERRIER_DATABASE_URL=" + db_.url());
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_NE(nowhere.output.find("backup failed, nothing written"), std::string::npos) << nowhere.output;
  std::remove(file.c_str());
  expect_serving();
}

TEST_F(Reliability, ThePageAndTheApiCarrySecurityHeadersAndNoCorsByDefault) {
  auto page = get("/");
  ASSERT_EQ(page.status, 200);
  std::string csp = page.header("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(page.header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(page.header("X-Content-Type-Options"), "nosniff");
  auto api = get("/ogcapi/collections");
  EXPECT_EQ(api.header("Access-Control-Allow-Origin"), "");
  auto cross = http_get(port_, "/ogcapi/collections", "Origin: https://evil.example\r\n");
  EXPECT_EQ(cross.header("Access-Control-Allow-Origin"), "");
  auto preflight = http_request(port_, "OPTIONS", "/api/opportunities",
                                "Origin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n", "");
  EXPECT_NE(preflight.status, 204);
  EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), "");
}

// Every route, for every role: the status the rules say, and never a
// confidential value (owners, contacts, notes) in any body, error bodies and
// tiles included, for a role that may not read it.
TEST_F(Reliability, EveryRouteForEveryRole) {
  auto animator = run_terrier("token create --role animator --territory lille-59350 --name anim",
                              "TERRIER_DATABASE_URL=" + db_.url()).output;
  animator.pop_back();
  animator = animator.substr(animator.rfind('\n') + 1);
  const std::string need = R"({"type":"Feature","geometry":{"type":"Point","coordinates":[3.06,50.63]},)"
                           R"("properties":{"collective_name":"Collectif Test","surface_min_m2":100,"radius_km":5,)"
                           R"("contact":"besoin-secret@example.org","notes":"note-secrete-besoin"}})";
  auto created = send("POST", "/api/needs", need, admin_);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string need_id = std::to_string(json::parse(created.body)["id"].get<long long>());
  ASSERT_EQ(run_terrier("match --all", "TERRIER_DATABASE_URL=" + db_.url()).exit_code, 0);
  const std::string t1 = id_of("T-1"), t3 = id_of("T-3");
  const std::vector<std::string> secrets = {"Commune de Lille", "Vanneste", "SCI Les Tilleuls", "contact@example.fr",
                                            "amiante", "Visite faite", "besoin-secret", "note-secrete-besoin"};
  struct Route {
    std::string method, target, body;
    std::array<int, 5> status;  // public, member, animator (Lille), foundation, admin
  };
  const std::string bad_opportunity = R"({"kind": "château"})";
  const std::string bad_need = R"({"surface_min_m2": -5})";
  const std::vector<Route> routes = {
      {"GET", "/", "", {200, 200, 200, 200, 200}},
      {"GET", "/healthz", "", {200, 200, 200, 200, 200}},
      {"GET", "/metrics", "", {401, 403, 403, 403, 200}},
      {"GET", "/api/session", "", {200, 200, 200, 200, 200}},
      {"GET", "/api/map-config", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/conformance", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/api", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/opportunities", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/opportunities/items?limit=50", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/opportunities/items?crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F2154", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/needs/items", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/places/items", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/territories/items?limit=3", "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/opportunities/items/" + t1, "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/opportunities/items/" + t3, "", {404, 404, 404, 200, 200}},
      {"GET", "/ogcapi/collections/needs/items/" + need_id, "", {200, 200, 200, 200, 200}},
      {"GET", "/ogcapi/collections/opportunities/items?q=Tilleuls&colour=x", "", {400, 400, 400, 400, 400}},
      {"GET", "/tiles/opportunities/9/260/172.mvt", "", {200, 200, 200, 200, 200}},
      {"GET", "/tiles/needs/9/260/172.mvt", "", {200, 200, 200, 200, 200}},
      {"GET", "/tiles/places/9/260/172.mvt", "", {200, 200, 200, 200, 200}},
      {"GET", "/tiles/territories/9/260/172.mvt", "", {200, 200, 200, 200, 200}},
      {"GET", "/api/needs/" + need_id + "/matches", "", {200, 200, 200, 200, 200}},
      {"GET", "/api/opportunities/" + t1 + "/matches", "", {200, 200, 200, 200, 200}},
      {"GET", "/api/opportunities/" + t3 + "/matches", "", {404, 404, 404, 200, 200}},
      {"PATCH", "/api/matches/999999", R"({"status":"contacté"})", {401, 404, 403, 404, 404}},
      {"GET", "/api/assignment?territory=lille-59350", "", {401, 200, 200, 200, 200}},
      {"GET", "/api/territories/lille-59350/export?format=geojson", "", {401, 403, 200, 200, 200}},
      {"GET", "/api/territories/roubaix-59512/export?format=csv", "", {401, 403, 403, 200, 200}},
      {"POST", "/api/imports?kind=opportunities", "", {401, 403, 403, 403, 400}},
      {"POST", "/api/opportunities", bad_opportunity, {401, 400, 403, 403, 400}},
      {"POST", "/api/needs", bad_need, {401, 400, 400, 403, 400}},
      {"PATCH", "/api/opportunities/" + t1, bad_opportunity, {401, 400, 403, 403, 400}},
      {"PATCH", "/api/needs/" + need_id, bad_need, {401, 400, 400, 403, 400}},
      {"DELETE", "/api/opportunities/999999", "", {401, 404, 403, 403, 404}},
      {"DELETE", "/api/needs/999999", "", {401, 404, 404, 403, 404}},
      {"PATCH", "/api/opportunities/" + t3, bad_opportunity, {401, 404, 403, 403, 400}},
      {"GET", "/api/imports/progress/0123456789abcdef", "", {401, 200, 200, 200, 200}},
      {"GET", "/api/requests/export?format=csv", "", {401, 200, 200, 200, 200}},
      {"GET", "/api/nothing", "", {404, 404, 404, 404, 404}},
      {"PUT", "/ogcapi/collections", "", {405, 405, 405, 405, 405}},
  };
  const std::array<std::string, 5> names = {"public", "member", "animator", "foundation", "admin"};
  const std::array<std::string, 5> tokens = {"", member_, animator, foundation_, admin_};
  const std::string before = model();
  for (const auto& route : routes) {
    for (std::size_t role = 0; role < 5; ++role) {
      SCOPED_TRACE(names[role] + " " + route.method + " " + route.target);
      std::string headers = tokens[role].empty() ? "" : "Authorization: Bearer " + tokens[role] + "\r\n";
      headers += "Content-Length: " + std::to_string(route.body.size()) + "\r\n";
      auto r = http_request(port_, route.method, route.target, headers, route.body);
      EXPECT_EQ(r.status, route.status[role]) << r.body.substr(0, 300);
      if (route.target == "/api/session") {
        EXPECT_EQ(json::parse(r.body)["role"], names[role]);
      }
      if (names[role] == "foundation" || names[role] == "admin") continue;
      std::string everything = r.headers + r.body;
      if (route.target.find("/export") != std::string::npos && r.status == 200) {
        // The body is a file sent from disk; read as text all the same.
        everything = r.body;
      }
      for (const auto& secret : secrets) {
        EXPECT_EQ(everything.find(secret), std::string::npos) << secret << " reached " << names[role];
      }
    }
  }
  EXPECT_EQ(model(), before) << "a refused or invalid write changed nothing";
  // Foundations do read them.
  EXPECT_NE(get("/ogcapi/collections/needs/items/" + need_id, foundation_).body.find("besoin-secret"), std::string::npos);
  EXPECT_NE(get("/ogcapi/collections/opportunities/items/" + t1, foundation_).body.find("Vanneste"), std::string::npos);
}

// With TERRIER_CORS_ORIGINS, the named origin (and only it) may call the API
// from its pages.
TEST_F(Reliability, CorsAllowsOnlyTheConfiguredOrigins) {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  setenv("TERRIER_CORS_ORIGINS", "https://carte.tiers-lieux.example", 1);
  start_server();
  unsetenv("TERRIER_CORS_ORIGINS");
  auto allowed = http_get(port_, "/ogcapi/collections", "Origin: https://carte.tiers-lieux.example\r\n");
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), "https://carte.tiers-lieux.example");
  EXPECT_EQ(allowed.header("Vary"), "Origin");
  auto preflight = http_request(port_, "OPTIONS", "/api/opportunities",
                                "Origin: https://carte.tiers-lieux.example\r\nAccess-Control-Request-Method: POST\r\n", "");
  EXPECT_EQ(preflight.status, 204);
  EXPECT_NE(preflight.header("Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  auto other = http_get(port_, "/ogcapi/collections", "Origin: https://evil.example\r\n");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.header("Access-Control-Allow-Origin"), "");
}

}  // namespace
}  // namespace terrier::test
