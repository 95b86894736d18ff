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

// The role's name as people read it, in French ("Membre du groupe foncier").
const char* role_label(Role role);

// The roles an account may hold, in the order an administrator picks them.
std::vector<Role> account_roles();

// Opportunity visibilities a role may read: public sees "public"; members and
// animators also "réseau"; foundations and admins everything.
std::vector<std::string> readable_visibilities(Role role);

// Owner name and contact, needs' contacts, notes.
inline bool sees_confidential(Role role) {
  return role == Role::foundation || role == Role::admin;
}

// Accounts. A role a person's account may hold ("public" is no account).
bool is_account_role(Role role);
// Invite people, change their roles and circles, disable accounts, reset
// passwords, list accounts.
bool may_manage_users(Role role);
// Create personal API tokens: a person signed in through a browser session
// only (a leaked token must not mint others).
bool may_create_personal_tokens(Role role, bool by_session);
// List and revoke another person's personal API tokens (an account taken
// over, a laptop lost): those who manage accounts.
inline bool may_manage_others_tokens(Role role) {
  return may_manage_users(role);
}
// An animator's account needs a circle; other roles may have one.
inline bool role_needs_circle(Role role) {
  return role == Role::animator;
}
// Whether a field of an entity ("opportunity", "need", "request") is
// confidential (owners, contacts, notes), and whether a role may read it.
bool confidential_field(std::string_view entity, std::string_view field);
inline bool may_read_field(Role role, std::string_view entity, std::string_view field) {
  return sees_confidential(role) || !confidential_field(entity, field);
}

// The follow-up (matches' statuses and notes, histories, the board and the
// requests) is the network's work: any signed-in role reads it.
inline bool may_read_followup(Role role) {
  return role != Role::anonymous;
}
// The land group (members), foundations and admins move a match along.
inline bool may_set_match_status(Role role) {
  return role == Role::member || role == Role::foundation || role == Role::admin;
}

// --- Writing opportunities, needs and requests ---------------------------
//
// What a role may write of an entity ("opportunity", "need", "request"):
// nothing; only rows of its circle (an animator: needs whose area's centre
// lies in it, requests whose commune, need or place lies in it); or every row
// it may read (never a confidential one it may not read: members, foundations
// read everything but do not write opportunities and needs, they filter and
// watch). Admins write everything.
enum class WriteScope { none, circle, readable };
WriteScope write_scope(Role role, std::string_view entity);
inline bool may_write_entity(Role role, std::string_view entity) {
  return write_scope(role, entity) != WriteScope::none;
}
// Whether a role may write a stored row of `entity` whose visibility is
// `visibility` ("" for entities without one) and which lies in the role's
// circle or not. A row the role may not read is answered 404, as for reading.
bool may_write_row(Role role, std::string_view entity, std::string_view visibility, bool in_circle);
// Fields: what a role may not read it may not write (may_read_field),
// whatever the value sent: null, which clears the field, is a write too.
inline bool may_write_field(Role role, std::string_view entity, std::string_view field) {
  return may_read_field(role, entity, field);
}
// Requests ("sollicitations") are logged by the land group, foundations,
// animators (those of their circle) and admins.
inline bool may_write_requests(Role role) {
  return may_write_entity(role, "request");
}
// The visibilities a role may give an opportunity: those it reads (a member
// never makes a row "confidentiel": it could not see it any more).
bool may_set_visibility(Role role, std::string_view visibility);
inline std::vector<std::string> settable_visibilities(Role role) {
  return readable_visibilities(role);
}
// A client-chosen reference (external_id) would merge into an existing row:
// admins only.
inline bool may_choose_reference(Role role) {
  return role == Role::admin;
}

// --- Imports from the page and POST /api/imports --------------------------
//
// Admins import anything anywhere; a member with a circle imports
// opportunities and needs lying in its circle (rows outside are rejected);
// nobody else imports (a member without a circle is told to ask for one).
enum class ImportScope { none, circle, everywhere };
ImportScope import_scope(Role role, bool has_circle);
inline bool may_import(Role role, bool has_circle) {
  return import_scope(role, has_circle) != ImportScope::none;
}
// Which kinds an import by this role may load ("opportunities", "needs",
// "places", "requests").
bool may_import_kind(Role role, std::string_view kind);

// --- Exports --------------------------------------------------------------
//
// A territory's export: foundations and admins any territory, an animator
// its own circle; members ask their circle's animator.
bool may_export_territory(Role role, const std::optional<std::string>& own_circle,
                          std::string_view slug);
// The requests' spreadsheet (CSV, XLSX, ODS): whoever reads the requests.
inline bool may_export_requests(Role role) {
  return may_read_followup(role);
}

// The server's counters (/metrics: routes, traffic, pool use).
inline bool reads_metrics(Role role) {
  return role == Role::admin;
}

}  // namespace terrier
