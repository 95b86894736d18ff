#include "api/field_errors.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "importers/field_table.hpp"

namespace terrier::api {
using importers::ImportKind;

std::string field_label(ImportKind kind, const std::string& field) {
  return importers::form_label(kind, field);
}

Problem refused_fields(ImportKind kind, const std::vector<importers::RowIssue>& issues) {
  nlohmann::json errors = nlohmann::json::array();
  std::string detail;
  std::string first;
  for (const auto& i : issues) {
    if (i.kind != importers::RowIssue::Kind::rejected) continue;
    std::string field = i.column;
    std::string why = importers::french(i.reason);
    // A number's reason does not quote the value: name it.
    if (!i.value.empty() && why.find(i.value) == std::string::npos) why += " (« " + i.value + " »)";
    std::string one = fmt::format("{} ({}) : {}", field_label(kind, field), field, why);
    errors.push_back({{"field", field},
                      {"code", importers::code_name(i.reason.code)},
                      {"params", i.reason.params},
                      {"detail", one},
                      {"value", i.value}});
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
