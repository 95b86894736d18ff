// core/roles: every permission question, role by role. The handlers and the
// page (through GET /api/session's "may") take their answers from here.

#include "core/roles.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace terrier {
namespace {

constexpr std::array<Role, 5> kRoles = {Role::anonymous, Role::member, Role::foundation,
                                        Role::animator, Role::admin};

TEST(Roles, WriteScopesByEntity) {
  struct Case {
    Role role;
    WriteScope opportunity, need, request;
  };
  const Case cases[] = {
      {Role::anonymous, WriteScope::none, WriteScope::none, WriteScope::none},
      {Role::member, WriteScope::readable, WriteScope::readable, WriteScope::readable},
      {Role::foundation, WriteScope::none, WriteScope::none, WriteScope::readable},
      {Role::animator, WriteScope::none, WriteScope::circle, WriteScope::circle},
      {Role::admin, WriteScope::readable, WriteScope::readable, WriteScope::readable},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(role_name(c.role));
    EXPECT_EQ(write_scope(c.role, "opportunity"), c.opportunity);
    EXPECT_EQ(write_scope(c.role, "need"), c.need);
    EXPECT_EQ(write_scope(c.role, "request"), c.request);
    EXPECT_EQ(write_scope(c.role, "place"), WriteScope::none);
    EXPECT_EQ(write_scope(c.role, "match"), WriteScope::none);
    EXPECT_EQ(may_write_entity(c.role, "need"), c.need != WriteScope::none);
    EXPECT_EQ(may_write_requests(c.role), c.request != WriteScope::none);
  }
}

TEST(Roles, AMemberNeverWritesAConfidentialRowOrMakesOne) {
  EXPECT_TRUE(may_write_row(Role::member, "opportunity", "public", false));
  EXPECT_TRUE(may_write_row(Role::member, "opportunity", "réseau", false));
  EXPECT_FALSE(may_write_row(Role::member, "opportunity", "confidentiel", true));
  EXPECT_TRUE(may_write_row(Role::admin, "opportunity", "confidentiel", false));
  EXPECT_FALSE(may_write_row(Role::foundation, "opportunity", "public", true));
  EXPECT_TRUE(may_set_visibility(Role::member, "réseau"));
  EXPECT_FALSE(may_set_visibility(Role::member, "confidentiel"));
  EXPECT_FALSE(may_set_visibility(Role::member, "secret"));
  EXPECT_TRUE(may_set_visibility(Role::admin, "confidentiel"));
  EXPECT_EQ(settable_visibilities(Role::member), (std::vector<std::string>{"public", "réseau"}));
}

TEST(Roles, AnAnimatorWritesOnlyInsideItsCircle) {
  EXPECT_TRUE(may_write_row(Role::animator, "need", "", true));
  EXPECT_FALSE(may_write_row(Role::animator, "need", "", false));
  EXPECT_TRUE(may_write_row(Role::animator, "request", "", true));
  EXPECT_FALSE(may_write_row(Role::animator, "request", "", false));
  EXPECT_FALSE(may_write_row(Role::animator, "opportunity", "public", true));
  // Members' writes are not limited to a circle.
  EXPECT_TRUE(may_write_row(Role::member, "need", "", false));
}

TEST(Roles, WhatARoleMayNotReadItMayNotWrite) {
  for (Role role : kRoles) {
    SCOPED_TRACE(role_name(role));
    bool sees = role == Role::foundation || role == Role::admin;
    for (const char* field : {"owner_name", "owner_contact", "notes"}) {
      EXPECT_EQ(may_read_field(role, "opportunity", field), sees) << field;
    }
    for (const char* field : {"contact", "notes"}) {
      EXPECT_EQ(may_read_field(role, "need", field), sees) << field;
      EXPECT_EQ(may_read_field(role, "request", field), sees) << field;
    }
    EXPECT_TRUE(may_read_field(role, "opportunity", "title"));
    EXPECT_TRUE(may_read_field(role, "opportunity", "visibility"));
    for (const char* entity : {"opportunity", "need", "request"}) {
      for (const char* field : {"contact", "owner_name", "owner_contact", "notes", "title"}) {
        EXPECT_EQ(may_write_field(role, entity, field), may_read_field(role, entity, field))
            << entity << "." << field;
      }
    }
  }
}

TEST(Roles, OnlyAdminsListAndRevokeOtherPeoplesTokens) {
  for (Role role : kRoles) {
    SCOPED_TRACE(role_name(role));
    EXPECT_EQ(may_manage_others_tokens(role), role == Role::admin);
  }
}

TEST(Roles, ImportsAdminsEverywhereMembersTheirCircle) {
  EXPECT_EQ(import_scope(Role::admin, false), ImportScope::everywhere);
  EXPECT_EQ(import_scope(Role::member, true), ImportScope::circle);
  EXPECT_EQ(import_scope(Role::member, false), ImportScope::none);
  EXPECT_EQ(import_scope(Role::animator, true), ImportScope::none);
  EXPECT_EQ(import_scope(Role::foundation, true), ImportScope::none);
  EXPECT_EQ(import_scope(Role::anonymous, true), ImportScope::none);
  EXPECT_FALSE(may_import(Role::member, false));
  EXPECT_TRUE(may_import_kind(Role::member, "opportunities"));
  EXPECT_TRUE(may_import_kind(Role::member, "needs"));
  EXPECT_FALSE(may_import_kind(Role::member, "places"));
  EXPECT_FALSE(may_import_kind(Role::member, "requests"));
  EXPECT_TRUE(may_import_kind(Role::admin, "requests"));
}

TEST(Roles, TerritoryExportsFoundationsAdminsAndAnAnimatorsOwnCircle) {
  const std::optional<std::string> mel = std::string("mel");
  EXPECT_TRUE(may_export_territory(Role::foundation, std::nullopt, "littoral"));
  EXPECT_TRUE(may_export_territory(Role::admin, std::nullopt, "mel"));
  EXPECT_TRUE(may_export_territory(Role::animator, mel, "mel"));
  EXPECT_FALSE(may_export_territory(Role::animator, mel, "littoral"));
  EXPECT_FALSE(may_export_territory(Role::animator, std::nullopt, "mel"));
  EXPECT_FALSE(may_export_territory(Role::member, mel, "mel"));
  EXPECT_FALSE(may_export_territory(Role::anonymous, std::nullopt, "mel"));
}

TEST(Roles, OnlyAdminsChooseAReference) {
  for (Role role : kRoles) EXPECT_EQ(may_choose_reference(role), role == Role::admin);
}

}  // namespace
}  // namespace terrier
