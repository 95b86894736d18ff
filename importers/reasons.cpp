#include "importers/reasons.hpp"

#include <fmt/args.h>
#include <fmt/core.h>

#include <array>

namespace terrier::importers {
namespace {

struct Entry {
  ReasonCode code;
  const char* name;
  std::size_t params;
  const char* french;  // fmt's slots: "{}" in order, or "{0}" "{1}" when one repeats
};

using C = ReasonCode;

// Every code's French, in the enum's order (checked below).
constexpr std::array<Entry, kReasonCodeCount> kTable = {{
    {C::required, "required", 0, "ce champ est obligatoire"},
    {C::placeholder_read_as_unknown, "placeholder_read_as_unknown", 0,
     "valeur mise pour une inconnue : lue comme inconnue"},
    {C::placeholder_but_required, "placeholder_but_required", 0,
     "valeur mise pour une inconnue, et ce champ est obligatoire"},
    {C::not_a_number, "not_a_number", 1, "« {} » n'est pas un nombre"},
    {C::too_large, "too_large", 1, "« {} » est trop grand"},
    {C::greater_than, "greater_than", 1, "doit être supérieur à {}"},
    {C::at_least, "at_least", 1, "doit être au moins {}"},
    {C::at_most, "at_most", 1, "doit être au plus {}"},
    {C::implausibly_large, "implausibly_large", 1, "est invraisemblablement grand (limite {})"},
    {C::ambiguous_decimal, "ambiguous_decimal", 3,
     "« {} » : impossible de savoir si le point sépare les milliers ou les décimales, et aucun "
     "autre nombre du fichier ne le dit ; écrivez {} ou {}"},
    {C::not_a_surface_or_range, "not_a_surface_or_range", 1,
     "« {} » n'est ni une surface ni une fourchette"},
    {C::minimum_above_maximum, "minimum_above_maximum", 1,
     "« {} » : le minimum dépasse le maximum"},
    {C::surface_out_of_bounds, "surface_out_of_bounds", 0,
     "une surface doit être supérieure à 0 et inférieure à 1 000 000 000 m²"},
    {C::not_a_date, "not_a_date", 1, "« {} » n'est pas une date (attendu : jj/mm/aaaa)"},
    {C::not_a_date_form, "not_a_date_form", 1,
     "« {} » n'est pas une date (jj/mm/aaaa, « mars 2027 », « T2 2027 », « printemps 2027 », "
     "« 2027 » ou « immédiatement »)"},
    {C::implausible_year, "implausible_year", 2, "« {} » n'est pas une date plausible (année {})"},
    {C::no_such_month, "no_such_month", 2, "« {} » n'est pas une date : il n'y a pas de mois {}"},
    {C::no_such_day, "no_such_day", 4, "« {} » n'est pas une date : le mois {} de {} a {} jours"},
    {C::give_a_date, "give_a_date", 0, "donnez une date (jj/mm/aaaa)"},
    {C::not_yes_no, "not_yes_no", 1, "« {} » n'est ni oui ni non"},
    {C::unknown_term, "unknown_term", 3, "« {} » : valeur inconnue pour « {} » (valeurs : {})"},
    {C::too_long, "too_long", 1, "au plus {} caractères"},
    {C::unknown_field, "unknown_field", 0, "champ inconnu"},
    {C::impossible_number_in_free_column, "impossible_number_in_free_column", 0,
     "nombre impossible dans une colonne qui ne remplit aucun champ (elle serait gardée dans "
     "attributes) : corrigez la cellule, ou associez la colonne à un champ avec --mapping"},
    {C::line_longer_than_header, "line_longer_than_header", 2,
     "la ligne a {} champs mais l'en-tête en a {} (un séparateur hors des guillemets ?)"},
    {C::ends_before_start, "ends_before_start", 0, "se termine avant le début de la disponibilité"},
    {C::max_below_min, "max_below_min", 0, "est inférieure à la surface minimale"},
    {C::ideal_outside_range, "ideal_outside_range", 0,
     "n'est pas entre la surface minimale et la maximale"},
    {C::no_title_named, "no_title_named", 1, "sans intitulé : nommée « {} »"},
    {C::annual_rent_converted, "annual_rent_converted", 2, "loyer annuel lu comme {} €/mois ({})"},
    {C::rent_per_m2_converted, "rent_per_m2_converted", 2,
     "loyer au m² et par an lu comme {} €/mois ({})"},
    {C::rent_per_m2_needs_surface, "rent_per_m2_needs_surface", 0,
     "un loyer au m² et par an demande la surface, inconnue : donnez la surface ou le loyer "
     "mensuel"},
    {C::latitude_without_longitude, "latitude_without_longitude", 0, "une latitude sans longitude"},
    {C::longitude_without_latitude, "longitude_without_latitude", 0, "une longitude sans latitude"},
    {C::lat_lon_swapped, "lat_lon_swapped", 0,
     "la latitude et la longitude semblent inversées (dans les Hauts-de-France, la latitude est "
     "entre 49 et 51 environ et la longitude entre 1,4 et 4,3)"},
    {C::outside_region, "outside_region", 0, "l'emplacement est hors des Hauts-de-France"},
    {C::malformed_insee, "malformed_insee", 0,
     "un code INSEE a 5 caractères (un tableur a pu supprimer un zéro initial : 02408, pas "
     "2408)"},
    {C::unknown_insee, "unknown_insee", 0, "code INSEE inconnu dans la région"},
    {C::commune_name_not_unique, "commune_name_not_unique", 0,
     "aucune commune unique de la région ne porte ce nom (ajoutez le code postal)"},
    {C::no_commune_postcode_name, "no_commune_postcode_name", 0,
     "aucune commune de la région n'a ce code postal et ce nom"},
    {C::postcode_alone, "postcode_alone", 0,
     "un code postal seul ne situe pas la fiche : ajoutez la commune"},
    {C::empty_geometry, "empty_geometry", 0, "la géométrie est vide"},
    {C::only_points_and_polygons, "only_points_and_polygons", 0,
     "seuls les points et les polygones sont acceptés"},
    {C::only_points, "only_points", 0, "seuls les points sont acceptés"},
    {C::too_many_vertices, "too_many_vertices", 2,
     "le polygone a {} sommets, au plus {} : simplifiez-le"},
    {C::unrepairable_polygon, "unrepairable_polygon", 1,
     "polygone invalide, impossible à réparer : {}"},
    {C::polygon_repaired, "polygon_repaired", 1, "polygone invalide réparé ({})"},
    {C::non_finite_coordinates, "non_finite_coordinates", 0,
     "les coordonnées ne sont pas des nombres finis"},
    {C::unreadable_geometry, "unreadable_geometry", 1, "géométrie illisible : {}"},
    {C::projection_failed, "projection_failed", 1, "coordonnées impossibles à reprojeter : {}"},
    {C::axes_swapped_read, "axes_swapped_read", 0,
     "écrite latitude d'abord : lue comme longitude, latitude (seul cet ordre tombe dans la "
     "région)"},
    {C::geocode_low_score, "geocode_low_score", 3,
     "adresse trouvée par le géocodeur (« {} ») avec un score de {}, sous le seuil de {} : "
     "non placée à l'adresse"},
    {C::geocode_not_found, "geocode_not_found", 0,
     "adresse introuvable par le géocodeur : non placée à l'adresse"},
    {C::no_location, "no_location", 0,
     "pas d'emplacement : donnez des coordonnées, une géométrie WKT, un code INSEE, ou un code "
     "postal et une commune"},
    {C::place_without_location, "place_without_location", 0,
     "pas d'emplacement : le lieu est gardé mais n'apparaît pas sur la carte"},
    {C::unknown_place_ref, "unknown_place_ref", 0,
     "aucun lieu n'a cette référence : le besoin est gardé sans lieu"},
    {C::unknown_territory, "unknown_territory", 0,
     "aucun cercle, EPCI, commune ou département n'a ce nom, ce code ou cet identifiant"},
    {C::several_territories, "several_territories", 1,
     "désigne plusieurs territoires ({}) : écrivez son identifiant"},
    {C::point_needs_radius, "point_needs_radius", 0,
     "un point de recherche demande un rayon en km"},
    {C::no_search_area, "no_search_area", 0,
     "pas de zone de recherche : un territoire, une commune, un point avec un rayon ou un "
     "polygone"},
    {C::unknown_row_id, "unknown_row_id", 1,
     "aucune ligne #{} dans Terrier (supprimée depuis l'export du fichier ?) : videz la cellule "
     "pour l'ajouter comme une nouvelle ligne"},
    {C::repeated_reference, "repeated_reference", 1,
     "la même référence figure déjà plus haut (n° {})"},
    {C::repeated_row, "repeated_row", 1,
     "la même ligne (sans référence) figure déjà plus haut (n° {})"},
    {C::ambiguous_reference, "ambiguous_reference", 2,
     "« {0} » et « {1} » pourraient toutes deux être la référence : « {0} » est prise, « {1} » "
     "est gardée dans attributes"},
    {C::column_kept, "column_kept", 0, "colonne ignorée (gardée dans attributes)"},
    {C::column_kept_did_you_mean, "column_kept_did_you_mean", 1,
     "colonne ignorée (gardée dans attributes) ; vouliez-vous dire « {} » ?"},
    {C::sync_skipped, "sync_skipped", 0,
     "--sync n'est pas appliqué : des lignes refusées sans référence sont peut-être encore dans "
     "le fichier ; corrigez-les et importez de nouveau"},
    {C::probable_duplicate, "probable_duplicate", 4,
     "doublon probable de « {} » ({} {}), à {} m : vérifiez et fusionnez à la main"},
    {C::visibility_not_allowed, "visibility_not_allowed", 1,
     "visibilité « {} » : votre rôle ne peut pas la donner (il ne verrait plus la ligne)"},
    {C::outside_circle, "outside_circle", 1,
     "hors de votre cercle ({}) : un membre importe les lignes de son cercle"},
    {C::stored_row_out_of_reach, "stored_row_out_of_reach", 0,
     "cette référence désigne une ligne existante hors de votre cercle, que votre rôle ne lit "
     "pas ou qui porte des champs confidentiels : seul un administrateur peut la réimporter"},
    {C::edit_kept, "edit_kept", 3,
     "modifiée dans Terrier par {} le {} : la valeur de Terrier « {} » est gardée ; "
     "--prefer-file applique celle du fichier"},
    {C::edit_kept_was_empty, "edit_kept_was_empty", 2,
     "modifiée dans Terrier par {} le {} : la valeur de Terrier (vide) est gardée ; "
     "--prefer-file applique celle du fichier"},
    {C::edit_overridden, "edit_overridden", 3,
     "modifiée dans Terrier par {} le {} (valait « {} ») : la valeur du fichier est appliquée "
     "(--prefer-file)"},
    {C::edit_overridden_was_empty, "edit_overridden_was_empty", 2,
     "modifiée dans Terrier par {} le {} (était vide) : la valeur du fichier est appliquée "
     "(--prefer-file)"},
    {C::territory_without_code, "territory_without_code", 0, "le territoire n'a pas de code"},
    {C::not_a_level_code, "not_a_level_code", 1,
     "ce n'est pas un code {} (un zéro initial supprimé ?)"},
    {C::territory_without_name, "territory_without_name", 0, "le territoire n'a pas de nom"},
    {C::code_repeated, "code_repeated", 0, "ce code figure deux fois dans le fichier"},
    {C::territory_without_geometry, "territory_without_geometry", 0,
     "le territoire n'a pas de géométrie"},
    {C::no_polygon, "no_polygon", 0, "aucun polygone dans la géométrie"},
    {C::unusable_slug, "unusable_slug", 0, "le nom ne donne aucun identifiant utilisable"},
    {C::slug_taken, "slug_taken", 2, "l'identifiant « {} » est déjà pris par {}"},
    {C::not_a_slug, "not_a_slug", 1,
     "l'identifiant d'un cercle s'écrit en minuscules et tirets, comme « {} »"},
    {C::unknown_member, "unknown_member", 0,
     "aucune commune (INSEE) ni aucun EPCI (SIREN) chargé n'a ce code"},
    {C::unknown_commune, "unknown_commune", 0,
     "aucune commune de la région n'a ce code INSEE ou ce nom"},
    {C::unknown_need, "unknown_need", 0, "aucun besoin n'a cet identifiant ou cette référence"},
    {C::unknown_place, "unknown_place", 0, "aucun lieu n'a cet identifiant ou cette référence"},
    {C::repeated_request, "repeated_request", 0,
     "la même sollicitation figure déjà dans le fichier"},
    {C::unknown_request_id, "unknown_request_id", 0,
     "aucune sollicitation n'a cet identifiant dans Terrier"},
}};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<std::size_t>(kTable[i].code) != i) return false;
  }
  return true;
}
static_assert(in_enum_order(), "kTable lists every ReasonCode once, in the enum's order");

const Entry& entry(ReasonCode code) {
  return kTable.at(static_cast<std::size_t>(code));
}

}  // namespace

const char* code_name(ReasonCode code) {
  return entry(code).name;
}

std::size_t param_count(ReasonCode code) {
  return entry(code).params;
}

std::string french(const Reason& reason) {
  const Entry& e = entry(reason.code);
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (std::size_t i = 0; i < e.params; ++i) {
    args.push_back(i < reason.params.size() ? reason.params[i] : std::string());
  }
  return fmt::vformat(e.french, args);
}

std::string french(const std::optional<Reason>& reason) {
  return reason ? french(*reason) : std::string();
}

}  // namespace terrier::importers
