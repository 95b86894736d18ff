// Every refusal of an account change has its French sentence and a kind.

#include "core/account_refusal.hpp"

#include <gtest/gtest.h>

#include <set>

namespace terrier {
namespace {

TEST(AccountRefusal, EveryRefusalHasItsOwnFrenchSentence) {
  std::set<std::string> seen;
  for (auto refusal : kAllAccountRefusals) {
    auto text = account_refusal_text(refusal, "cercle-x");
    EXPECT_GE(text.size(), 20u) << text;
    EXPECT_TRUE(text.back() == '.') << text;
    EXPECT_TRUE(seen.insert(text).second) << "said twice: " << text;
  }
  EXPECT_EQ(seen.size(), std::size(kAllAccountRefusals));
  EXPECT_EQ(account_refusal_text(AccountRefusal::unknown_circle, "somme-sud"),
            "Aucun cercle n'a l'identifiant « somme-sud ».");
}

TEST(AccountRefusal, KindsSayNotFoundConflictOrInvalid) {
  EXPECT_EQ(refusal_kind(AccountRefusal::no_such_account), RefusalKind::not_found);
  EXPECT_EQ(refusal_kind(AccountRefusal::email_taken), RefusalKind::conflict);
  EXPECT_EQ(refusal_kind(AccountRefusal::last_active_admin), RefusalKind::conflict);
  EXPECT_EQ(refusal_kind(AccountRefusal::account_disabled), RefusalKind::conflict);
  EXPECT_EQ(refusal_kind(AccountRefusal::invalid_email), RefusalKind::invalid);
  EXPECT_EQ(refusal_kind(AccountRefusal::unknown_role), RefusalKind::invalid);
}

}  // namespace
}  // namespace terrier
