#pragma once

// A territory's dashboard (issue 23): its opportunities by status and by
// kind, its needs by status, its matches by follow-up stage, the surface
// found, the median time from a match proposed to its agreement, and the
// opportunities to re-verify. Rows belong to the territory as in the items'
// territory filter (an opportunity's point, a need's search centre, inside
// its outline) and are counted only when the role reads them (the
// opportunities' visibility); the follow-up only for the roles that read it.

#include <optional>
#include <string>

#include "core/roles.hpp"
#include "db/connection.hpp"

namespace terrier::db {

// {"territory", "opportunities": {"by_status": {value: n}, "by_kind": {...}},
// "needs": {"by_status": {...}}, "matches": {"by_stage": {...}} or null,
// "surface_found_m2" (null without the follow-up),
// "median_days_proposed_to_agreement" (null without an agreement),
// "to_reverify"}: every value of each vocabulary, 0 included, in the
// vocabulary's order. nullopt when no territory has the slug.
std::optional<std::string> dashboard(pqxx::connection_base& conn, const std::string& slug,
                                     Role role, int reverify_months);

}  // namespace terrier::db
