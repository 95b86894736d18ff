// Argon2id hashes and the dummy hash an unknown address is checked against.
// No database.

#include "core/password.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

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

// A /proc/self/status line's value in kB (VmRSS, VmHWM).
long status_kb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field + ":")) return std::stol(line.substr(field.size() + 1));
  }
  ADD_FAILURE() << field << " not in /proc/self/status";
  return 0;
}

// Each Argon2id computation takes 64 MiB: a burst of sign-ins costs at most
// kMaxConcurrentHashes of them at once (eight at once would be 512 MiB),
// and the memory goes back to the system after (libsodium maps it apart).
TEST(Password, ABurstOfVerificationsHoldsAtMostTheAllowedHashesAndGivesTheMemoryBack) {
  const std::string stored = password::hash("Lens, 300 m² !");
  const long before = status_kb("VmRSS");
  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM back to VmRSS (Linux 4.0)
  ASSERT_LT(status_kb("VmHWM"), before + 8 * 1024) << "the peak was not reset";
  std::vector<std::thread> burst;
  for (int i = 0; i < 8; ++i) {
    burst.emplace_back([&] { EXPECT_FALSE(password::verify(stored, "pas le bon")); });
  }
  for (auto& t : burst) t.join();
  constexpr long kHashKb = 64 * 1024;
  const long peak = status_kb("VmHWM") - before, after = status_kb("VmRSS") - before;
  EXPECT_GT(peak, kHashKb - 1024) << "a verification fills its 64 MiB";
  EXPECT_LT(peak, password::kMaxConcurrentHashes * kHashKb + 16 * 1024) << peak << " kB";
  EXPECT_LT(after, 8 * 1024) << after << " kB still resident after the burst";
}

}  // namespace
}  // namespace terrier
