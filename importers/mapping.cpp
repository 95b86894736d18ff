#include "importers/mapping.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"

namespace terrier::importers {
namespace {

struct FieldAliases {
  const char* field;
  std::vector<const char*> aliases;  // already normalized
};

// Location fields shared by places, opportunities and needs.
const std::vector<FieldAliases> kLocation = {
    {"address", {"adresse", "address", "adresse postale", "rue"}},
    {"postcode", {"code postal", "cp", "postcode", "code_postal"}},
    {"commune_name", {"commune", "ville", "localite", "nom commune", "commune nom"}},
    {"commune_insee", {"code insee", "insee", "code commune", "commune insee", "insee com",
                       "code insee commune", "cog"}},
    {"lon", {"longitude", "lon", "lng", "long", "x", "coord x", "x l93", "x lambert 93"}},
    {"lat", {"latitude", "lat", "y", "coord y", "y l93", "y lambert 93"}},
    {"wkt", {"wkt", "geometrie", "geometry", "geom", "wkt geom", "the geom"}},
    {"location_precision", {"precision", "precision de localisation", "location precision"}},
};

const std::vector<FieldAliases> kOpportunity = {
    {"external_id", {"ref", "reference", "id", "identifiant", "external id", "n", "numero"}},
    {"title", {"intitule", "titre", "title", "designation", "libelle", "nom du bien"}},
    {"kind", {"type de bien", "type", "nature", "kind", "type de local", "nature du bien"}},
    {"built_surface_m2", {"surface batie", "surface plancher", "surface", "surface utile",
                          "shon", "surface bati", "built surface"}},
    {"land_surface_m2", {"surface terrain", "surface du terrain", "surface parcelle",
                         "surface fonciere", "land surface"}},
    {"tenures", {"mode de mise a disposition", "mode", "modalite", "modalites",
                 "type de contrat", "tenure", "tenures", "bail"}},
    {"price_eur", {"prix", "prix de vente", "price", "prix demande"}},
    {"rent_eur_month", {"loyer", "loyer mensuel", "rent", "loyer mois"}},
    {"available_from", {"disponible a partir du", "disponible le", "disponibilite",
                        "date de disponibilite", "available from", "disponible a partir de"}},
    {"available_until", {"disponible jusqu au", "fin de disponibilite", "available until",
                         "disponible jusqu a"}},
    {"owner_kind", {"type de proprietaire", "owner kind", "categorie de proprietaire"}},
    {"owner_name", {"proprietaire", "nom du proprietaire", "owner", "owner name"}},
    {"owner_contact", {"contact proprietaire", "contact du proprietaire", "owner contact",
                       "contact"}},
    {"status", {"statut", "status", "etat d avancement"}},
    {"visibility", {"visibilite", "diffusion", "visibility"}},
    {"last_verified", {"derniere verification", "date de verification", "verifie le",
                       "last verified"}},
    {"source_status", {"statut source"}},
    {"source_checked", {"verifie", "checked"}},
    {"notes", {"remarques", "notes", "commentaire", "commentaires", "observations", "remarque"}},
};

const std::vector<FieldAliases> kPlace = {
    {"external_id", {"ref", "reference", "id", "identifiant", "external id", "place id"}},
    {"name", {"nom", "name", "nom du lieu", "lieu"}},
    {"kind", {"type", "kind", "type de lieu", "categorie"}},
    {"website", {"site web", "site", "website", "url", "site internet"}},
    {"description", {"description", "presentation"}},
    {"competences", {"competences", "competences offertes", "savoir faire", "competences"}},
};

const std::vector<FieldAliases> kNeed = {
    {"external_id", {"ref", "reference", "id", "identifiant", "external id"}},
    {"collective_name", {"collectif", "nom du collectif", "collective", "porteur",
                         "structure"}},
    {"place_ref", {"lieu actuel", "lieu", "place", "place id"}},
    {"contact", {"contact", "contact du collectif"}},
    {"surface_min_m2", {"surface min", "surface minimum", "surface minimale"}},
    {"surface_ideal_m2", {"surface ideale", "surface ideal", "surface souhaitee"}},
    {"surface_max_m2", {"surface max", "surface maximum", "surface maximale"}},
    {"surface_tolerance_pct", {"tolerance", "tolerance surface"}},
    {"kinds_wanted", {"types recherches", "types", "types de bien", "type de bien recherche"}},
    {"tenures_accepted", {"modes acceptes", "modes", "modes de mise a disposition acceptes"}},
    {"rent_max_eur_month", {"loyer max", "loyer maximum", "budget loyer"}},
    {"price_max_eur", {"prix max", "prix maximum", "budget achat"}},
    {"territory", {"territoire", "cercle", "territory"}},
    {"radius_km", {"rayon", "rayon km", "radius", "distance max"}},
    {"needed_from", {"besoin a partir du", "a partir du", "date du besoin", "needed from"}},
    {"description", {"description", "projet"}},
    {"status", {"statut", "status"}},
    {"notes", {"notes", "remarques", "commentaire"}},
};

// Code, name and parent columns depend on the level: territories.cpp picks them.
const std::vector<FieldAliases> kTerritory = {
    {"postcodes", {"codes postaux", "code postal", "postcodes"}},
    {"population", {"population", "pop"}},
};

const std::vector<FieldAliases> kCircle = {
    {"circle_slug", {"circle id", "cercle id", "slug", "circle", "cercle"}},
    {"circle_name", {"circle name", "nom du cercle", "cercle nom"}},
    {"member_code", {"epci siren", "member code", "code membre", "insee", "siren", "code"}},
};

std::vector<FieldAliases> table_for(ImportKind kind) {
  std::vector<FieldAliases> out;
  auto add = [&out](const std::vector<FieldAliases>& t) { out.insert(out.end(), t.begin(), t.end()); };
  switch (kind) {
    case ImportKind::opportunities: add(kOpportunity); add(kLocation); break;
    case ImportKind::places: add(kPlace); add(kLocation); break;
    case ImportKind::needs: add(kNeed); add(kLocation); break;
    case ImportKind::territories: add(kTerritory); break;
    case ImportKind::circles: add(kCircle); break;
  }
  return out;
}

}  // namespace

const char* kind_name(ImportKind kind) {
  switch (kind) {
    case ImportKind::territories: return "territories";
    case ImportKind::circles: return "circles";
    case ImportKind::places: return "places";
    case ImportKind::opportunities: return "opportunities";
    case ImportKind::needs: return "needs";
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

std::string normalize_header(std::string_view header) {
  std::string folded = text::fold(header);
  std::string out;
  int depth = 0;
  bool space = false;
  for (char ch : folded) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '(') { ++depth; continue; }
    if (c == ')') { depth = std::max(0, depth - 1); continue; }
    if (depth > 0) continue;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (space && !out.empty()) out += ' ';
      out += static_cast<char>(c);
      space = false;
    } else {
      space = true;
    }
  }
  return out;
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
  return m;
}

Mapping Mapping::load(ImportKind kind, const std::optional<std::string>& mapping_file) {
  Mapping m;
  m.kind_ = kind;
  for (const auto& f : table_for(kind)) {
    for (const char* alias : f.aliases) m.aliases_.emplace(alias, f.field);
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
      throw ImportError(fmt::format("{}: '{}' is not a field of {} imports", file, field,
                                    kind_name(kind)));
    }
  };
  try {
    if (j.contains("columns")) {
      for (const auto& [header, target] : j.at("columns").items()) {
        std::string key = normalize_header(header);
        m.aliases_.erase(key);  // the file's word wins over the defaults
        for (const auto& field : as_field_list(target, file)) {
          check_field(field);
          m.aliases_.emplace(key, field);
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
      for (const auto& h : j.at("ignore")) m.ignored_.insert(normalize_header(h.get<std::string>()));
    }
    if (j.contains("source")) m.source_ = j.at("source").get<std::string>();
    if (j.contains("srs")) m.srs_ = j.at("srs").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw ImportError(fmt::format("{}: {}", file, e.what()));
  }
  return m;
}

void Mapping::bind(const std::vector<std::string>& header, const std::string& file) {
  bound_.clear();
  unmapped_.clear();
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string key = normalize_header(header[i]);
    // "Source Terrier": the provenance column of Terrier's own spreadsheet
    // exports; an import's source is --source, so re-importing a sheet adds nothing.
    if (key.empty() || ignored_.count(key) || key == "source terrier") continue;
    auto [begin, end] = aliases_.equal_range(key);
    if (begin == end) {
      unmapped_.push_back(i);
      continue;
    }
    for (auto it = begin; it != end; ++it) {
      auto [pos, inserted] = bound_.emplace(it->second, i);
      if (!inserted) {
        // A field fed by two columns: the more specific header (first alias
        // in the table order) is not knowable here, so refuse clearly.
        throw ImportError(fmt::format(
            "{}: columns '{}' and '{}' both give the field {}; keep one, or map one elsewhere "
            "with --mapping",
            file, header[pos->second], header[i], it->second));
      }
    }
  }
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
