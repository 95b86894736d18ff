#include "importers/mapping.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"
#include "importers/cnig.hpp"

namespace terrier::importers {
namespace {

struct FieldAliases {
  const char* field;
  const char* label;                 // how the field is named to people, in suggestions
  std::vector<const char*> aliases;  // normalised by normalize_header() when loaded
};

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
     "Modalité(s)",
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
  }
  return out;
}

}  // namespace

const char* kind_name(ImportKind kind) {
  switch (kind) {
    case ImportKind::territories:
      return "territories";
    case ImportKind::circles:
      return "circles";
    case ImportKind::places:
      return "places";
    case ImportKind::opportunities:
      return "opportunities";
    case ImportKind::needs:
      return "needs";
  }
  return "";
}

std::optional<ImportKind> parse_kind(std::string_view name) {
  for (auto k : {ImportKind::territories, ImportKind::circles, ImportKind::places,
                 ImportKind::opportunities, ImportKind::needs}) {
    if (name == kind_name(k)) return k;
  }
  return std::nullopt;
}

const std::vector<std::string>& field_names(ImportKind kind) {
  static const auto names = [] {
    std::map<ImportKind, std::vector<std::string>> m;
    for (auto k : {ImportKind::territories, ImportKind::circles, ImportKind::places,
                   ImportKind::opportunities, ImportKind::needs}) {
      for (const auto& f : table_for(k)) m[k].emplace_back(f.field);
    }
    return m;
  }();
  return names.at(kind);
}

namespace {

std::vector<std::string> as_field_list(const nlohmann::json& v, const std::string& file) {
  if (v.is_string()) return {v.get<std::string>()};
  if (v.is_array()) {
    std::vector<std::string> out;
    for (const auto& e : v) {
      if (!e.is_string()) throw ImportError(fmt::format("{}: field names must be strings", file));
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  throw ImportError(fmt::format("{}: a column maps to a field name or a list of them", file));
}

}  // namespace

Mapping Mapping::canonical(ImportKind kind) {
  Mapping m;
  m.kind_ = kind;
  for (const auto& f : field_names(kind)) m.aliases_.emplace(normalize_header(f), f);
  m.canonical_ = true;
  return m;
}

Mapping Mapping::load(ImportKind kind, const std::optional<std::string>& mapping_file) {
  Mapping m;
  m.kind_ = kind;
  for (const auto& f : table_for(kind)) {
    for (const char* alias : f.aliases) m.aliases_.emplace(normalize_header(alias), f.field);
  }
  if (!mapping_file) return m;

  const std::string& file = *mapping_file;
  std::ifstream in(file);
  if (!in) throw ImportError(fmt::format("{}: cannot open the mapping file", file));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ImportError(fmt::format("{}: not valid JSON: {}", file, e.what()));
  }
  if (!j.is_object()) throw ImportError(fmt::format("{}: the mapping must be a JSON object", file));
  const auto& known = field_names(kind);
  auto check_field = [&](const std::string& field) {
    if (std::find(known.begin(), known.end(), field) == known.end()) {
      throw ImportError(
          fmt::format("{}: '{}' is not a field of {} imports", file, field, kind_name(kind)));
    }
  };
  try {
    if (j.contains("columns")) {
      for (const auto& [header, target] : j.at("columns").items()) {
        std::string key = normalize_header(header);
        auto& fields = m.overrides_[key];  // the file's word wins over the defaults
        for (const auto& field : as_field_list(target, file)) {
          check_field(field);
          fields.push_back(field);
        }
      }
    }
    if (j.contains("constants")) {
      for (const auto& [field, value] : j.at("constants").items()) {
        check_field(field);
        m.constants_[field] = value.is_string() ? value.get<std::string>() : value.dump();
      }
    }
    if (j.contains("values")) {
      for (const auto& [field, table] : j.at("values").items()) {
        check_field(field);
        for (const auto& [from, to] : table.items()) {
          m.values_[field][text::fold(text::trim(from))] = to.get<std::string>();
        }
      }
    }
    if (j.contains("ignore")) {
      for (const auto& h : j.at("ignore"))
        m.ignored_.insert(normalize_header(h.get<std::string>()));
    }
    if (j.contains("source")) m.source_ = j.at("source").get<std::string>();
    if (j.contains("srs")) m.srs_ = j.at("srs").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw ImportError(fmt::format("{}: {}", file, e.what()));
  }
  return m;
}

std::vector<std::string> Mapping::fields_for(const std::string& key) const {
  if (auto it = overrides_.find(key); it != overrides_.end()) return it->second;
  std::vector<std::string> out;
  if (profile_ == Profile::cnig) {
    for (const auto& [column, fields] : cnig_columns()) {
      if (normalize_header(column) == key) out.assign(fields.begin(), fields.end());
    }
    return out;
  }
  auto [begin, end] = aliases_.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    // Two spellings of one field may normalise alike ("loyer", "loyer mois").
    if (std::find(out.begin(), out.end(), it->second) == out.end()) out.push_back(it->second);
  }
  return out;
}

std::optional<std::string> Mapping::suggestion_for(const std::string& key) const {
  if (canonical_) return std::nullopt;
  std::optional<std::string> best;
  std::size_t best_distance = std::string::npos;
  for (const auto& f : table_for(kind_)) {
    if (bound_.count(f.field)) continue;  // already fed by another column
    for (const char* alias : f.aliases) {
      std::string a = normalize_header(alias);
      if (!is_close_header(key, a)) continue;
      std::size_t d = edit_distance(key, a);
      if (d < best_distance) {
        best_distance = d;
        best = f.label;
      }
    }
  }
  return best;
}

void Mapping::bind(const std::vector<std::string>& header, const std::string& file) {
  bound_.clear();
  unmapped_.clear();
  reading_.clear();
  if (kind_ == ImportKind::opportunities && !canonical_ && is_cnig_header(header)) {
    profile_ = Profile::cnig;
    for (const auto& [field, value] : cnig_constants()) constants_.emplace(field, value);
    for (const auto& [field, table] : cnig_values()) {
      for (const auto& [from, to] : table) values_[field].emplace(text::fold(from), to);
    }
  }
  std::vector<std::size_t> ignored_columns;
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string key = normalize_header(header[i]);
    reading_.push_back({header[i], std::nullopt, std::nullopt, true});
    if (key.empty() || ignored_.count(key)) {
      reading_.back().kept = false;
      continue;
    }
    std::vector<std::string> fields = fields_for(key);
    if (fields.empty()) {
      unmapped_.push_back(i);
      continue;
    }
    std::string joined;
    for (const auto& field : fields) {
      auto [pos, inserted] = bound_.emplace(field, i);
      if (!inserted) {
        // A field fed by two columns: the more specific header (first alias
        // in the table order) is not knowable here, so refuse clearly.
        throw ImportError(fmt::format(
            "{}: columns '{}' and '{}' both give the field {}; keep one, or map one elsewhere "
            "with --mapping",
            file, header[pos->second], header[i], field));
      }
      joined += (joined.empty() ? "" : ", ") + field;
    }
    reading_.back().field = joined;
  }
  // Suggestions once every column is bound: a field already fed is not
  // offered again.
  for (std::size_t i : unmapped_)
    reading_[i].suggestion = suggestion_for(normalize_header(header[i]));
}

std::optional<std::size_t> Mapping::column(std::string_view field) const {
  auto it = bound_.find(field);
  if (it == bound_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Mapping::constant(std::string_view field) const {
  auto it = constants_.find(std::string(field));
  if (it == constants_.end()) return std::nullopt;
  return it->second;
}

std::string Mapping::translate(std::string_view field, const std::string& value) const {
  auto table = values_.find(std::string(field));
  if (table == values_.end()) return value;
  auto it = table->second.find(text::fold(text::trim(value)));
  return it == table->second.end() ? value : it->second;
}

}  // namespace terrier::importers
