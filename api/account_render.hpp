#pragma once

// How the account routes render a person and turn refused account changes
// into problem details. Shared by session_handlers.cpp and
// user_handlers.cpp.

#include <nlohmann/json.hpp>
#include <utility>

#include "api/field_problem.hpp"
#include "db/user_store.hpp"

namespace terrier::api {

// {"email", "name", "role", "role_label", "circle"}: what a signed-in person learns about
// themselves. An account without a name shows its address.
inline nlohmann::json person_json(const db::User& u) {
  return {{"email", u.email},
          {"name", u.name.empty() ? u.email : u.name},
          {"role", role_name(u.role)},
          {"role_label", role_label(u.role)},
          {"circle", u.circle ? nlohmann::json(*u.circle) : nlohmann::json(nullptr)}};
}

// The admin's view of an account.
inline nlohmann::json account_json(const db::User& u) {
  auto j = person_json(u);
  j["id"] = u.id;
  j["name"] = u.name;
  j["status"] = db::account_status_value(u.status);
  j["disabled"] = u.status == db::AccountStatus::disabled;
  j["last_sign_in"] = u.last_sign_in ? nlohmann::json(*u.last_sign_in) : nlohmann::json(nullptr);
  return j;
}

inline Problem account_problem(const db::AccountError& e) {
  auto [status, title] = [&]() -> std::pair<int, const char*> {
    switch (refusal_kind(e.refusal())) {
      case RefusalKind::not_found:
        return {404, "Not Found"};
      case RefusalKind::conflict:
        return {409, "Conflict"};
      case RefusalKind::invalid:
        break;
    }
    return {400, "Bad Request"};
  }();
  if (e.field().empty()) return Problem(status, title, e.what());
  return field_problem(status, title, e.field(), e.what());
}

}  // namespace terrier::api
