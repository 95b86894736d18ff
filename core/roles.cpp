#include "core/roles.hpp"

namespace terrier {

const char* role_name(Role role) {
  switch (role) {
    case Role::anonymous:
      return "public";
    case Role::member:
      return "member";
    case Role::foundation:
      return "foundation";
    case Role::animator:
      return "animator";
    case Role::admin:
      return "admin";
  }
  return "public";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::anonymous, Role::member, Role::foundation, Role::animator, Role::admin}) {
    if (name == role_name(r)) return r;
  }
  return std::nullopt;
}

const char* role_label(Role role) {
  switch (role) {
    case Role::anonymous:
      return "Visiteur";
    case Role::member:
      return "Membre du groupe foncier";
    case Role::foundation:
      return "Foncière solidaire";
    case Role::animator:
      return "Animateur de cercle";
    case Role::admin:
      return "Administrateur";
  }
  return "Visiteur";
}

std::vector<Role> account_roles() {
  return {Role::member, Role::foundation, Role::animator, Role::admin};
}

std::vector<std::string> readable_visibilities(Role role) {
  switch (role) {
    case Role::anonymous:
      return {"public"};
    case Role::member:
    case Role::animator:
      return {"public", "réseau"};
    case Role::foundation:
    case Role::admin:
      return {"public", "réseau", "confidentiel"};
  }
  return {"public"};
}

bool is_account_role(Role role) {
  return role != Role::anonymous;
}

bool may_manage_users(Role role) {
  return role == Role::admin;
}

bool may_create_personal_tokens(Role role, bool by_session) {
  return by_session && is_account_role(role);
}

bool confidential_field(std::string_view entity, std::string_view field) {
  if (entity == "opportunity")
    return field == "owner_name" || field == "owner_contact" || field == "notes";
  if (entity == "need" || entity == "request") return field == "contact" || field == "notes";
  return false;
}

WriteScope write_scope(Role role, std::string_view entity) {
  bool known = entity == "opportunity" || entity == "need" || entity == "request";
  if (!known) return WriteScope::none;
  switch (role) {
    case Role::anonymous:
      return WriteScope::none;
    case Role::admin:
    case Role::member:
      return WriteScope::readable;
    case Role::foundation:
      return entity == "request" ? WriteScope::readable : WriteScope::none;
    case Role::animator:
      return entity == "opportunity" ? WriteScope::none : WriteScope::circle;
  }
  return WriteScope::none;
}

bool may_write_row(Role role, std::string_view entity, std::string_view visibility,
                   bool in_circle) {
  switch (write_scope(role, entity)) {
    case WriteScope::none:
      return false;
    case WriteScope::circle:
      return in_circle && (visibility.empty() || may_set_visibility(role, visibility));
    case WriteScope::readable:
      return visibility.empty() || may_set_visibility(role, visibility);
  }
  return false;
}

bool may_set_visibility(Role role, std::string_view visibility) {
  for (const auto& v : readable_visibilities(role)) {
    if (v == visibility) return true;
  }
  return false;
}

ImportScope import_scope(Role role, bool has_circle) {
  if (role == Role::admin) return ImportScope::everywhere;
  if (role == Role::member && has_circle) return ImportScope::circle;
  return ImportScope::none;
}

bool may_import_kind(Role role, std::string_view kind) {
  if (role == Role::admin) return true;
  if (role == Role::member) return kind == "opportunities" || kind == "needs";
  return false;
}

bool may_export_territory(Role role, const std::optional<std::string>& own_circle,
                          std::string_view slug) {
  switch (role) {
    case Role::foundation:
    case Role::admin:
      return true;
    case Role::animator:
      return own_circle && *own_circle == slug;
    case Role::anonymous:
    case Role::member:
      return false;
  }
  return false;
}

}  // namespace terrier
