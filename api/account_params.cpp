#include "api/account_params.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "api/field_problem.hpp"
#include "core/json.hpp"
#include "core/text.hpp"

namespace terrier::api {
namespace {

using nlohmann::json;

const char* const kIncompleteInvitation =
    "Le lien d'invitation est incomplet : ouvrez le lien reçu en entier.";

json object_body(const std::string& body, std::initializer_list<const char*> known) {
  json j;
  try {
    j = parse_json(body);
  } catch (const std::exception&) {
    throw bad_request("Le corps de la requête doit être un objet JSON.");
  }
  if (!j.is_object()) throw bad_request("Le corps de la requête doit être un objet JSON.");
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return key == k; }) ==
        known.end()) {
      throw field_error(key, fmt::format("Champ inconnu : « {} ».", key));
    }
  }
  return j;
}

std::optional<std::string> text(const json& j, const char* field, const char* missing) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) {
    if (missing) throw field_error(field, missing);
    return std::nullopt;
  }
  if (!it->is_string()) throw field_error(field, "Ce champ doit être un texte.");
  return it->get<std::string>();
}

Role account_role(const std::string& name) {
  auto role = parse_role(name);
  if (!role || !is_account_role(*role)) {
    throw field_error("role", "Rôle inconnu : member, foundation, animator ou admin.");
  }
  return *role;
}

}  // namespace

SignInBody SignInBody::parse(const std::string& body) {
  auto j = object_body(body, {"email", "password"});
  return {*text(j, "email", "L'adresse e-mail est obligatoire."),
          *text(j, "password", "Le mot de passe est obligatoire.")};
}

InvitationBody InvitationBody::parse(const std::string& body) {
  auto j = object_body(body, {"token"});
  return {*text(j, "token", kIncompleteInvitation)};
}

NewPasswordBody NewPasswordBody::parse(const std::string& body) {
  auto j = object_body(body, {"token", "password", "password_confirmation"});
  return {*text(j, "token", kIncompleteInvitation),
          *text(j, "password", "Le mot de passe est obligatoire."),
          text(j, "password_confirmation", nullptr).value_or("")};
}

void NewPasswordBody::validate() const {
  if (text::utf8_length(password) < kMinPasswordChars) {
    throw field_error(
        "password",
        fmt::format("Le mot de passe doit compter au moins {} caractères.", kMinPasswordChars));
  }
  if (password.size() > kMaxPasswordBytes) {
    throw field_error("password", "Le mot de passe est trop long (1 024 octets au plus).");
  }
  if (confirmation != password) {
    throw field_error("password_confirmation", "Les deux mots de passe ne sont pas identiques.");
  }
}

NewUserBody NewUserBody::parse(const std::string& body) {
  auto j = object_body(body, {"email", "role", "circle", "name"});
  NewUserBody b;
  b.user.email = *text(j, "email", "L'adresse e-mail est obligatoire.");
  b.user.role = account_role(*text(j, "role", "Le rôle est obligatoire."));
  b.user.circle = text(j, "circle", nullptr);
  if (b.user.circle && b.user.circle->empty()) b.user.circle.reset();
  b.user.name = text(j, "name", nullptr).value_or("");
  return b;
}

UserPatchBody UserPatchBody::parse(const std::string& body) {
  auto j = object_body(body, {"role", "circle", "disabled"});
  UserPatchBody b;
  if (auto role = text(j, "role", nullptr)) b.change.role = account_role(*role);
  if (j.contains("circle")) {
    auto circle = text(j, "circle", nullptr);
    b.change.circle = circle && !circle->empty() ? circle : std::nullopt;
  }
  if (j.contains("disabled")) {
    if (!j["disabled"].is_boolean()) throw field_error("disabled", "Ce champ vaut true ou false.");
    b.change.disabled = j["disabled"].get<bool>();
  }
  return b;
}

TokenBody TokenBody::parse(const std::string& body) {
  auto j = object_body(body, {"name"});
  TokenBody b{*text(j, "name", "Donnez un nom au jeton (par exemple « QGIS bureau »).")};
  if (b.name.find_first_not_of(" \t") == std::string::npos) {
    throw field_error("name", "Donnez un nom au jeton (par exemple « QGIS bureau »).");
  }
  if (text::utf8_length(b.name) > 100) throw field_error("name", "Le nom dépasse 100 caractères.");
  return b;
}

SearchBody SearchBody::parse(const std::string& body, bool creating) {
  auto j = object_body(body, {"name", "query", "email"});
  SearchBody b;
  b.name =
      text(j, "name",
           creating ? "Donnez un nom à la recherche (par exemple « Lens, 300 m² »)." : nullptr);
  if (b.name) {
    *b.name = text::trim(*b.name);
    if (b.name->empty()) {
      throw field_error("name", "Donnez un nom à la recherche (par exemple « Lens, 300 m² »).");
    }
    if (text::utf8_length(*b.name) > 200) {
      throw field_error("name", "Le nom dépasse 200 caractères.");
    }
  }
  b.query = text(j, "query", creating ? "La recherche à enregistrer manque (query)." : nullptr);
  if (b.query && b.query->size() > 4000) {
    throw field_error("query", "La recherche dépasse 4 000 caractères.");
  }
  if (j.contains("email")) {
    if (!j["email"].is_boolean()) throw field_error("email", "Ce champ vaut true ou false.");
    b.email = j["email"].get<bool>();
  } else if (creating) {
    b.email = false;
  }
  if (!creating && !b.name && !b.query && !b.email) {
    throw bad_request("Rien à modifier : name, query ou email.");
  }
  return b;
}

NeedFeedBody NeedFeedBody::parse(const std::string& body) {
  auto j = body.empty() ? json::object() : object_body(body, {"min_score"});
  NeedFeedBody b;
  if (auto it = j.find("min_score"); it != j.end() && !it->is_null()) {
    if (!it->is_number()) throw field_error("min_score", "Le score minimal est un nombre.");
    b.min_score = it->get<double>();
    if (!(b.min_score >= 0 && b.min_score <= 100)) {
      throw field_error("min_score", "Le score minimal est compris entre 0 et 100.");
    }
  }
  return b;
}

}  // namespace terrier::api
