#include "importers/cnig.hpp"

#include <algorithm>
#include <set>

#include "core/vocabulary.hpp"

namespace terrier::importers {

const std::vector<std::string>& cnig_schema_columns() {
  static const std::vector<std::string> columns = {"site_id",
                                                   "site_nom",
                                                   "site_type",
                                                   "site_adresse",
                                                   "site_identif_date",
                                                   "site_actu_date",
                                                   "site_url",
                                                   "site_ademe_url",
                                                   "site_securite",
                                                   "site_occupation",
                                                   "site_statut",
                                                   "site_projet_url",
                                                   "site_reconv_annee",
                                                   "site_reconv_type",
                                                   "activite_libelle",
                                                   "activite_code",
                                                   "activite_fin_annee",
                                                   "comm_nom",
                                                   "comm_insee",
                                                   "bati_type",
                                                   "bati_nombre",
                                                   "bati_surface",
                                                   "bati_pollution",
                                                   "bati_vacance",
                                                   "bati_patrimoine",
                                                   "bati_etat",
                                                   "local_ancien_annee",
                                                   "local_recent_annee",
                                                   "proprio_type",
                                                   "proprio_personne",
                                                   "proprio_nom",
                                                   "sol_pollution_annee",
                                                   "sol_pollution_existe",
                                                   "sol_pollution_origine",
                                                   "sol_pollution_commentaire",
                                                   "sol_depollution_fiche",
                                                   "unite_fonciere_surface",
                                                   "unite_fonciere_refcad",
                                                   "urba_zone_type",
                                                   "urba_zone_lib",
                                                   "urba_zone_formdomi",
                                                   "urba_zaer",
                                                   "urba_doc_type",
                                                   "desserte_distance",
                                                   "desserte_commentaire",
                                                   "source_nom",
                                                   "source_url",
                                                   "source_producteur",
                                                   "source_contact",
                                                   "geompoint",
                                                   "geomsurf"};
  return columns;
}

bool is_cnig_header(const std::vector<std::string>& header) {
  std::set<std::string> names(header.begin(), header.end());
  return names.count("site_id") && names.count("site_nom") && names.count("geompoint");
}

const std::vector<std::pair<std::string, std::vector<std::string>>>& cnig_columns() {
  // proprio_nom is an owner's name: confidential in Terrier, whatever the
  // standard publishes.
  static const std::vector<std::pair<std::string, std::vector<std::string>>> columns = {
      {"site_id", {"external_id"}},
      {"site_nom", {"title"}},
      {"site_adresse", {"address"}},
      {"site_statut", {"source_status", "status"}},
      {"site_actu_date", {"last_verified"}},
      {"bati_surface", {"built_surface_m2"}},
      {"unite_fonciere_surface", {"land_surface_m2"}},
      {"comm_insee", {"commune_insee"}},
      {"proprio_nom", {"owner_name"}},
      {"geompoint", {"wkt"}},
      {"geomsurf", {"wkt_surface"}},
  };
  return columns;
}

const std::map<std::string, std::string>& cnig_constants() {
  static const std::map<std::string, std::string> constants = {{"kind", "friche"}};
  return constants;
}

const std::map<std::string, std::map<std::string, std::string>>& cnig_values() {
  static const std::map<std::string, std::map<std::string, std::string>> values = {
      {"status",
       {{"friche potentielle", "disponible"},
        {"friche sans projet", "disponible"},
        {"friche avec projet", "en discussion"},
        {"friche reconvertie", "retirée"},
        {"inconnu", ""},
        {"autre", ""},
        {"sans objet", ""}}}};
  return values;
}

std::string cnig_status_for(const std::string& terrier_status) {
  if (terrier_status == vocabulary::kAvailable) return "friche sans projet";
  if (terrier_status == "en discussion" || terrier_status == "attribuée")
    return "friche avec projet";
  if (terrier_status == "retirée") return "friche reconvertie";
  return "inconnu";
}

const std::vector<std::string>& cnig_site_types() {
  static const std::vector<std::string> types = {"friche industrielle",
                                                 "friche commerciale",
                                                 "friche hospitalière",
                                                 "friche agro-industrielle",
                                                 "friche carrière ou mine",
                                                 "friche militaire",
                                                 "friche d'habitat",
                                                 "friche d'équipement public",
                                                 "friche portuaire",
                                                 "friche aéroportuaire",
                                                 "friche ferroviaire",
                                                 "friche logistique",
                                                 "friche loisir tourisme hôtellerie",
                                                 "friche enseignement",
                                                 "friche cultuelle",
                                                 "mixte - dominante habitat",
                                                 "mixte - autre",
                                                 "inconnu",
                                                 "autre",
                                                 "sans objet"};
  return types;
}

}  // namespace terrier::importers
