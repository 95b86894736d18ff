#include "core/roles.hpp"

namespace terrier {

const char* role_name(Role role) {
  switch (role) {
    case Role::anonymous: return "public";
    case Role::member: return "member";
    case Role::foundation: return "foundation";
    case Role::animator: return "animator";
    case Role::admin: return "admin";
  }
  return "public";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::anonymous, Role::member, Role::foundation, Role::animator, Role::admin}) {
    if (name == role_name(r)) return r;
  }
  return std::nullopt;
}

std::vector<std::string> readable_visibilities(Role role) {
  switch (role) {
    case Role::anonymous: return {"public"};
    case Role::member:
    case Role::animator: return {"public", "réseau"};
    case Role::foundation:
    case Role::admin: return {"public", "réseau", "confidentiel"};
  }
  return {"public"};
}

bool is_account_role(Role role) { return role != Role::anonymous; }

bool may_manage_users(Role role) { return role == Role::admin; }

bool may_create_personal_tokens(Role role, bool by_session) {
  return by_session && is_account_role(role);
}

bool confidential_field(std::string_view entity, std::string_view field) {
  if (entity == "opportunity") return field == "owner_name" || field == "owner_contact" || field == "notes";
  if (entity == "need" || entity == "request") return field == "contact" || field == "notes";
  return false;
}


}  // namespace terrier
