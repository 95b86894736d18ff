#include "api/field_errors.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <utility>

#include "importers/field_table.hpp"

namespace terrier::api {
namespace {

using importers::ImportKind;

// English reasons of the importers' rules (importers/fields.cpp, rows.cpp,
// location.cpp, json_rows.cpp) and their French words; $1… are the
// captured parts.
const std::vector<std::pair<std::regex, std::string>>& translations() {
  static const std::vector<std::pair<std::regex, std::string>> table = [] {
    std::vector<std::pair<const char*, const char*>> raw = {
        {"this field is required", "ce champ est obligatoire"},
        {"'(.*)' is not a number", "« $1 » n'est pas un nombre"},
        {"'(.*)' is too large", "« $1 » est trop grand"},
        {"must be greater than (.*)", "doit être supérieur à $1"},
        {"must be at least (.*)", "doit être au moins $1"},
        {"must be at most (.*)", "doit être au plus $1"},
        {"is implausibly large \\(limit (.*)\\)", "est invraisemblablement grand (limite $1)"},
        {"'(.*)' is not a date \\(expected dd/mm/yyyy\\)",
         "« $1 » n'est pas une date (attendu : jj/mm/aaaa)"},
        {"'(.*)' is not a plausible date \\(year (.*)\\)",
         "« $1 » n'est pas une date plausible (année $2)"},
        {"'(.*)' is not a date: there is no month (.*)",
         "« $1 » n'est pas une date : il n'y a pas de mois $2"},
        {"'(.*)' is not a date: month (.*) of (.*) has (.*) days",
         "« $1 » n'est pas une date : le mois $2 de $3 a $4 jours"},
        {"'(.*)' is not yes/no", "« $1 » n'est ni oui ni non"},
        {"'(.*)' is not a known (.*) \\((.*)\\)", "« $1 » n'est pas un $2 connu ($3)"},
        {"ends before the availability starts", "se termine avant le début de la disponibilité"},
        {"is smaller than the minimum surface", "est inférieure à la surface minimale"},
        {"is outside \\[minimum, maximum\\]", "n'est pas entre la surface minimale et la maximale"},
        {"no circle, EPCI, commune or département has this slug",
         "aucun cercle, EPCI, commune ou département ne porte ce nom"},
        {"a search point needs a radius in km", "un point de recherche demande un rayon en km"},
        {"no search area: .*",
         "pas de zone de recherche : un territoire, une commune, un point avec un rayon ou un "
         "polygone"},
        {"no location: .*", "pas d'emplacement : cliquez sur la carte ou choisissez une commune"},
        {"the location is outside Hauts-de-France", "l'emplacement est hors des Hauts-de-France"},
        {"unknown INSEE code in the region", "code INSEE inconnu dans la région"},
        {"latitude and longitude look swapped.*", "la latitude et la longitude semblent inversées"},
        {"a latitude is given without a longitude", "une latitude sans longitude"},
        {"a longitude is given without a latitude", "une longitude sans latitude"},
        {"no single commune of the region has this name.*",
         "aucune commune unique de la région ne porte ce nom (ajoutez le code postal)"},
        {"no commune of the region has this postcode and name",
         "aucune commune de la région n'a ce code postal et ce nom"},
        {"a postcode alone does not locate a row.*",
         "un code postal seul ne situe pas la fiche : ajoutez la commune"},
        {"the geometry is empty", "la géométrie est vide"},
        {"invalid polygon that cannot be repaired: (.*)",
         "polygone invalide, impossible à réparer : $1"},
        {"the polygon has (.*) vertices, at most (.*): simplify it",
         "le polygone a $1 sommets, au plus $2 : simplifiez-le"},
        {"the coordinates are not finite numbers", "les coordonnées ne sont pas des nombres finis"},
        {"unknown field", "champ inconnu"},
    };
    std::vector<std::pair<std::regex, std::string>> out;
    for (const auto& [pattern, french] : raw) out.emplace_back(std::regex(pattern), french);
    return out;
  }();
  return table;
}

}  // namespace

std::string field_label(ImportKind kind, const std::string& field) {
  return importers::form_label(kind, field);
}

std::string french_reason(const std::string& reason) {
  for (const auto& [pattern, french] : translations()) {
    std::smatch m;
    if (std::regex_match(reason, m, pattern)) return m.format(french);
  }
  return "valeur refusée (" + reason + ")";
}

Problem refused_fields(ImportKind kind, const std::vector<importers::RowIssue>& issues) {
  nlohmann::json errors = nlohmann::json::array();
  std::string detail;
  std::string first;
  for (const auto& i : issues) {
    if (i.kind != importers::RowIssue::Kind::rejected) continue;
    std::string field = i.column;
    std::string why = french_reason(i.reason);
    // A number's reason does not quote the value: name it.
    if (!i.value.empty() && why.find(i.value) == std::string::npos) why += " (« " + i.value + " »)";
    std::string one = fmt::format("{} ({}) : {}", field_label(kind, field), field, why);
    errors.push_back({{"field", field}, {"detail", one}, {"value", i.value}});
    detail += (detail.empty() ? "" : " ; ") + one;
    if (first.empty()) first = field;
  }
  if (first.empty()) detail = "la fiche est refusée";
  Problem p = bad_request(detail);
  nlohmann::json ext = {{"errors", errors}};
  if (!first.empty()) ext["field"] = first;
  p.with_extensions(ext.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return p;
}

Problem forbidden_field(ImportKind kind, const std::string& field) {
  Problem p(403, "Forbidden",
            fmt::format("{} ({}) : votre rôle ne peut ni lire ni écrire ce champ",
                        field_label(kind, field), field));
  p.with_extensions(nlohmann::json{{"field", field}}.dump());
  return p;
}

}  // namespace terrier::api
