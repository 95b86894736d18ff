#pragma once

// Why the importers refuse a value or warn about it: a code and its
// parameters (the value as written, a limit, a count), never a sentence.
// The French text of every code is in one table (reasons.cpp); the command
// line, the API's import reports, its refusals of writes and the page all
// show french(reason), and the API gives code_name() as a stable "code".

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace terrier::importers {

enum class ReasonCode {
  // Values
  required,
  placeholder_read_as_unknown,
  placeholder_but_required,
  not_a_number,            // value
  too_large,               // value
  greater_than,            // minimum
  at_least,                // minimum
  at_most,                 // maximum with its unit
  implausibly_large,       // limit
  ambiguous_decimal,       // value, read without dots, read with a comma
  not_a_surface_or_range,  // value
  minimum_above_maximum,   // value
  surface_out_of_bounds,   //
  not_a_date,              // value
  not_a_date_form,         // value (none of the fuzzy forms either)
  implausible_year,        // value, year
  no_such_month,           // value, month
  no_such_day,             // value, month, year, days in that month
  give_a_date,             //
  not_yes_no,              // value
  unknown_term,            // value, vocabulary, accepted values
  too_long,                // maximum length
  unknown_field,           //
  impossible_number_in_free_column,
  line_longer_than_header,  // fields of the line, fields of the header
  // Rows
  ends_before_start,
  max_below_min,
  ideal_outside_range,
  no_title_named,             // the name given
  annual_rent_converted,      // monthly rent, the conversion
  rent_per_m2_converted,      // monthly rent, the conversion
  rent_per_m2_needs_surface,  //
  // Locations
  latitude_without_longitude,
  longitude_without_latitude,
  lat_lon_swapped,
  outside_region,
  malformed_insee,
  unknown_insee,
  commune_name_not_unique,
  no_commune_postcode_name,
  postcode_alone,
  empty_geometry,
  only_points_and_polygons,
  only_points,
  too_many_vertices,     // vertices, maximum
  unrepairable_polygon,  // GEOS's reason
  polygon_repaired,      // GEOS's reason
  non_finite_coordinates,
  unreadable_geometry,  // the library's message
  projection_failed,    // the library's message
  axes_swapped_read,
  geocode_low_score,  // the address found, its score, the threshold
  geocode_not_found,
  no_location,
  place_without_location,
  // Needs
  unknown_place_ref,
  unknown_territory,
  several_territories,  // the territories
  point_needs_radius,
  no_search_area,
  // The file as a whole
  unknown_row_id,            // id
  repeated_reference,        // the first row's position
  repeated_row,              // the first row's position
  ambiguous_reference,       // the column taken, the column kept
  column_kept,               //
  column_kept_did_you_mean,  // the suggested header
  sync_skipped,              //
  probable_duplicate,        // title, source, reference, distance in m
  visibility_not_allowed,    // visibility
  outside_circle,            // the circle's slug
  stored_row_out_of_reach,
  edit_kept,                  // by, on, Terrier's value
  edit_kept_was_empty,        // by, on
  edit_overridden,            // by, on, Terrier's former value
  edit_overridden_was_empty,  // by, on
  // Territories and circles
  territory_without_code,
  not_a_level_code,  // level
  territory_without_name,
  code_repeated,
  territory_without_geometry,
  no_polygon,
  unusable_slug,
  slug_taken,  // slug, its owner
  not_a_slug,  // the slug suggested
  unknown_member,
  // Requests
  unknown_commune,
  unknown_need,
  unknown_place,
  repeated_request,
  unknown_request_id,
  count  // not a code: the number of codes
};

inline constexpr std::size_t kReasonCodeCount = static_cast<std::size_t>(ReasonCode::count);

struct Reason {
  Reason() = default;
  // NOLINTNEXTLINE(google-explicit-constructor): {code, {params}} reads well
  Reason(ReasonCode c, std::vector<std::string> p = {}) : code(c), params(std::move(p)) {}
  ReasonCode code = ReasonCode::required;
  std::vector<std::string> params;  // in the order the code's comment gives
  bool operator==(const Reason&) const = default;
};

// The code's stable name, snake_case ("not_a_number"), as the API gives it.
const char* code_name(ReasonCode code);
// How many parameters the code's text takes.
std::size_t param_count(ReasonCode code);
// The French text, parameters substituted ("« abc » n'est pas un nombre");
// a missing parameter is empty, an extra one ignored.
std::string french(const Reason& reason);
// The same, and "" without a reason (a parser's blank value).
std::string french(const std::optional<Reason>& reason);

}  // namespace terrier::importers
