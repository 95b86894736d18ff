#include "importers/field_table.hpp"

#include <fmt/core.h>

#include <map>
#include <stdexcept>
#include <utility>

namespace terrier::importers {
namespace {

// Location fields shared by places, opportunities and needs.
const std::vector<FieldAliases> kLocation = {
    {"address",
     "Adresse",
     {"adresse", "address", "adresse postale", "rue", "adresse du bien", "adresse du site",
      "localisation"}},
    {"postcode", "Code postal", {"code postal", "cp", "postcode", "code_postal"}},
    {"commune_name",
     "Commune",
     {"commune", "ville", "localite", "nom commune", "commune nom", "nom de la commune",
      "libelle commune"}},
    {"commune_insee",
     "Code INSEE",
     {"code insee", "insee", "code commune", "commune insee", "insee com", "code insee commune",
      "cog", "code commune insee"}},
    {"lon",
     "Longitude",
     {"longitude", "lon", "lng", "long", "x", "coord x", "x l93", "x lambert 93"}},
    {"lat", "Latitude", {"latitude", "lat", "y", "coord y", "y l93", "y lambert 93"}},
    {"wkt", "Géométrie (WKT)", {"wkt", "geometrie", "geometry", "geom", "wkt geom", "the geom"}},
    {"wkt_surface",
     "Géométrie surfacique (WKT)",
     {"geomsurf", "geometrie surfacique", "wkt surface"}},
    {"location_precision",
     "Précision de localisation",
     {"precision", "precision de localisation", "location precision"}},
};

const std::vector<FieldAliases> kOpportunity = {
    {"external_id",
     "Référence",
     {"ref", "reference", "id", "identifiant", "external id", "n", "numero", "no", "num",
      "ref du bien"}},
    {"title",
     "Intitulé",
     {"intitule", "titre", "title", "designation", "libelle", "nom du bien", "nom", "nom du site"}},
    {"kind",
     "Type de bien",
     {"type de bien", "type", "nature", "kind", "type de local", "nature du bien", "typologie",
      "categorie de bien"}},
    {"built_surface_m2",
     "Surface bâtie (m²)",
     {"surface batie", "surface plancher", "surface de plancher", "surface", "superficie",
      "surface utile", "shon", "sdp", "surface bati", "surface du bati", "built surface",
      "surface des batiments", "surface batiment", "surface totale", "superficie batie"}},
    {"land_surface_m2",
     "Surface du terrain (m²)",
     {"surface terrain", "surface du terrain", "surface parcelle", "surface de la parcelle",
      "surface fonciere", "land surface", "emprise fonciere", "unite fonciere",
      "surface de l unite fonciere", "superficie terrain", "superficie du terrain",
      "superficie parcelle", "surface parcellaire", "contenance cadastrale"}},
    {"tenures",
     "Modalités",
     {"mode de mise a disposition", "mode", "modalite", "modalites", "type de contrat", "tenure",
      "tenures", "bail", "type de bail", "modalite de mise a disposition",
      "modalites de mise a disposition"}},
    {"price_eur",
     "Prix (€)",
     {"prix", "prix de vente", "price", "prix demande", "valeur venale", "prix net vendeur",
      "prix de cession"}},
    {"rent_eur_month",
     "Loyer (€/mois)",
     {"loyer", "loyer mensuel", "rent", "loyer mois", "loyer par mois", "rent month",
      "loyer mensuel charges"}},
    {"rent_eur_year",
     "Loyer annuel (€/an)",
     {"loyer annuel", "loyer an", "loyer par an", "loyer annee", "loyer annuelle", "rent year"}},
    {"rent_eur_m2_year",
     "Loyer au m² par an (€/m²/an)",
     {"loyer m2 an", "loyer au m2 par an", "loyer m2 par an", "loyer au m2 an", "loyer annuel m2",
      "loyer annuel au m2", "loyer par m2 par an", "rent m2 year"}},
    {"available_from",
     "Disponible à partir du",
     {"disponible a partir du", "disponible le", "disponibilite", "date de disponibilite",
      "available from", "disponible a partir de", "disponible des", "date de liberation",
      "liberation"}},
    {"available_until",
     "Disponible jusqu'au",
     {"disponible jusqu au", "fin de disponibilite", "available until", "disponible jusqu a"}},
    {"owner_kind",
     "Type de propriétaire",
     {"type de proprietaire", "owner kind", "categorie de proprietaire", "statut du proprietaire"}},
    {"owner_name", "Propriétaire", {"proprietaire", "nom du proprietaire", "owner", "owner name"}},
    {"owner_contact",
     "Contact du propriétaire",
     {"contact proprietaire", "contact du proprietaire", "owner contact", "contact"}},
    {"status", "Statut", {"statut", "status", "etat d avancement"}},
    {"visibility", "Visibilité", {"visibilite", "diffusion", "visibility"}},
    {"last_verified",
     "Dernière vérification",
     {"derniere verification", "date de verification", "verifie le", "last verified",
      "date de mise a jour", "mis a jour le"}},
    {"source_status", "Statut dans la source", {"statut source"}},
    {"source_checked", "Vérifié", {"verifie", "checked"}},
    {"notes",
     "Remarques",
     {"remarques", "notes", "commentaire", "commentaires", "observations", "remarque"}},
};

const std::vector<FieldAliases> kPlace = {
    {"external_id",
     "Référence",
     {"ref", "reference", "id", "identifiant", "external id", "place id"}},
    {"name", "Nom", {"nom", "name", "nom du lieu", "lieu"}},
    {"kind", "Type de lieu", {"type", "kind", "type de lieu", "categorie"}},
    {"website", "Site web", {"site web", "site", "website", "url", "site internet"}},
    {"description", "Description", {"description", "presentation"}},
    {"competences", "Compétences", {"competences", "competences offertes", "savoir faire"}},
};

// The land group's requests ("sollicitations"). "commune" takes an INSEE
// code or a name; need_id and place_id an id or a reference.
const std::vector<FieldAliases> kRequest = {
    {"external_id",
     "Référence",
     {"ref", "reference", "id", "identifiant", "external id", "numero"}},
    {"received_on",
     "Reçue le",
     {"date", "date de la demande", "date de demande", "date de reception", "recu le", "recue le",
      "received on", "date de la sollicitation"}},
    {"requester", "Demandeur", {"demandeur", "demandeuse", "nom", "requester", "nom du demandeur"}},
    {"organisation",
     "Organisation",
     {"structure", "organisation", "organisme", "structure ou organisation",
      "organisation ou structure", "association"}},
    {"commune", "Commune", {"commune", "ville", "code insee", "localite"}},
    {"subject", "Objet", {"objet", "sujet", "objet de la demande", "subject", "demande"}},
    {"channel", "Canal", {"canal", "channel", "canal de la demande", "moyen de contact"}},
    {"orientation",
     "Orientation donnée",
     {"orientation", "orientation donnee", "suite donnee", "reponse apportee"}},
    {"status", "Statut", {"statut", "etat", "status"}},
    {"need_id", "Besoin lié", {"besoin", "besoin lie", "need id"}},
    {"place_id", "Lieu lié", {"lieu", "lieu lie", "place id"}},
    {"contact", "Contact", {"contact", "coordonnees", "contact du demandeur"}},
    {"notes", "Remarques", {"remarques", "notes", "commentaire", "commentaires", "remarque"}},
};

const std::vector<FieldAliases> kNeed = {
    {"external_id", "Référence", {"ref", "reference", "id", "identifiant", "external id"}},
    {"collective_name",
     "Collectif",
     {"collectif", "nom du collectif", "collective", "porteur", "structure", "porteur de projet"}},
    {"place_ref", "Lieu actuel", {"lieu actuel", "lieu", "place", "place id"}},
    {"contact", "Contact", {"contact", "contact du collectif"}},
    {"surface_range",
     "Surface recherchée (m²)",
     {"surface recherchee", "surface", "superficie", "surface souhaitee", "superficie recherchee",
      "surface demandee", "besoin en surface"}},
    {"surface_min_m2",
     "Surface minimum (m²)",
     {"surface min", "surface minimum", "surface minimale"}},
    {"surface_ideal_m2", "Surface idéale (m²)", {"surface ideale", "surface ideal"}},
    {"surface_max_m2",
     "Surface maximum (m²)",
     {"surface max", "surface maximum", "surface maximale"}},
    {"surface_tolerance_pct", "Tolérance (%)", {"tolerance", "tolerance surface"}},
    {"kinds_wanted",
     "Types recherchés",
     {"types recherches", "types", "types de bien", "type de bien recherche", "type de bien",
      "type"}},
    {"tenures_accepted",
     "Modalités acceptées",
     {"modes acceptes", "modes", "modes de mise a disposition acceptes", "modalites acceptees",
      "modalite acceptee", "modalites", "modalite", "baux acceptes", "bail accepte", "type de bail",
      "bail", "mode", "tenures accepted"}},
    {"rent_max_eur_month",
     "Loyer maximum (€/mois)",
     {"loyer max", "loyer maximum", "budget loyer", "loyer maximal"}},
    {"price_max_eur",
     "Prix maximum (€)",
     {"prix max", "prix maximum", "budget achat", "prix maximal"}},
    {"territory",
     "Secteur de recherche",
     {"territoire", "cercle", "territory", "secteur", "secteur de recherche", "zone",
      "zone de recherche", "secteur geographique"}},
    {"radius_km",
     "Rayon (km)",
     {"rayon", "rayon km", "radius", "distance max", "rayon de recherche",
      "rayon de recherche km"}},
    {"needed_from",
     "Besoin à partir du",
     {"besoin a partir du", "a partir du", "date du besoin", "needed from", "echeance",
      "date souhaitee"}},
    {"description", "Description", {"description", "projet"}},
    {"status", "Statut", {"statut", "status"}},
    {"notes", "Remarques", {"notes", "remarques", "commentaire"}},
};

// Code, name and parent columns depend on the level: territories.cpp picks them.
const std::vector<FieldAliases> kTerritory = {
    {"postcodes", "Codes postaux", {"codes postaux", "code postal", "postcodes"}},
    {"population", "Population", {"population", "pop"}},
};

const std::vector<FieldAliases> kCircle = {
    {"circle_slug", "Cercle", {"circle id", "cercle id", "slug", "circle", "cercle"}},
    {"circle_name", "Nom du cercle", {"circle name", "nom du cercle", "cercle nom"}},
    {"member_code",
     "Code membre",
     {"epci siren", "member code", "code membre", "insee", "siren", "code"}},
};

// The page's view of each entity. The first value of a vocabulary is a new
// row's default (core/vocabulary.hpp orders them so).
const std::vector<PageField> kOpportunityPage = {
    {.field = "title",
     .label = "Intitulé",
     .control = Control::text,
     .required = true,
     .panel = false},  // the panel's heading
    {.field = "kind",
     .label = "Type de bien",
     .control = Control::choice,
     .vocabulary = "opportunity_kinds",
     .required = true},
    {.field = "address", .label = "Adresse", .control = Control::text},
    {.field = "commune", .label = "Commune", .control = Control::commune, .panel = false},
    {.field = "commune_insee", .label = "Code INSEE"},
    {.field = "built_surface_m2",
     .label = "Surface bâtie",
     .unit = "m²",
     .control = Control::number},
    {.field = "land_surface_m2",
     .label = "Surface du terrain",
     .unit = "m²",
     .control = Control::number},
    {.field = "tenures",
     .label = "Modalités",
     .control = Control::choices,
     .vocabulary = "tenures"},
    {.field = "rent_eur_month", .label = "Loyer mensuel", .unit = "€", .control = Control::number},
    {.field = "price_eur", .label = "Prix", .unit = "€", .control = Control::number},
    {.field = "available_from", .label = "Disponible à partir du", .control = Control::date},
    {.field = "available_until", .label = "Disponible jusqu'au"},
    {.field = "status",
     .label = "Statut",
     .control = Control::choice,
     .vocabulary = "opportunity_statuses"},
    {.field = "owner_kind", .label = "Type de propriétaire", .vocabulary = "owner_kinds"},
    {.field = "visibility",
     .label = "Visibilité",
     .control = Control::choice,
     .vocabulary = "visibilities"},
    {.field = "last_verified", .label = "Vérifiée le"},
    {.field = "location_precision",
     .label = "Précision de la localisation",
     .vocabulary = "location_precisions"},
    {.field = "source", .label = "Source"},
    {.field = "duplicate_of", .label = "Doublon probable de la fiche"},
    {.field = "owner_name", .label = "Propriétaire", .control = Control::text},
    {.field = "owner_contact", .label = "Contact du propriétaire", .control = Control::text},
    {.field = "notes", .label = "Remarques", .control = Control::textarea},
};

const std::vector<PageField> kNeedPage = {
    {.field = "collective_name",
     .label = "Collectif",
     .control = Control::text,
     .required = true,
     .panel = false},  // the panel's heading
    {.field = "surface_min_m2",
     .label = "Surface minimale",
     .unit = "m²",
     .control = Control::number},
    {.field = "surface_ideal_m2",
     .label = "Surface idéale",
     .unit = "m²",
     .control = Control::number},
    {.field = "surface_max_m2",
     .label = "Surface maximale",
     .unit = "m²",
     .control = Control::number},
    {.field = "surface_tolerance_pct", .label = "Tolérance de surface", .unit = "%"},
    {.field = "kinds_wanted",
     .label = "Types recherchés",
     .control = Control::choices,
     .vocabulary = "opportunity_kinds"},
    {.field = "tenures_accepted",
     .label = "Modalités acceptées",
     .control = Control::choices,
     .vocabulary = "tenures"},
    {.field = "rent_max_eur_month",
     .label = "Loyer maximal",
     .unit = "€",
     .control = Control::number},
    {.field = "price_max_eur", .label = "Prix maximal", .unit = "€", .control = Control::number},
    {.field = "needed_from", .label = "Besoin à partir du", .control = Control::date},
    {.field = "status",
     .label = "Statut",
     .control = Control::choice,
     .vocabulary = "need_statuses"},
    {.field = "territory", .label = "Zone de recherche"},
    {.field = "radius_m", .label = "Rayon de recherche", .unit = "m"},
    {.field = "radius_km", .label = "Rayon", .unit = "km", .panel = false},
    {.field = "description", .label = "Description", .control = Control::textarea},
    {.field = "contact", .label = "Contact du collectif", .control = Control::text},
    {.field = "notes", .label = "Remarques", .control = Control::textarea},
};

const std::vector<PageField> kPlacePage = {
    {.field = "name", .label = "Nom", .panel = false},  // the panel's heading
    {.field = "kind", .label = "Type de lieu", .vocabulary = "place_kinds"},
    {.field = "address", .label = "Adresse"},
    {.field = "commune_insee", .label = "Code INSEE"},
    {.field = "circle", .label = "Cercle"},
    {.field = "competences", .label = "Compétences"},
    {.field = "website", .label = "Site web", .panel = false},  // a link below
    {.field = "description", .label = "Description"},
};

// Requests' text limits are the ones their reader (request_rows) enforces,
// for a file's rows as for the form's.
const std::vector<PageField> kRequestPage = {
    {.field = "received_on", .label = "Reçue le", .control = Control::date, .required = true},
    {.field = "requester",
     .label = "Demandeur",
     .control = Control::text,
     .required = true,
     .maxlength = 200},
    {.field = "organisation", .label = "Organisation", .control = Control::text, .maxlength = 200},
    // Written as a name or an INSEE code; read back as the commune's name.
    {.field = "commune",
     .label = "Commune",
     .control = Control::text,
     .maxlength = 120,
     .placeholder = "nom ou code INSEE"},
    {.field = "subject",
     .label = "Objet",
     .control = Control::textarea,
     .required = true,
     .maxlength = 1000},
    {.field = "channel",
     .label = "Canal",
     .control = Control::choice,
     .vocabulary = "request_channels"},
    {.field = "orientation",
     .label = "Orientation donnée",
     .control = Control::textarea,
     .maxlength = 2000},
    {.field = "status",
     .label = "Statut",
     .control = Control::choice,
     .vocabulary = "request_statuses"},
    // Links in the panel.
    {.field = "need_id",
     .label = "Besoin lié",
     .unit = "n°",
     .control = Control::reference,
     .panel = false},
    {.field = "place_id",
     .label = "Lieu lié",
     .unit = "n°",
     .control = Control::reference,
     .panel = false},
    {.field = "contact", .label = "Contact", .control = Control::text, .maxlength = 300},
    {.field = "notes", .label = "Remarques", .control = Control::textarea, .maxlength = 4000},
};

// A match's follow-up (its history names its fields so too).
const std::vector<PageField> kMatchPage = {
    {.field = "status",
     .label = "Suivi",
     .control = Control::choice,
     .vocabulary = "match_statuses"},
    {.field = "note", .label = "Note", .control = Control::textarea},
};

// People's accounts and their API tokens, as the account view lists them.
const std::vector<PageField> kAccountPage = {
    {.field = "email", .label = "Adresse e-mail"},
    {.field = "name", .label = "Nom"},
    {.field = "role", .label = "Rôle"},
    {.field = "circle", .label = "Cercle"},
    {.field = "status", .label = "État", .vocabulary = "account_statuses"},
    {.field = "last_sign_in", .label = "Dernière connexion"},
};
const std::vector<PageField> kTokenPage = {
    {.field = "name", .label = "Nom"},
    {.field = "created_at", .label = "Créé le"},
    {.field = "last_used_at", .label = "Dernière utilisation"},
};
// A saved search (api/alert_handlers).
const std::vector<PageField> kSearchPage = {
    {.field = "name",
     .label = "Nom de la recherche",
     .control = Control::text,
     .required = true,
     .maxlength = 200,
     .placeholder = "par exemple « Lens, 300 m² »"},
    {.field = "new_count", .label = "Nouveautés"},
    {.field = "email", .label = "Recevoir par e-mail"},
    {.field = "created_at", .label = "Enregistrée le"},
};

// Where a refusal names a field otherwise than the page's list does: every
// way of giving a location is the form's one "Emplacement", and the commune
// its "Commune" picker.
struct FormLabel {
  const char* field;
  const char* label;
};
const std::vector<FormLabel> kFormLabels = {
    {"commune_insee", "Commune"},
    {"lon", "Emplacement"},
    {"lat", "Emplacement"},
    {"wkt", "Emplacement"},
    {"geometry", "Emplacement"},  // a GeoJSON Feature's geometry
    {"row_source", "Source de la ligne (Source Terrier)"},
};

const char* entity_of(ImportKind kind) {
  switch (kind) {
    case ImportKind::opportunities:
      return "opportunity";
    case ImportKind::needs:
      return "need";
    case ImportKind::places:
      return "place";
    case ImportKind::requests:
      return "request";
    default:
      return "";
  }
}

}  // namespace

const char* control_name(Control control) {
  switch (control) {
    case Control::none:
      return "none";
    case Control::text:
      return "text";
    case Control::textarea:
      return "textarea";
    case Control::number:
      return "number";
    case Control::date:
      return "date";
    case Control::choice:
      return "choice";
    case Control::choices:
      return "choices";
    case Control::commune:
      return "commune";
    case Control::reference:
      return "reference";
  }
  return "none";
}

const std::vector<const char*>& page_entities() {
  static const std::vector<const char*> entities = {"opportunity", "need",    "place", "request",
                                                    "match",       "account", "token", "search"};
  return entities;
}

const std::vector<PageField>& page_fields(std::string_view entity) {
  static const std::vector<PageField> none;
  if (entity == "opportunity") return kOpportunityPage;
  if (entity == "need") return kNeedPage;
  if (entity == "place") return kPlacePage;
  if (entity == "request") return kRequestPage;
  if (entity == "match") return kMatchPage;
  if (entity == "account") return kAccountPage;
  if (entity == "token") return kTokenPage;
  if (entity == "search") return kSearchPage;
  return none;
}

std::string labelled(const PageField& f) {
  std::string out = f.label;
  if (*f.unit) out += std::string(" (") + f.unit + ")";
  return out;
}

std::string form_label(ImportKind kind, const std::string& field) {
  if (kind == ImportKind::needs && field == "status") return "Statut du besoin";
  for (const auto& f : kFormLabels) {
    if (field == f.field) return f.label;
  }
  // The page's label first, then the import tables' (a field sent to the
  // wrong kind is still named in French).
  for (const auto& f : page_fields(entity_of(kind))) {
    if (field == f.field) return labelled(f);
  }
  // The kind's own table first, then the others' (a field sent to the
  // wrong kind is still named in French).
  for (ImportKind k : {kind, ImportKind::opportunities, ImportKind::needs, ImportKind::places}) {
    for (const auto& f : table_for(k)) {
      if (field == f.field) return f.label;
    }
  }
  return field;
}

std::vector<FieldAliases> table_for(ImportKind kind) {
  std::vector<FieldAliases> out;
  auto add = [&out](const std::vector<FieldAliases>& t) {
    out.insert(out.end(), t.begin(), t.end());
  };
  switch (kind) {
    case ImportKind::opportunities:
      add(kOpportunity);
      add(kLocation);
      break;
    case ImportKind::places:
      add(kPlace);
      add(kLocation);
      break;
    case ImportKind::needs:
      add(kNeed);
      add(kLocation);
      break;
    case ImportKind::territories:
      add(kTerritory);
      break;
    case ImportKind::circles:
      add(kCircle);
      break;
    case ImportKind::requests:
      add(kRequest);
      break;
  }
  return out;
}

const std::string& sheet_header(ImportKind kind, std::string_view field) {
  // Built once: an export asks for every field of every row.
  static const auto headers = [] {
    std::map<std::pair<ImportKind, std::string>, std::string, std::less<>> out;
    for (ImportKind k :
         {ImportKind::opportunities, ImportKind::places, ImportKind::needs, ImportKind::requests}) {
      for (const auto& f : table_for(k)) out.emplace(std::pair{k, std::string(f.field)}, f.label);
    }
    return out;
  }();
  auto it = headers.find(std::pair{kind, std::string(field)});
  if (it == headers.end()) {
    throw std::logic_error(
        fmt::format("no {} field '{}' in the field table", kind_name(kind), field));
  }
  return it->second;
}

}  // namespace terrier::importers
