#include "api/cnig_export.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/error.hpp"
#include "db/cnig_store.hpp"
#include "importers/cnig.hpp"

namespace terrier::api {
namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

bool is_iso_date(const std::string& s) {
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  return std::regex_match(s, date);
}

bool is_year(const std::string& s) {
  static const std::regex year(R"(\d{4})");
  return std::regex_match(s, year);
}

bool is_integer(const std::string& s) {
  static const std::regex integer(R"(-?\d+)");
  return std::regex_match(s, integer);
}

const std::vector<std::string> kStatuses = {"friche potentielle",
                                            "friche sans projet",
                                            "friche avec projet",
                                            "friche reconvertie",
                                            "inconnu",
                                            "autre",
                                            "sans objet"};
const std::vector<std::string> kIntegers = {"bati_nombre", "bati_surface",
                                            "unite_fonciere_surface"};
const std::vector<std::string> kYears = {"site_reconv_annee", "activite_fin_annee",
                                         "local_ancien_annee", "local_recent_annee",
                                         "sol_pollution_annee"};

std::string rounded(const std::optional<double>& v) {
  return v ? fmt::format("{:.0f}", std::round(*v)) : "";
}

// One opportunity as the standard's columns.
std::map<std::string, std::string> cnig_row(const db::CnigSite& s) {
  nlohmann::json attrs = nlohmann::json::parse(s.attributes, nullptr, false);
  auto attr = [&](const std::string& name) -> std::string {
    if (!attrs.is_object() || !attrs.contains(name) || !attrs[name].is_string()) return "";
    return attrs[name].get<std::string>();
  };
  std::map<std::string, std::string> row;
  // The CNIG values a CNIG file brought, kept in attributes under their names.
  for (const auto& name : importers::cnig_schema_columns()) row[name] = attr(name);
  for (const auto& name : kIntegers) {
    if (!is_integer(row[name])) row[name].clear();
  }
  for (const auto& name : kYears) {
    if (!is_year(row[name])) row[name].clear();
  }
  row["site_id"] = s.external_id ? *s.external_id : fmt::format("terrier-{}", s.id);
  row["site_nom"] = s.title;
  const auto& types = importers::cnig_site_types();
  if (std::find(types.begin(), types.end(), row["site_type"]) == types.end())
    row["site_type"] = "autre";
  row["site_adresse"] = s.address.value_or("");
  if (!is_iso_date(row["site_identif_date"])) row["site_identif_date"] = s.created_on;
  row["site_actu_date"] = s.last_verified.value_or(s.updated_on);
  std::string status = s.source_status.value_or("");
  row["site_statut"] = std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end()
                           ? status
                           : importers::cnig_status_for(s.status);
  row["comm_insee"] = s.commune_insee.value_or("inconnu");
  if (s.commune_name) row["comm_nom"] = *s.commune_name;
  if (row["comm_nom"].empty()) row["comm_nom"] = "inconnu";
  row["bati_surface"] = rounded(s.built_surface_m2);
  row["unite_fonciere_surface"] = rounded(s.land_surface_m2);
  // An owner's name only for roles that see confidential fields (the store
  // leaves it out otherwise); never from the attributes.
  row["proprio_nom"] = s.owner_name.value_or("");
  if (row["urba_zaer"] != "oui" && row["urba_zaer"] != "non") row["urba_zaer"] = "inconnu";
  if (row["source_nom"].empty()) row["source_nom"] = s.source;
  row["geompoint"] = fmt::format("POINT({:.6f} {:.6f})", s.lon, s.lat);
  row["geomsurf"] = s.surface_wkt.value_or("");
  return row;
}

}  // namespace

void write_cnig_export(pqxx::connection_base& conn, Role role, const std::string& territory,
                       const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(fmt::format("{}: cannot write", path));
  const auto& columns = importers::cnig_schema_columns();
  for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i];
  out << "\r\n";
  db::for_each_cnig_site(conn, role, territory, [&](const db::CnigSite& site) {
    auto row = cnig_row(site);
    for (std::size_t i = 0; i < columns.size(); ++i)
      out << (i ? "," : "") << csv_cell(row[columns[i]]);
    out << "\r\n";
  });
  out.close();
  if (!out) throw Error(fmt::format("{}: cannot write (disk full?)", path));
}

}  // namespace terrier::api
