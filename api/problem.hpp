#pragma once

// Errors that become RFC 7807 problem details with an HTTP status.

#include <stdexcept>
#include <string>

namespace terrier::api {

class Problem : public std::runtime_error {
 public:
  Problem(int status, std::string title, const std::string& detail)
      : std::runtime_error(detail), status_(status), title_(std::move(title)) {}
  int status() const { return status_; }
  const std::string& title() const { return title_; }
  // RFC 7807 extension members, as the text of a JSON object (empty: none),
  // e.g. {"field": "built_surface_m2"} for a refused field of a write.
  const std::string& extensions() const { return extensions_; }
  Problem& with_extensions(std::string json_object) {
    extensions_ = std::move(json_object);
    return *this;
  }

 private:
  int status_;
  std::string title_;
  std::string extensions_;
};

inline Problem bad_request(const std::string& detail) {
  return {400, "Bad Request", detail};
}
inline Problem not_found(const std::string& detail) {
  return {404, "Not Found", detail};
}

// {"type":"about:blank","title":...,"status":...,"detail":...} plus the
// members of `extensions` (a JSON object's text, or empty).
std::string problem_json(int status, const std::string& title, const std::string& detail,
                         const std::string& extensions = "");

}  // namespace terrier::api
