// Argon2id hashes and the dummy hash an unknown address is checked against.
// No database.

#include "core/password.hpp"

#include <gtest/gtest.h>

#include <string>

namespace terrier {
namespace {

TEST(Password, AHashVerifiesItsPasswordAndNoOther) {
  std::string stored = password::hash("Lens, 300 m² !");
  EXPECT_TRUE(stored.starts_with("$argon2id$"));
  EXPECT_TRUE(password::verify(stored, "Lens, 300 m² !"));
  EXPECT_FALSE(password::verify(stored, "Lens, 300 m²"));
  EXPECT_FALSE(password::verify("pas un hash", "Lens, 300 m² !"));
  EXPECT_TRUE(password::has_current_limits(stored));
}

// The dummy hash is written in the source: it must cost what a real
// verification costs (same limits), and accept none of the passwords a
// person would try first.
TEST(Password, TheDummyHashCostsWhatARealOneCostsAndAcceptsNothingObvious) {
  const std::string& dummy = password::dummy_hash();
  EXPECT_TRUE(dummy.starts_with("$argon2id$v=19$"));
  EXPECT_TRUE(password::has_current_limits(dummy));
  EXPECT_FALSE(
      password::has_current_limits("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"));
  for (const char* guess : {"", "password", "terrier", "dummy", "0000000000000000"}) {
    EXPECT_FALSE(password::verify(dummy, guess)) << guess;
  }
}

}  // namespace
}  // namespace terrier
