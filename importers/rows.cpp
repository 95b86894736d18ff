#include "importers/rows.hpp"

#include <fmt/core.h>

#include <cmath>

#include "core/hash.hpp"
#include "core/text.hpp"
#include "core/vocabulary.hpp"
#include "db/model_tables.hpp"

namespace terrier::importers {
namespace {

using V = std::optional<std::string>;

V num(const std::optional<double>& v) {
  return v ? V(sql_number(*v)) : std::nullopt;
}
V iso(const std::optional<Date>& d) {
  return d ? V(d->iso()) : std::nullopt;
}
V boolean(const std::optional<bool>& b) {
  return b ? V(*b ? "t" : "f") : std::nullopt;
}

// Content hash over every staged value, so that a changed row is updated and
// an identical one left alone.
std::string content_hash(const std::vector<V>& values) {
  Sha256 h;
  for (const auto& v : values) {
    if (v) {
      h.update(*v);
      h.update("\x1f");
    } else {
      h.update("\x1e");
    }
  }
  return h.hex_digest();
}

// The row's values by column name, put in the spec's order (a column missing
// or unknown throws: a row builder's bug). `immediate`: the column of a date
// read from "immédiatement" (today), hashed as the word, so that importing
// the same file tomorrow changes nothing.
db::StagedRow staged(const db::TableSpec& spec, const RowFields& row,
                     std::optional<std::string> external_id, db::NamedValues values,
                     const char* immediate = nullptr) {
  db::StagedRow out;
  out.position = row.record().position;
  // "#42": the stored row 42 itself (a sheet Terrier wrote, for a row
  // without a reference of its own).
  if (external_id && external_id->size() > 1 && external_id->front() == '#' &&
      external_id->find_first_not_of("0123456789", 1) == std::string::npos &&
      external_id->size() < 19) {
    out.target_id = std::stoll(external_id->substr(1));
  } else {
    out.external_id = std::move(external_id);
  }
  out.source = row.text("row_source");
  out.values = db::ordered_values(spec, std::move(values));
  if (immediate) {
    std::vector<V> hashed = out.values;
    hashed.at(spec.index_of(immediate)) = "immédiatement";
    out.content_hash = content_hash(hashed);
  } else {
    out.content_hash = content_hash(out.values);
  }
  return out;
}

LocationInput location_input(const RowFields& row) {
  LocationInput in;
  in.lon = row.text("lon");
  in.lat = row.text("lat");
  in.wkt = row.text("wkt_surface");  // a site's outline (CNIG geomsurf) before its point
  if (!in.wkt) in.wkt = row.text("wkt");
  in.insee = row.text("commune_insee");
  in.postcode = row.text("postcode");
  in.commune_name = row.text("commune_name");
  in.precision = row.text("location_precision");
  if (row.record().wkb) in.wkb = &*row.record().wkb;
  return in;
}

// The row's location, or nullopt (rejected, or not located when optional).
std::optional<Location> locate(RowFields& row, const RowContext& ctx, bool required) {
  auto result = ctx.locations.resolve(location_input(row));
  if (auto* loc = std::get_if<Location>(&result)) {
    if (loc->repaired) {
      row.warn("wkt", "", {ReasonCode::polygon_repaired, {loc->repair_reason}});
    }
    if (loc->axes_swapped) {
      const char* field = row.text("wkt_surface") ? "wkt_surface" : "wkt";
      row.warn(field, "", {ReasonCode::axes_swapped_read});
      row.annotate("axis_order", field, "latitude longitude");
    }
    return *loc;
  }
  if (auto* err = std::get_if<LocationError>(&result)) {
    row.reject(err->field.c_str(), err->value, err->reason);
  } else if (required) {
    row.reject("lat", "", {ReasonCode::no_location});
  }
  return std::nullopt;
}

double cents(double v) {
  return std::round(v * 100) / 100;
}

// The monthly rent, from the file's monthly, annual (÷ 12) or per m² and
// per year (× surface ÷ 12) column; a conversion is noted in the
// attributes and warned about.
std::optional<double> monthly_rent(RowFields& row, std::optional<double> surface) {
  auto month = row.number("rent_eur_month", 0);
  auto year = row.number("rent_eur_year", 0);
  auto per_m2 = row.number("rent_eur_m2_year", 0);
  if (month) return month;
  if (year) {
    double v = cents(*year / 12);
    std::string how = fmt::format("loyer annuel {} € ÷ 12", sql_number(*year));
    row.annotate("converted", "rent_eur_month", how);
    row.warn("rent_eur_year", sql_number(*year),
             {ReasonCode::annual_rent_converted, {sql_number(v), how}});
    return v;
  }
  if (per_m2) {
    if (!surface) {
      row.reject("rent_eur_m2_year", sql_number(*per_m2), {ReasonCode::rent_per_m2_needs_surface});
      return std::nullopt;
    }
    double v = cents(*per_m2 * *surface / 12);
    std::string how =
        fmt::format("{} €/m²/an × {} m² ÷ 12", sql_number(*per_m2), sql_number(*surface));
    row.annotate("converted", "rent_eur_month", how);
    row.warn("rent_eur_m2_year", sql_number(*per_m2),
             {ReasonCode::rent_per_m2_converted, {sql_number(v), how}});
    return v;
  }
  return std::nullopt;
}

}  // namespace

std::optional<db::StagedRow> build_opportunity(RowFields& row, const RowContext& ctx) {
  constexpr double kMaxSurface = 1e9;
  auto kind = row.term("kind", opportunity_kinds());
  if (!kind && !row.text("kind")) row.reject_missing("kind");
  auto title = row.text("title");
  if (!title && kind) {
    // Sources such as Cartofriches leave some names empty: name the row by
    // its kind and reference rather than lose it, and say so.
    auto ref = row.text("external_id");
    title = *kind + (ref ? " " + *ref : row.text("address") ? " " + *row.text("address") : "");
    row.warn("title", "", {ReasonCode::no_title_named, {*title}});
  }
  auto built = row.number("built_surface_m2", 0, true, kMaxSurface);
  auto land = row.number("land_surface_m2", 0, true, kMaxSurface);
  auto tenure_list = row.terms("tenures", tenures());
  auto price = row.number("price_eur", 0);
  auto rent = monthly_rent(row, built ? built : land);
  auto from = row.date("available_from");
  auto until = row.date("available_until");
  if (from && until && *until < *from) {
    row.reject("available_until", until->iso(), {ReasonCode::ends_before_start});
  }
  auto owner_kind = row.term("owner_kind", owner_kinds());
  auto status = row.term("status", opportunity_statuses());
  auto visibility = row.term("visibility", visibilities());
  auto verified = row.date("last_verified");
  auto checked = row.boolean("source_checked");
  auto loc = locate(row, ctx, /*required=*/true);
  if (row.rejected() || !loc) return std::nullopt;

  return staged(db::opportunities_table(), row, row.text("external_id"),
                {{"title", title},
                 {"kind", kind},
                 {"address", row.text("address")},
                 {"commune_insee", loc->insee},
                 {"geom", loc->ewkb_hex},
                 {"location_precision", loc->precision},
                 {"geom_repaired", V(loc->repaired ? "t" : "f")},
                 {"built_surface_m2", num(built)},
                 {"land_surface_m2", num(land)},
                 {"tenures", text::pg_array_literal(tenure_list)},
                 {"price_eur", num(price)},
                 {"rent_eur_month", num(rent)},
                 {"available_from", iso(from)},
                 {"available_until", iso(until)},
                 {"owner_kind", owner_kind},
                 {"status", status.value_or(std::string(vocabulary::kAvailable))},
                 {"visibility", visibility.value_or("réseau")},
                 {"last_verified", iso(verified)},
                 {"source_status", row.text("source_status")},
                 {"source_checked", boolean(checked)},
                 {"attributes", row.attributes_json()},
                 {"owner_name", row.text("owner_name")},
                 {"owner_contact", row.text("owner_contact")},
                 {"notes", row.text("notes")}},
                row.is_immediate("available_from") ? "available_from" : nullptr);
}

std::optional<db::StagedRow> build_place(RowFields& row, const RowContext& ctx) {
  auto name = row.required_text("name");
  auto kind = row.term("kind", place_kinds());
  std::vector<std::string> competences;
  if (auto c = row.text("competences")) competences = text::split_any(*c, {",", ";", "/", "|"});
  auto loc = locate(row, ctx, /*required=*/false);
  if (row.rejected()) return std::nullopt;
  if (!loc) row.warn("lat", "", {ReasonCode::place_without_location});

  return staged(db::places_table(), row, row.text("external_id"),
                {{"name", name},
                 {"kind", kind.value_or("tiers-lieu")},
                 {"address", row.text("address")},
                 {"commune_insee", loc ? loc->insee : std::nullopt},
                 {"geom", loc ? V(loc->ewkb_hex) : std::nullopt},
                 {"location_precision", loc ? V(loc->precision) : std::nullopt},
                 {"website", row.text("website")},
                 {"description", row.text("description")},
                 {"competences", text::pg_array_literal(competences)},
                 {"attributes", row.attributes_json()}});
}

std::optional<db::StagedRow> build_need(RowFields& row, const RowContext& ctx) {
  constexpr double kMaxSurface = 1e9;
  auto collective = row.required_text("collective_name");
  auto smin = row.number("surface_min_m2", 0, true, kMaxSurface);
  auto sideal = row.number("surface_ideal_m2", 0, true, kMaxSurface);
  auto smax = row.number("surface_max_m2", 0, true, kMaxSurface);
  // "100 à 200 m²", "≥ 150", "environ 250": what the own columns leave open.
  Range range = row.range("surface_range");
  if (!smin) smin = range.min;
  if (!smax) smax = range.max;
  if (!sideal) sideal = range.ideal;
  if (smin && smax && *smin > *smax) {
    row.reject("surface_max_m2", sql_number(*smax), {ReasonCode::max_below_min});
  } else if (sideal && ((smin && *sideal < *smin) || (smax && *sideal > *smax))) {
    row.reject("surface_ideal_m2", sql_number(*sideal), {ReasonCode::ideal_outside_range});
  }
  auto tolerance = row.number("surface_tolerance_pct", 0);
  if (tolerance && *tolerance > 100) {
    row.reject("surface_tolerance_pct", sql_number(*tolerance), {ReasonCode::at_most, {"100 %"}});
  }
  auto kinds = row.terms("kinds_wanted", opportunity_kinds());
  auto tenure_list = row.terms("tenures_accepted", tenures());
  auto rent = row.number("rent_max_eur_month", 0);
  auto price = row.number("price_max_eur", 0);
  auto needed = row.date("needed_from");
  auto status = row.term("status", need_statuses());
  auto radius_km = row.number("radius_km", 0, true);
  if (radius_km && *radius_km * 1000 > 300000) {
    row.reject("radius_km", sql_number(*radius_km), {ReasonCode::at_most, {"300 km"}});
  }

  V place_id;
  if (auto ref = row.text("place_ref")) {
    auto it = ctx.place_ids.find(*ref);
    if (it != ctx.place_ids.end()) {
      place_id = std::to_string(it->second);
    } else {
      row.warn("place_ref", *ref, {ReasonCode::unknown_place_ref});
    }
  }

  V territory_id, center, radius_m, polygon;
  if (auto slug = row.text("territory")) {
    if (ctx.territories) {
      auto found = ctx.territories->find(*slug);
      if (auto* id = std::get_if<long long>(&found)) {
        territory_id = std::to_string(*id);
      } else {
        row.reject("territory", *slug, std::get<Reason>(found));
      }
    } else if (auto it = ctx.territory_ids.find(text::slugify(*slug));
               it != ctx.territory_ids.end()) {
      territory_id = std::to_string(it->second);
    } else {
      row.reject("territory", *slug, {ReasonCode::unknown_territory});
    }
  } else if (auto loc = locate(row, ctx, /*required=*/false)) {
    if (loc->is_point) {  // a point needs a radius
      if (!radius_km) {
        row.reject("radius_km", "", {ReasonCode::point_needs_radius});
      } else {
        center = loc->ewkb_hex;
        radius_m = sql_number(*radius_km * 1000);
      }
    } else {
      polygon = loc->ewkb_hex;
    }
  } else if (!row.rejected()) {
    row.reject("territory", "", {ReasonCode::no_search_area});
  }
  if (row.rejected()) return std::nullopt;

  return staged(db::needs_table(), row, row.text("external_id"),
                {{"collective_name", collective},
                 {"place_id", place_id},
                 {"surface_min_m2", num(smin)},
                 {"surface_ideal_m2", num(sideal)},
                 {"surface_max_m2", num(smax)},
                 {"surface_tolerance_pct", V(sql_number(tolerance.value_or(10)))},
                 {"kinds_wanted", text::pg_array_literal(kinds)},
                 {"tenures_accepted", text::pg_array_literal(tenure_list)},
                 {"rent_max_eur_month", num(rent)},
                 {"price_max_eur", num(price)},
                 {"search_territory_id", territory_id},
                 {"search_center", center},
                 {"search_radius_m", radius_m},
                 {"search_polygon", polygon},
                 {"needed_from", iso(needed)},
                 {"description", row.text("description")},
                 {"status", status.value_or("active")},
                 {"attributes", row.attributes_json()},
                 {"contact", row.text("contact")},
                 {"notes", row.text("notes")}},
                row.is_immediate("needed_from") ? "needed_from" : nullptr);
}

}  // namespace terrier::importers
