#pragma once

// What Terrier checks and writes on the wire itself, around Pistache 0.0.5's
// parser: the raw request head (request line and header fields) checked for
// framing errors the parser lets through (a negative or repeated
// Content-Length, HTTP/1.1 without Host), the query string as the client sent
// it (Pistache's own keeps one value per name), and the response serialised
// whole (HEAD answers, Connection handling).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace terrier::api {

struct RequestHead {
  std::string method;
  std::string target;   // as sent: path and query
  std::string version;  // "HTTP/1.1"
  // Lower-case names, values without surrounding blanks, in order.
  std::vector<std::pair<std::string, std::string>> fields;

  // The query string of the target, without '?' ("" when none).
  std::string query() const;
  // The last value of a field, lower-case name; nullopt when absent.
  std::optional<std::string> field(std::string_view name) const;
  // Whether the client wants the connection kept after the answer.
  bool keep_alive() const;
};

// Parses a request head (without the blank line that ends it). Returns the
// reason to answer 400 and close, when its framing is unsafe: a
// Content-Length that is not a plain decimal number, several Content-Length
// fields that differ, Content-Length with Transfer-Encoding, an HTTP/1.1
// request without exactly one Host.
struct HeadCheck {
  RequestHead head;
  std::optional<std::string> problem;
};
HeadCheck check_request_head(std::string_view head);

// A whole HTTP/1.1 response. With head_only the body is left out but
// Content-Length still gives its size (a HEAD answer).
std::string serialize_response(int status,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               const std::string& body, bool head_only, bool keep_alive);

// "Not Found" for 404, ...
const char* reason_phrase(int status);

}  // namespace terrier::api
