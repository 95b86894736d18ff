#include "db/model_tables.hpp"

namespace terrier::db {
namespace {

StageColumn col(const char* name, const char* type) {
  return {name, type};
}

}  // namespace

const TableSpec& opportunities_table() {
  static const TableSpec spec{
      "opportunities",
      {col("title", "text"),
       col("kind", "opportunity_kind"),
       col("address", "text"),
       col("commune_insee", "text"),
       col("geom", "geometry"),
       col("location_precision", "location_precision"),
       col("geom_repaired", "boolean"),
       col("built_surface_m2", "numeric"),
       col("land_surface_m2", "numeric"),
       col("tenures", "tenure[]"),
       col("price_eur", "numeric"),
       col("rent_eur_month", "numeric"),
       col("available_from", "date"),
       col("available_until", "date"),
       col("owner_kind", "owner_kind"),
       col("status", "opportunity_status"),
       col("visibility", "visibility"),
       col("last_verified", "date"),
       col("source_status", "text"),
       col("source_checked", "boolean"),
       col("attributes", "jsonb")},
      "opportunity_private",
      "opportunity_id",
      {col("owner_name", "text"), col("owner_contact", "text"), col("notes", "text")}};
  return spec;
}

const TableSpec& places_table() {
  static const TableSpec spec{
      "places",
      {col("name", "text"), col("kind", "place_kind"), col("address", "text"),
       col("commune_insee", "text"), col("geom", "geometry"),
       col("location_precision", "location_precision"), col("website", "text"),
       col("description", "text"), col("competences", "text[]"), col("attributes", "jsonb")},
      "",
      "",
      {}};
  return spec;
}

const TableSpec& needs_table() {
  static const TableSpec spec{
      "needs",
      {col("collective_name", "text"), col("place_id", "bigint"), col("surface_min_m2", "numeric"),
       col("surface_ideal_m2", "numeric"), col("surface_max_m2", "numeric"),
       col("surface_tolerance_pct", "numeric"), col("kinds_wanted", "opportunity_kind[]"),
       col("tenures_accepted", "tenure[]"), col("rent_max_eur_month", "numeric"),
       col("price_max_eur", "numeric"), col("search_territory_id", "bigint"),
       col("search_center", "geometry"), col("search_radius_m", "numeric"),
       col("search_polygon", "geometry"), col("needed_from", "date"), col("description", "text"),
       col("status", "need_status"), col("attributes", "jsonb")},
      "need_private",
      "need_id",
      {col("contact", "text"), col("notes", "text")}};
  return spec;
}

}  // namespace terrier::db
