#pragma once

// The bodies of the account routes (sign-in, invitation, users, personal
// tokens), parsed and validated: a refused field is a 400 naming it, with a
// French detail the page shows next to that field.

#include <optional>
#include <string>

#include "db/user_store.hpp"

namespace terrier::api {

inline constexpr std::size_t kMinPasswordChars = 12;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// POST /api/session {"email", "password"}
struct SignInBody {
  std::string email;
  std::string password;
  static SignInBody parse(const std::string& body);
};

// POST /api/invitations/lookup {"token"}
struct InvitationBody {
  std::string token;
  static InvitationBody parse(const std::string& body);
};

// POST /api/invitations/accept {"token", "password", "password_confirmation"}
struct NewPasswordBody {
  std::string token;
  std::string password;
  std::string confirmation;
  static NewPasswordBody parse(const std::string& body);
  // The password's rules (length, confirmation); asked once the invitation
  // is known to be usable.
  void validate() const;
};

// POST /api/users {"email", "role", "circle", "name"}
struct NewUserBody {
  db::NewUser user;
  static NewUserBody parse(const std::string& body);
};

// PATCH /api/users/{id} {"role"?, "circle"?, "disabled"?}
struct UserPatchBody {
  db::UserChange change;
  static UserPatchBody parse(const std::string& body);
};

// POST /api/tokens {"name"}
struct TokenBody {
  std::string name;
  static TokenBody parse(const std::string& body);
};

// POST /api/searches {"name", "query", "email"?}; PATCH the same, each
// optional.
struct SearchBody {
  std::optional<std::string> name;
  std::optional<std::string> query;
  std::optional<bool> email;
  static SearchBody parse(const std::string& body, bool creating);
};

// POST /api/needs/{id}/feed {"min_score"?}
struct NeedFeedBody {
  double min_score = 0;
  static NeedFeedBody parse(const std::string& body);
};

}  // namespace terrier::api
