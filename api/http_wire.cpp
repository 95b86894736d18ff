#include "api/http_wire.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

namespace terrier::api {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_token_char(unsigned char c) {
  return std::isalnum(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Splits on CRLF; a bare LF ends a line too.
std::vector<std::string_view> lines_of(std::string_view head) {
  std::vector<std::string_view> out;
  while (!head.empty()) {
    auto nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    head.remove_prefix(nl + 1);
  }
  return out;
}

// The problem with the head's framing fields, if any.
std::optional<std::string> framing_problem(const RequestHead& h) {
  std::optional<std::string> length;
  int hosts = 0;
  bool transfer_encoding = false;
  for (const auto& [name, value] : h.fields) {
    if (name == "host") ++hosts;
    if (name == "transfer-encoding") transfer_encoding = true;
    if (name != "content-length") continue;
    if (value.empty() || value.size() > 15 ||
        !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return fmt::format("Content-Length '{}' is not a whole number of bytes", value.substr(0, 40));
    }
    if (length && *length != value) {
      return fmt::format("two different Content-Length fields ({} and {})", *length, value);
    }
    length = value;
  }
  if (length && transfer_encoding) return std::string("both Content-Length and Transfer-Encoding");
  if (h.version == "HTTP/1.1" && hosts != 1) {
    return hosts == 0 ? std::string("an HTTP/1.1 request needs a Host field")
                      : std::string("more than one Host field");
  }
  return std::nullopt;
}

}  // namespace

std::string RequestHead::query() const {
  auto q = target.find('?');
  if (q == std::string::npos) return "";
  auto hash = target.find('#', q);
  return target.substr(q + 1, hash == std::string::npos ? std::string::npos : hash - q - 1);
}

std::optional<std::string> RequestHead::field(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& [n, v] : fields) {
    if (n == name) out = v;
  }
  return out;
}

bool RequestHead::keep_alive() const {
  auto connection = field("connection");
  std::string c = connection ? lower(*connection) : "";
  if (c.find("close") != std::string::npos) return false;
  if (version == "HTTP/1.0") return c.find("keep-alive") != std::string::npos;
  return true;
}

HeadCheck check_request_head(std::string_view raw) {
  HeadCheck out;
  auto lines = lines_of(raw);
  if (lines.empty()) {
    out.problem = "an empty request";
    return out;
  }
  std::string_view line = lines[0];
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    out.problem = "the request line is not 'METHOD TARGET VERSION'";
    return out;
  }
  out.head.method = std::string(line.substr(0, sp1));
  out.head.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  out.head.version = std::string(line.substr(sp2 + 1));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::string_view f = lines[i];
    if (!f.empty() && (f.front() == ' ' || f.front() == '\t')) {
      out.problem = "a header field folded over two lines";
      return out;
    }
    auto colon = f.find(':');
    std::string_view name = f.substr(0, colon);
    if (colon == std::string_view::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(), [](unsigned char c) { return is_token_char(c); })) {
      out.problem = fmt::format("a malformed header field '{}'", f.substr(0, 40));
      return out;
    }
    out.head.fields.emplace_back(lower(name), std::string(trim_blanks(f.substr(colon + 1))));
  }
  out.problem = framing_problem(out.head);
  return out;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
  }
}

std::string serialize_response(int status,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               const std::string& body, bool head_only, bool keep_alive) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  // 204 and 304 carry no body and no length (RFC 9110 8.6).
  if (status != 204 && status != 304) out += fmt::format("Content-Length: {}\r\n", body.size());
  out += "\r\n";
  if (!head_only && status != 204 && status != 304) out += body;
  return out;
}

}  // namespace terrier::api
