#pragma once

// Who may see what. Every path that returns data asks these questions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace terrier {

enum class Role { anonymous, member, foundation, animator, admin };

const char* role_name(Role role);  // "public", "member", ...
std::optional<Role> parse_role(std::string_view name);

// Opportunity visibilities a role may read: public sees "public"; members and
// animators also "réseau"; foundations and admins everything.
std::vector<std::string> readable_visibilities(Role role);

// Owner name and contact, needs' contacts, notes.
inline bool sees_confidential(Role role) { return role == Role::foundation || role == Role::admin; }

// Accounts. A role a person's account may hold ("public" is no account).
bool is_account_role(Role role);
// Invite people, change their roles and circles, disable accounts, reset
// passwords, list accounts.
bool may_manage_users(Role role);
// Create personal API tokens: a person signed in through a browser session
// only (a leaked token must not mint others).
bool may_create_personal_tokens(Role role, bool by_session);
// An animator's account needs a circle; other roles may have one.
inline bool role_needs_circle(Role role) { return role == Role::animator; }
// Whether a field of an entity ("opportunity", "need", "request") is
// confidential (owners, contacts, notes), and whether a role may read it.
bool confidential_field(std::string_view entity, std::string_view field);
inline bool may_read_field(Role role, std::string_view entity, std::string_view field) {
  return sees_confidential(role) || !confidential_field(entity, field);
}

// The follow-up (matches' statuses and notes, histories, the board and the
// requests) is the network's work: any signed-in role reads it.
inline bool may_read_followup(Role role) { return role != Role::anonymous; }
// The land group (members), foundations and admins move a match along.
inline bool may_set_match_status(Role role) {
  return role == Role::member || role == Role::foundation || role == Role::admin;
}
// Requests ("sollicitations") are logged by the land group, foundations,
// animators and admins; what a role may not read (contact, notes) it may
// not write either.
inline bool may_write_requests(Role role) { return role != Role::anonymous; }


// The server's counters (/metrics: routes, traffic, pool use).
inline bool reads_metrics(Role role) { return role == Role::admin; }

}  // namespace terrier
