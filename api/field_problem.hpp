#pragma once

// A refused field of a request body: problem details that also carry
// "field" (the JSON field's name), so that a form shows the French detail
// next to that field.

#include <string>

#include "api/problem.hpp"

namespace terrier::api {

class FieldProblem : public Problem {
 public:
  FieldProblem(int status, std::string title, std::string field, const std::string& detail)
      : Problem(status, std::move(title), detail), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

inline FieldProblem field_error(std::string field, const std::string& detail) {
  return {400, "Bad Request", std::move(field), detail};
}

// The problem details of a FieldProblem, as JSON text.
std::string field_problem_json(const FieldProblem& p);

}  // namespace terrier::api
