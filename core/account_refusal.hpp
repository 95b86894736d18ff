#pragma once

// Why a change to a person's account is refused: what the accounts' store
// (db/user_store) decides, without HTTP statuses; its French words, shown by
// the API and printed by the command line, in one table here.

#include <string>

namespace terrier {

enum class AccountRefusal {
  invalid_email,
  unknown_circle,  // detail: the slug given
  name_too_long,
  unknown_role,
  animator_without_circle,
  email_taken,
  no_such_account,
  account_disabled,
  last_active_admin,
};

inline constexpr AccountRefusal kAllAccountRefusals[] = {
    AccountRefusal::invalid_email,           AccountRefusal::unknown_circle,
    AccountRefusal::name_too_long,           AccountRefusal::unknown_role,
    AccountRefusal::animator_without_circle, AccountRefusal::email_taken,
    AccountRefusal::no_such_account,         AccountRefusal::account_disabled,
    AccountRefusal::last_active_admin,
};

// The French sentence for the person; `detail` fills the refusals that name
// a value (unknown_circle).
std::string account_refusal_text(AccountRefusal refusal, const std::string& detail = {});

// What kind of refusal it is, for whoever maps it to a protocol.
enum class RefusalKind { invalid, not_found, conflict };
RefusalKind refusal_kind(AccountRefusal refusal);

}  // namespace terrier
