#include "db/feature_sql.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "core/text.hpp"

namespace terrier::db::feature_sql {

std::string Where::param(std::string value) {
  params_.push_back(std::move(value));
  return fmt::format("${}", params_.size());
}

void Where::add(std::string condition) {
  conditions_.push_back(std::move(condition));
}

std::string Where::sql() const {
  std::string out;
  for (const auto& c : conditions_) out += (out.empty() ? " WHERE " : " AND ") + c;
  return out;
}

std::string number(double v) {
  return fmt::format("{}", v);
}

// The territory a slug or a name designates: circles first, then EPCIs,
// communes and départements.
std::string territory_geom(Where& w, const std::string& slug_or_name) {
  std::string p = w.param(slug_or_name);
  return fmt::format(
      "(SELECT geom FROM territories WHERE geom IS NOT NULL AND (slug = {0} OR name_folded = "
      "terrier_fold({0})) ORDER BY (slug = {0}) DESC, array_position(ARRAY['circle', 'epci', "
      "'commune', 'departement'], level::text) LIMIT 1)",
      p);
}

// Whether an opportunity (o) was last verified, or else created, more than
// `months` ago. The months are a validated integer from the configuration.
std::string to_reverify_sql(int months) {
  return fmt::format(
      "(coalesce(o.last_verified, o.created_at::date) < current_date - make_interval(months => "
      "{}))",
      months);
}

namespace {

using K = JsonKind;

Sql table(std::string from, std::string geom, std::string point, std::string feature_id,
          JsonKind feature_id_kind) {
  Sql s;
  s.from = std::move(from);
  s.geom = std::move(geom);
  s.point = std::move(point);
  s.id = "o.id";
  s.feature_id = std::move(feature_id);
  s.feature_id_kind = feature_id_kind;
  return s;
}

Sql opportunities_sql(Role role, int reverify_months) {
  Sql s = table("opportunities o", "o.geom", "o.point", "o.id", K::number);
  s.properties = {{"external_id", "o.external_id", K::string},
                  {"title", "o.title", K::string},
                  {"kind", "o.kind", K::string},
                  {"address", "o.address", K::string},
                  {"commune_insee", "o.commune_insee", K::string},
                  {"location_precision", "o.location_precision", K::string},
                  {"built_surface_m2", "o.built_surface_m2", K::number},
                  {"land_surface_m2", "o.land_surface_m2", K::number},
                  {"tenures", "o.tenures", K::text_array},
                  {"price_eur", "o.price_eur", K::number},
                  {"rent_eur_month", "o.rent_eur_month", K::number},
                  {"available_from", "o.available_from", K::string},
                  {"available_until", "o.available_until", K::string},
                  {"owner_kind", "o.owner_kind", K::string},
                  {"status", "o.status", K::string},
                  {"visibility", "o.visibility", K::string},
                  {"last_verified", "o.last_verified", K::string},
                  {"source", "o.source", K::string},
                  {"source_status", "o.source_status", K::string},
                  {"duplicate_of", "o.duplicate_of", K::number},
                  {"to_reverify", to_reverify_sql(reverify_months), K::boolean}};
  if (sees_confidential(role)) {
    s.from = "opportunities o LEFT JOIN opportunity_private p ON p.opportunity_id = o.id";
    s.properties.push_back({"owner_name", "p.owner_name", K::string});
    s.properties.push_back({"owner_contact", "p.owner_contact", K::string});
    s.properties.push_back({"notes", "p.notes", K::string});
  }
  return s;
}

Sql places_sql() {
  Sql s = table("places o", "o.geom", "o.geom", "o.id", K::number);
  s.properties = {
      {"external_id", "o.external_id", K::string},
      {"name", "o.name", K::string},
      {"kind", "o.kind", K::string},
      {"address", "o.address", K::string},
      {"commune_insee", "o.commune_insee", K::string},
      {"location_precision", "o.location_precision", K::string},
      {"website", "o.website", K::string},
      {"description", "o.description", K::string},
      {"competences", "o.competences", K::text_array},
      {"circle", "(SELECT slug FROM territories c WHERE c.id = o.circle_id)", K::string},
      {"source", "o.source", K::string}};
  return s;
}

Sql needs_sql(Role role) {
  const std::string area =
      "coalesce(o.search_polygon, (SELECT geom FROM territories t WHERE t.id = "
      "o.search_territory_id), ST_Buffer(o.search_center::geography, o.search_radius_m)::geometry)";
  Sql s = table("needs o", area, "coalesce(o.search_center, ST_PointOnSurface(" + area + "))",
                "o.id", K::number);
  s.properties = {
      {"external_id", "o.external_id", K::string},
      {"collective_name", "o.collective_name", K::string},
      {"search_center",
       "CASE WHEN o.search_center IS NOT NULL THEN jsonb_build_array(ST_X(o.search_center), "
       "ST_Y(o.search_center)) END",
       K::json},
      {"source", "o.source", K::string},
      {"surface_min_m2", "o.surface_min_m2", K::number},
      {"surface_ideal_m2", "o.surface_ideal_m2", K::number},
      {"surface_max_m2", "o.surface_max_m2", K::number},
      {"kinds_wanted", "o.kinds_wanted", K::text_array},
      {"tenures_accepted", "o.tenures_accepted", K::text_array},
      {"rent_max_eur_month", "o.rent_max_eur_month", K::number},
      {"price_max_eur", "o.price_max_eur", K::number},
      {"needed_from", "o.needed_from", K::string},
      {"status", "o.status", K::string},
      {"description", "o.description", K::string},
      {"territory", "(SELECT slug FROM territories t WHERE t.id = o.search_territory_id)",
       K::string},
      {"radius_m", "o.search_radius_m", K::number},
      {"place_id", "o.place_id", K::number},
      {"place_ref",
       "(SELECT coalesce(external_id, '#' || pl.id) FROM places pl WHERE pl.id = o.place_id)",
       K::string},
      {"surface_tolerance_pct", "o.surface_tolerance_pct", K::number}};
  if (sees_confidential(role)) {
    s.from = "needs o LEFT JOIN need_private p ON p.need_id = o.id";
    s.properties.push_back({"contact", "p.contact", K::string});
    s.properties.push_back({"notes", "p.notes", K::string});
  }
  return s;
}

Sql territories_sql() {
  Sql s = table("territories o", "o.geom", "ST_PointOnSurface(o.geom)", "o.slug", K::string);
  s.properties = {{"slug", "o.slug", K::string},
                  {"name", "o.name", K::string},
                  {"level", "o.level", K::string},
                  {"code", "o.code", K::string},
                  {"population", "o.population", K::number},
                  {"parent_code", "o.parent_code", K::string}};
  return s;
}

// A property's value as jsonb, for jsonb_build_object.
std::string jsonb_value(const Property& p) {
  return p.kind == K::text_array ? "to_jsonb(" + p.expr + "::text[])" : p.expr;
}

// A property's value as the column append_json_value reads.
std::string column_value(const Property& p) {
  switch (p.kind) {
    case K::text_array:
      return p.expr + "::text[]";
    case K::json:
      return "(" + p.expr + ")::text";
    default:
      return p.expr;
  }
}

// The jsonb Feature (select) and the writer's columns (columns, layout) of
// the same properties.
void render(Sql& s, const std::string& geometry) {
  std::string props;
  s.columns = s.feature_id + ", " + geometry;
  s.layout.id_kind = s.feature_id_kind;
  s.layout.names.clear();
  s.layout.kinds.clear();
  for (const auto& p : s.properties) {
    if (!props.empty()) props += ", ";
    props += "'" + p.name + "', " + jsonb_value(p);
    s.columns += ", " + column_value(p);
    s.layout.names.push_back(p.name);
    s.layout.kinds.push_back(p.kind);
  }
  s.select = "(jsonb_build_object('type', 'Feature', 'id', " + s.feature_id + ", 'geometry', " +
             geometry + "::jsonb, 'properties', jsonb_build_object(" + props + ")))::text";
}

}  // namespace

// GeoJSON of a geometry in the output CRS: WGS84 lon/lat with 6 decimals
// (RFC 7946), or Lambert-93 metres to the centimetre (OGC API Part 2).
std::string output_geometry(const std::string& expr, int srid, double tolerance) {
  std::string g = srid == 4326 ? expr : "ST_Transform(" + expr + ", " + std::to_string(srid) + ")";
  // GEOS hands a multipolygon of one part back as a polygon: the type is
  // kept, for clients that type a layer by its first feature.
  if (tolerance > 0) {
    std::string simple = "ST_SimplifyPreserveTopology(" + g + ", " + number(tolerance) + ")";
    g = "CASE WHEN ST_GeometryType(" + g + ") LIKE 'ST_Multi%' THEN ST_Multi(" + simple +
        ") ELSE " + simple + " END";
  }
  return "ST_AsGeoJSON(" + g + (srid == 4326 ? ", 6)" : ", 2)");
}

ValueType value_type(const Property& p) {
  static constexpr std::string_view kDates[] = {"available_from", "available_until",
                                                "last_verified", "needed_from"};
  static constexpr std::string_view kWholeNumbers[] = {"duplicate_of", "population", "place_id"};
  switch (p.kind) {
    case K::string:
      return std::find(std::begin(kDates), std::end(kDates), p.name) != std::end(kDates)
                 ? ValueType::date
                 : ValueType::string;
    case K::number:
      return std::find(std::begin(kWholeNumbers), std::end(kWholeNumbers), p.name) !=
                     std::end(kWholeNumbers)
                 ? ValueType::integer
                 : ValueType::number;
    case K::boolean:
      return ValueType::boolean;
    case K::text_array:
      return ValueType::text_array;
    case K::json:
      return ValueType::json;
  }
  return ValueType::string;
}

void select_properties(Sql& s, const std::optional<std::vector<std::string>>& names, bool geometry,
                       int srid, double tolerance) {
  if (names) {
    std::erase_if(s.properties, [&](const Property& p) {
      return std::find(names->begin(), names->end(), p.name) == names->end();
    });
  }
  render(s, geometry ? output_geometry(s.geom, srid, tolerance) : "NULL::text");
}

Sql sql_for(Collection c, Role role, int srid, int reverify_months) {
  Sql s;
  switch (c) {
    case Collection::opportunities:
      s = opportunities_sql(role, reverify_months);
      break;
    case Collection::places:
      s = places_sql();
      break;
    case Collection::needs:
      s = needs_sql(role);
      break;
    case Collection::territories:
      s = territories_sql();
      break;
  }
  render(s, output_geometry(s.geom, srid));
  return s;
}

// What a role may see of a collection, before any filter.
void restrict_to_role(Where& w, Collection c, Role role) {
  if (c == Collection::opportunities) {
    w.add("o.visibility = ANY(" + w.param(text::pg_array_literal(readable_visibilities(role))) +
          "::text[])");
  }
  if (c == Collection::territories) w.add("o.geom IS NOT NULL");
}

namespace {

// The text that q searches, per collection.
std::string searched_text(Collection c) {
  return c == Collection::opportunities ? "o.title || ' ' || coalesce(o.address, '')"
         : c == Collection::places      ? "o.name || ' ' || coalesce(o.address, '')"
         : c == Collection::needs       ? "o.collective_name"
                                        : "o.name";
}

}  // namespace

void add_filters(Where& w, const Sql& s, Collection c, const FeatureFilters& f,
                 int reverify_months) {
  if (f.to_reverify && c == Collection::opportunities) w.add(to_reverify_sql(reverify_months));
  auto any = [&](const std::vector<std::string>& values, const std::string& column) {
    if (!values.empty())
      w.add(column + " = ANY(" + w.param(text::pg_array_literal(values)) + "::text[])");
  };
  any(f.kinds, "o.kind");
  any(f.statuses, "o.status");
  any(f.levels, "o.level");
  if (!f.tenures.empty()) {
    w.add("o.tenures::text[] && " + w.param(text::pg_array_literal(f.tenures)) + "::text[]");
  }
  const std::string surface =
      "(CASE WHEN o.kind IN ('terrain', 'friche') THEN o.land_surface_m2 ELSE o.built_surface_m2 "
      "END)";
  if (f.surface_min) w.add(surface + " >= " + w.param(number(*f.surface_min)) + "::numeric");
  if (f.surface_max) w.add(surface + " <= " + w.param(number(*f.surface_max)) + "::numeric");
  if (f.rent_max) w.add("o.rent_eur_month <= " + w.param(number(*f.rent_max)) + "::numeric");
  if (f.price_max) w.add("o.price_eur <= " + w.param(number(*f.price_max)) + "::numeric");
  if (f.available_before) {
    w.add("(o.available_from IS NULL OR o.available_from <= " + w.param(*f.available_before) +
          "::date)");
  }
  if (f.territory) w.add("ST_Intersects(" + s.point + ", " + territory_geom(w, *f.territory) + ")");
  if (f.slug) w.add("o.slug = " + w.param(*f.slug));
  if (f.competence) {
    w.add("EXISTS (SELECT 1 FROM unnest(o.competences) c WHERE terrier_fold(c) = terrier_fold(" +
          w.param(*f.competence) + "))");
  }
  if (f.q) w.add("terrier_fold(" + searched_text(c) + ") LIKE " + w.param(like_pattern(*f.q)));
}

// With q, the best matches first: the name itself, then names that start
// with it ("Lens" before "Selens"); otherwise, and then, by id.
std::string order_by(Where& w, const Sql& s, Collection c, const FeatureFilters& f) {
  if (!f.q) return s.id;
  std::string name = c == Collection::opportunities ? "o.title"
                     : c == Collection::needs       ? "o.collective_name"
                                                    : "o.name";
  std::string folded = "terrier_fold(" + w.param(*f.q) + ")";
  return fmt::format("terrier_fold({0}) = {1} DESC, starts_with(terrier_fold({0}), {1}) DESC, {2}",
                     name, folded, s.id);
}

}  // namespace terrier::db::feature_sql
