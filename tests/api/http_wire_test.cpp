// Request heads checked for unsafe framing, and responses serialised,
// without a socket: api/http_wire.

#include "api/http_wire.hpp"

#include <gtest/gtest.h>

namespace terrier::api {
namespace {

std::optional<std::string> problem(const std::string& head) {
  return check_request_head(head).problem;
}

TEST(RequestHead, AWellFormedHeadPasses) {
  auto c = check_request_head(
      "GET /ogcapi/collections/opportunities/items?kind=atelier&kind=commerce HTTP/1.1\r\n"
      "Host: 127.0.0.1:8080\r\nAccept:  application/json \r\nContent-Length: 0");
  EXPECT_FALSE(c.problem) << *c.problem;
  EXPECT_EQ(c.head.method, "GET");
  EXPECT_EQ(c.head.query(), "kind=atelier&kind=commerce");
  EXPECT_EQ(c.head.field("accept"), "application/json");
  EXPECT_TRUE(c.head.keep_alive());
}

TEST(RequestHead, ANegativeOrNonNumericContentLengthIsRefused) {
  for (const char* value : {"-5", "+5", "5x", "0x10", "", "1 2", "99999999999999999999"}) {
    auto p =
        problem(std::string("POST /api/needs HTTP/1.1\r\nHost: x\r\nContent-Length: ") + value);
    ASSERT_TRUE(p) << value;
    EXPECT_NE(p->find("Content-Length"), std::string::npos) << *p;
  }
}

TEST(RequestHead, TwoDifferentContentLengthsAreRefused) {
  auto p =
      problem("POST /api/needs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 10");
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("two different Content-Length"), std::string::npos) << *p;
  // The same length twice frames the message one way only.
  EXPECT_FALSE(
      problem("POST /api/needs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\ncontent-length: 5"));
}

TEST(RequestHead, ContentLengthWithTransferEncodingIsRefused) {
  EXPECT_TRUE(problem(
      "POST /api/needs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5"));
}

TEST(RequestHead, Http11NeedsExactlyOneHost) {
  EXPECT_TRUE(problem("GET / HTTP/1.1\r\nAccept: */*"));
  EXPECT_TRUE(problem("GET / HTTP/1.1\r\nHost: a\r\nHost: b"));
  EXPECT_FALSE(problem("GET / HTTP/1.0\r\nAccept: */*"));
}

TEST(RequestHead, MalformedFieldsAreRefused) {
  EXPECT_TRUE(problem("GET / HTTP/1.1\r\nHost: x\r\n folded"));
  EXPECT_TRUE(problem("GET / HTTP/1.1\r\nHost: x\r\nNo colon here"));
  EXPECT_TRUE(problem("GET / HTTP/1.1\r\nHost: x\r\nBad Name: v"));
  EXPECT_TRUE(problem("GET /"));
}

TEST(RequestHead, ConnectionCloseAndHttp10AreNotKeptAlive) {
  EXPECT_FALSE(
      check_request_head("GET / HTTP/1.1\r\nHost: x\r\nConnection: close").head.keep_alive());
  EXPECT_FALSE(check_request_head("GET / HTTP/1.0").head.keep_alive());
  EXPECT_TRUE(check_request_head("GET / HTTP/1.0\r\nConnection: Keep-Alive").head.keep_alive());
}

TEST(SerializeResponse, AHeadAnswerHasTheLengthButNoBody) {
  std::string get =
      serialize_response(200, {{"Content-Type", "application/json"}}, "{\"a\":1}", false, true);
  std::string head =
      serialize_response(200, {{"Content-Type", "application/json"}}, "{\"a\":1}", true, true);
  EXPECT_EQ(get,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
            "Content-Length: 7\r\n\r\n{\"a\":1}");
  EXPECT_EQ(head, get.substr(0, get.size() - 7));
}

TEST(SerializeResponse, NotModifiedHasNoBody) {
  std::string r = serialize_response(304, {{"ETag", "\"x\""}}, "", false, false);
  EXPECT_EQ(r, "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace terrier::api
