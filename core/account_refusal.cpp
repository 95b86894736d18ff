#include "core/account_refusal.hpp"

#include <fmt/core.h>

namespace terrier {

std::string account_refusal_text(AccountRefusal refusal, const std::string& detail) {
  switch (refusal) {
    case AccountRefusal::invalid_email:
      return "Adresse e-mail invalide : elle doit ressembler à nom@exemple.fr.";
    case AccountRefusal::unknown_circle:
      return fmt::format("Aucun cercle n'a l'identifiant « {} ».", detail);
    case AccountRefusal::name_too_long:
      return "Le nom dépasse 200 caractères.";
    case AccountRefusal::unknown_role:
      return "Rôle inconnu : member, foundation, animator ou admin.";
    case AccountRefusal::animator_without_circle:
      return "Un compte d'animation a besoin d'un cercle.";
    case AccountRefusal::email_taken:
      return "Un compte existe déjà pour cette adresse.";
    case AccountRefusal::no_such_account:
      return "Aucun compte ne correspond.";
    case AccountRefusal::account_disabled:
      return "Ce compte est désactivé : réactivez-le d'abord.";
    case AccountRefusal::last_active_admin:
      return "Il doit rester au moins un compte administrateur actif.";
  }
  return "Modification du compte refusée.";
}

RefusalKind refusal_kind(AccountRefusal refusal) {
  switch (refusal) {
    case AccountRefusal::no_such_account:
      return RefusalKind::not_found;
    case AccountRefusal::email_taken:
    case AccountRefusal::account_disabled:
    case AccountRefusal::last_active_admin:
      return RefusalKind::conflict;
    default:
      return RefusalKind::invalid;
  }
}

}  // namespace terrier
