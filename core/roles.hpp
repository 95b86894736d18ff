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

// The server's counters (/metrics: routes, traffic, pool use).
inline bool reads_metrics(Role role) { return role == Role::admin; }

}  // namespace terrier
