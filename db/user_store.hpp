#pragma once

// People's accounts in the database: users, invitations, browser sessions,
// the failed sign-ins that throttle attempts, and personal API tokens. Every
// secret (invitation token, session id, API token) is stored as its SHA-256
// and looked up by it; passwords arrive already hashed (core/password).
// Each function runs in its own transaction and writes its audit_log row in
// it.

#include <optional>
#include <string>
#include <vector>

#include "core/account_refusal.hpp"
#include "core/error.hpp"
#include "core/roles.hpp"
#include "db/connection.hpp"

namespace terrier::db {

// A refused account change: why (core/account_refusal, whose French words
// are its what()) and the JSON field it concerns.
class AccountError : public Error {
 public:
  AccountError(AccountRefusal refusal, std::string field, const std::string& detail = {})
      : Error(account_refusal_text(refusal, detail)), refusal_(refusal), field_(std::move(field)) {}
  AccountRefusal refusal() const { return refusal_; }
  const std::string& field() const { return field_; }

 private:
  AccountRefusal refusal_;
  std::string field_;
};

// In the order of vocabulary::kAccountStatuses.
enum class AccountStatus { active, invited, disabled };
// "active", "invitée", "désactivée".
std::string_view account_status_value(AccountStatus status);

struct User {
  long long id = 0;
  std::string email;
  std::string name;
  Role role = Role::member;
  std::optional<std::string> circle;  // slug
  AccountStatus status = AccountStatus::active;
  std::optional<std::string> last_sign_in;  // ISO 8601, UTC
};

struct NewUser {
  std::string email;
  std::string name;
  Role role = Role::member;
  std::optional<std::string> circle;  // slug of a territory of level circle
};

struct Invited {
  long long user_id = 0;
  std::string path;  // "/invitation.html#token=<token>": shown once
};

// The path a person opens to choose a password.
std::string invitation_path(const std::string& token);

// Creates a pending account and its invitation (7 days, single use).
// Throws AccountError for a taken address, a bad role or circle.
Invited invite_user(pqxx::connection_base& conn, const NewUser& user, const std::string& actor);

// A new invitation for an existing account: earlier invitations are revoked,
// the password is forgotten, the sessions ended and the personal API tokens
// revoked, and the addresses of the feeds changed. Throws AccountError
// (404) for an unknown account, (409) for a disabled one.
Invited reset_user(pqxx::connection_base& conn, long long user_id, const std::string& actor);

std::vector<User> list_users(pqxx::connection_base& conn);
std::optional<User> find_user(pqxx::connection_base& conn, long long id);
std::optional<User> find_user_by_email(pqxx::connection_base& conn, const std::string& email);

struct UserChange {
  std::optional<Role> role;
  std::optional<std::optional<std::string>> circle;  // set, or cleared with nullopt inside
  std::optional<bool> disabled;
};

// Applies a change, audited as role_change, circle_change, disable or
// enable. A disabled account's sessions end at once. Refuses (409) to leave
// no active admin. Returns the account as it is now; nullopt when unknown.
std::optional<User> change_user(pqxx::connection_base& conn, long long id, const UserChange& change,
                                const std::string& actor);

// An invitation that can still be used: not used, not revoked, not expired,
// its account not disabled.
std::optional<User> find_invitation(pqxx::connection_base& conn, const std::string& token);

// Uses the invitation: stores the password's hash, marks it used. Returns
// the account, or nullopt when the invitation cannot be used (any more).
std::optional<User> accept_invitation(pqxx::connection_base& conn, const std::string& token,
                                      const std::string& password_hash, const std::string& client);

// What a sign-in checks the password against.
struct SignInCandidate {
  long long user_id = 0;
  std::string password_hash;  // empty: no password yet
  bool disabled = false;
};
std::optional<SignInCandidate> sign_in_candidate(pqxx::connection_base& conn,
                                                 const std::string& email);

// Throttling. Before checking a password: when 5 failures for this address
// or this client happened within 15 minutes, the seconds to wait; otherwise
// a failure is recorded at once (so that concurrent attempts count) and its
// id returned, to forget when the password turns out right.
struct Attempt {
  std::optional<int> retry_after_s;
  long long failure_id = 0;
};
Attempt begin_sign_in_attempt(pqxx::connection_base& conn, const std::string& email,
                              const std::string& client);
void forget_failure(pqxx::connection_base& conn, long long failure_id);

// audit_log rows of sign_in_failed (who typed what address, from where).
void record_sign_in_failure(pqxx::connection_base& conn, const std::string& email,
                            std::optional<long long> user_id, const std::string& client);

// A new session for a signed-in person (audited as sign_in); returns the
// secret for the cookie.
std::string create_session(pqxx::connection_base& conn, long long user_id,
                           const std::string& client);

struct SessionUser {
  long long session_id = 0;
  User user;
};
// The live session with this secret: not idle for 8 hours, younger than 30
// days, its account active. Notes the time it was seen (at most once a
// minute).
std::optional<SessionUser> find_session(pqxx::connection_base& conn, const std::string& secret);
// Ends the session (audited as sign_out); false when there was none.
bool end_session(pqxx::connection_base& conn, const std::string& secret);

struct PersonalToken {
  long long id = 0;
  std::string name;
  std::string created_at;
  std::optional<std::string> last_used_at;
};
struct CreatedPersonalToken {
  PersonalToken info;
  std::string token;  // the secret, shown once
};
CreatedPersonalToken create_personal_token(pqxx::connection_base& conn, const User& user,
                                           const std::string& name);
// The account's active tokens, without their secrets.
std::vector<PersonalToken> list_personal_tokens(pqxx::connection_base& conn, long long user_id);
// Revokes one of the user's tokens, audited with `actor` (the person, or the
// admin who revoked it); false when the user has no active token with this
// id.
bool revoke_personal_token(pqxx::connection_base& conn, long long user_id, long long token_id,
                           const std::string& actor);

}  // namespace terrier::db
