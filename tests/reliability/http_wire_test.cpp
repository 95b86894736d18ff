// HTTP on a raw socket against a running server: malformed and ambiguous
// requests (refused with 400 and a closed connection, never a 500, never
// processed), HEAD on every GET route, repeated query parameters, and
// connections kept alive or closed as the client asks.

#include <fmt/core.h>

#include <set>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

// Connects, sends `bytes` as they are, and reads until the server closes or
// goes quiet for `quiet_ms`. Returns everything read.
std::string raw_exchange(int port, const std::string& bytes, int quiet_ms = 3000) {
  int fd = connect_loopback(port);
  if (fd < 0) return "";
  (void)!write(fd, bytes.data(), bytes.size());
  timeval timeout{quiet_ms / 1000, (quiet_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return out;
}

int status_of(const std::string& response) {
  return response.rfind("HTTP/1.", 0) == 0 ? std::atoi(response.c_str() + 9) : 0;
}

// Status lines in a stream of responses (a detail may quote "HTTP/1.1").
int count_responses(const std::string& stream) {
  static const std::regex status_line("HTTP/1\\.1 \\d{3} [A-Za-z ]+\r\n");
  return static_cast<int>(std::distance(
      std::sregex_iterator(stream.begin(), stream.end(), status_line), std::sregex_iterator()));
}

class HttpWire : public ApiTest {
 protected:
  std::string needs_digest() {
    return value(
        "SELECT coalesce(md5(string_agg(n::text, '|' ORDER BY n.id)), 'empty') FROM needs n");
  }
};

TEST_F(HttpWire, MalformedRequestsAreRefusedWith400AndNeverProcessed) {
  const std::string admin = token("admin");
  const std::string need =
      R"({"type":"Feature","geometry":{"type":"Point","coordinates":[3.06,50.63]},)"
      R"("properties":{"collective_name":"Collectif Fantôme","surface_min_m2":100,"radius_km":5}})";
  const std::string post = "POST /api/needs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin +
                           "\r\nContent-Type: application/json\r\n";
  struct Case {
    std::string name, bytes;
    int status;
  };
  const std::vector<Case> cases = {
      {"negative Content-Length", post + "Content-Length: -5\r\n\r\n" + need, 400},
      {"Content-Length with a sign", post + "Content-Length: +5\r\n\r\n" + need, 400},
      {"Content-Length not a number", post + "Content-Length: abc\r\n\r\n" + need, 400},
      {"Content-Length of 20 digits", post + "Content-Length: 99999999999999999999\r\n\r\n" + need,
       400},
      {"two different Content-Length",
       post + fmt::format("Content-Length: {}\r\nContent-Length: 4\r\n\r\n", need.size()) + need,
       400},
      {"Content-Length and Transfer-Encoding",
       post + fmt::format("Content-Length: {}\r\nTransfer-Encoding: chunked\r\n\r\n", need.size()) +
           need,
       400},
      {"HTTP/1.1 without Host", "GET /healthz HTTP/1.1\r\nAccept: */*\r\n\r\n", 400},
      {"two Host fields", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"folded header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\n\r\n", 400},
      {"space in a field name", "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n", 400},
      {"unknown version", "GET /healthz HTTP/2.7\r\nHost: x\r\n\r\n", 400},
      {"unknown method", "BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"garbage", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15), 400},
      {"a 100 kB header",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n",
       431},
      {"bad chunk size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400},
  };
  const std::string before = needs_digest();
  for (const auto& c : cases) {
    std::string response = raw_exchange(port_, c.bytes);
    EXPECT_EQ(status_of(response), c.status) << c.name << ":\n" << response.substr(0, 300);
    EXPECT_EQ(count_responses(response), 1) << c.name << ": the connection went on after the error";
    EXPECT_NE(response.find("application/problem+json"), std::string::npos) << c.name;
    EXPECT_EQ(response.find("Internal"), std::string::npos) << c.name;
  }
  EXPECT_EQ(needs_digest(), before) << "a refused request was processed";
  // The same request, well framed, is processed: the cases above fail for
  // their framing only.
  std::string good = raw_exchange(
      port_,
      post + fmt::format("Content-Length: {}\r\nConnection: close\r\n\r\n", need.size()) + need);
  EXPECT_EQ(status_of(good), 201) << good;
  EXPECT_NE(needs_digest(), before);
  EXPECT_EQ(get("/healthz").status, 200) << "the server stopped serving";
}

// A smuggled second request after an ambiguous one is never answered.
TEST_F(HttpWire, NothingAfterARefusedRequestIsTakenForAnotherRequest) {
  std::string smuggle =
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 44\r\n\r\n"
      "GET /ogcapi/collections HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string response = raw_exchange(port_, smuggle);
  EXPECT_EQ(status_of(response), 400) << response;
  EXPECT_EQ(count_responses(response), 1) << response;
  EXPECT_EQ(response.find("\"collections\""), std::string::npos);
}

TEST_F(HttpWire, HeadAnswersEveryGetRouteWithoutABody) {
  const std::string t1 = id_of("T-1");
  for (const std::string& target : std::vector<std::string>{
           "/", "/index.html", "/healthz", "/api/session", "/api/map-config", "/ogcapi",
           "/ogcapi/conformance", "/ogcapi/api", "/api/openapi.json", "/ogcapi/collections",
           "/ogcapi/collections/opportunities", "/ogcapi/collections/opportunities/items?limit=2",
           "/ogcapi/collections/opportunities/items/" + t1, "/tiles/opportunities/9/260/172.mvt",
           "/api/opportunities/" + t1 + "/matches", "/nothing-here",
           "/ogcapi/collections/opportunities/items?limit=0"}) {
    auto g = http_get(port_, target);
    std::string head = raw_exchange(
        port_, "HEAD " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                   "\r\nConnection: close\r\n\r\n");
    auto end = head.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos) << target << ": " << head;
    EXPECT_EQ(status_of(head), g.status) << target;
    EXPECT_EQ(head.size(), end + 4) << target << ": a HEAD answer carried a body";
    HttpResponse h;
    h.headers = head.substr(0, end);
    EXPECT_EQ(h.header("Content-Length"), std::to_string(g.body.size())) << target;
    EXPECT_EQ(h.header("Content-Type"), g.header("Content-Type")) << target;
    EXPECT_EQ(h.header("ETag"), g.header("ETag")) << target;
  }
  EXPECT_EQ(http_get(port_, "/").status, 200);
}

TEST_F(HttpWire, ARepeatedFilterMeansAnyOfItsValuesAndOtherRepeatsAreRefused) {
  auto both =
      get("/ogcapi/collections/opportunities/items?kind=commerce&kind=entrep%C3%B4t", foundation_);
  ASSERT_EQ(both.status, 200) << both.body;
  ASSERT_EQ(json::parse(both.body)["features"].size(), 2u) << both.body;
  std::multiset<std::string> kinds;
  const json doc = json::parse(both.body);
  for (const auto& f : doc["features"]) kinds.insert(f["properties"]["kind"].get<std::string>());
  EXPECT_EQ(kinds, (std::multiset<std::string>{"commerce", "entrepôt"}));
  auto comma =
      get("/ogcapi/collections/opportunities/items?kind=commerce,entrep%C3%B4t", foundation_);
  EXPECT_EQ(json::parse(comma.body)["numberMatched"], json::parse(both.body)["numberMatched"]);
  for (const char* target :
       {"/ogcapi/collections/opportunities/items?limit=1&limit=2",
        "/ogcapi/collections/opportunities/items?q=a&q=b",
        "/ogcapi/collections/opportunities/items?bbox=2,49,4,51&bbox=3,50,3.1,50.1",
        "/tiles/opportunities/9/260/172.mvt?surface_min=10&surface_min=20",
        "/api/assignment?territory=lille-59350&territory=roubaix-59512"}) {
    auto r = get(target, foundation_);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_NE(r.body.find("given more than once"), std::string::npos) << target << ": " << r.body;
  }
}

TEST_F(HttpWire, ConnectionsAreKeptAliveOrClosedAsTheClientAsks) {
  // Two requests in turn on one HTTP/1.1 connection: both answered.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string all;
  char buf[65536];
  for (int i = 0; i < 2; ++i) {
    std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
    while (count_responses(all) <= i ||
           all.find("\r\n\r\n", all.rfind("HTTP/1.1 ")) == std::string::npos) {
      ssize_t n = read(fd, buf, sizeof buf);
      ASSERT_GT(n, 0) << "the connection was closed after " << i << " answer(s): " << all;
      all.append(buf, static_cast<std::size_t>(n));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  close(fd);
  EXPECT_EQ(count_responses(all), 2) << all;
  EXPECT_NE(all.find("Connection: keep-alive"), std::string::npos) << all;
  // Connection: close is answered, then the server closes (read sees EOF
  // well before the 3 s quiet limit).
  auto started = std::chrono::steady_clock::now();
  std::string closed =
      raw_exchange(port_, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(closed), 200);
  EXPECT_NE(closed.find("Connection: close"), std::string::npos) << closed;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

}  // namespace
}  // namespace terrier::test
