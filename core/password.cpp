#include "core/password.hpp"

#include <sodium.h>

#include <semaphore>

#include "core/error.hpp"

namespace terrier::password {
namespace {

void init_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw Error("libsodium could not be initialised");
}

// Each Argon2id computation takes crypto_pwhash_MEMLIMIT_INTERACTIVE bytes.
std::counting_semaphore<kMaxConcurrentHashes>& slots() {
  static std::counting_semaphore<kMaxConcurrentHashes> s(kMaxConcurrentHashes);
  return s;
}

struct Slot {
  Slot() { slots().acquire(); }
  ~Slot() { slots().release(); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
};

}  // namespace

std::string hash(const std::string& password) {
  init_sodium();
  char out[crypto_pwhash_STRBYTES];
  Slot slot;
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw Error("not enough memory to hash a password");
  }
  return out;
}

bool verify(const std::string& stored, const std::string& password) {
  init_sodium();
  if (stored.size() >= crypto_pwhash_STRBYTES) return false;
  Slot slot;
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

const std::string& dummy_hash() {
  // The hash of 32 random bytes, computed once with hash()'s limits and the
  // bytes thrown away: nobody knows a password it accepts. Written here rather
  // than computed at start-up, which took 64 MiB and a tenth of a second of
  // every server's start (its peak memory).
  static const std::string h =
      "$argon2id$v=19$m=65536,t=2,p=1$mOl795VjGes4IfpR+/"
      "+G+w$KhhdSxmbScwU8BdTrFaIS4OB7yinSGiO1dRyJXwnh68";
  return h;
}

bool has_current_limits(const std::string& stored) {
  init_sodium();
  return crypto_pwhash_str_needs_rehash(stored.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

}  // namespace terrier::password
