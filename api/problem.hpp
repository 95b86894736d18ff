#pragma once

// Errors that become RFC 7807 problem details with an HTTP status.

#include <stdexcept>
#include <string>

namespace terrier::api {

class Problem : public std::runtime_error {
 public:
  Problem(int status, std::string title, const std::string& detail, std::string field = "")
      : std::runtime_error(detail), status_(status), title_(std::move(title)), field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& title() const { return title_; }
  // The JSON field of the request body that was refused, or empty.
  const std::string& field() const { return field_; }

 private:
  int status_;
  std::string title_;
  std::string field_;
};

inline Problem bad_request(const std::string& detail) { return {400, "Bad Request", detail}; }
inline Problem not_found(const std::string& detail) { return {404, "Not Found", detail}; }
// A refused body field: 400 with "field" (its JSON name) and a French detail
// the page shows next to that field.
inline Problem field_error(const std::string& field, const std::string& detail) {
  return {400, "Bad Request", detail, field};
}

// {"type":"about:blank","title":...,"status":...,"detail":...[,"field":...]}
std::string problem_json(int status, const std::string& title, const std::string& detail,
                         const std::string& field = "");

}  // namespace terrier::api
