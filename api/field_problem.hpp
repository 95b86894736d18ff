#pragma once

// A refused field of a request body: problem details that also carry
// "field" (the JSON field's name), so that a form shows the French detail
// next to that field. A Problem whose extensions hold {"field": …}, the
// shape api/field_errors.hpp gives the writes of opportunities and needs.

#include <nlohmann/json.hpp>
#include <string>

#include "api/problem.hpp"

namespace terrier::api {

inline Problem field_problem(int status, std::string title, const std::string& field,
                             const std::string& detail) {
  Problem p(status, std::move(title), detail);
  p.with_extensions(nlohmann::json{{"field", field}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace));
  return p;
}

inline Problem field_error(const std::string& field, const std::string& detail) {
  return field_problem(400, "Bad Request", field, detail);
}

}  // namespace terrier::api
