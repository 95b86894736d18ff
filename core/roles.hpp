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

}  // namespace terrier
