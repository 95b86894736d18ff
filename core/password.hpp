#pragma once

// Passwords: Argon2id hashes through libsodium (crypto_pwhash_str, interactive
// limits: 64 MiB and about a tenth of a second each). At most a few hashes
// run at once, whatever the number of server threads, so that a burst of
// sign-ins cannot exhaust memory; the others wait their turn.

#include <string>

namespace terrier::password {

// The PHC string ("$argon2id$v=19$m=65536,t=2,p=1$…") to store.
std::string hash(const std::string& password);

// True when `password` matches `stored`. A malformed stored string is false.
bool verify(const std::string& stored, const std::string& password);

// A hash of a password nobody knows, with hash()'s limits: checked against
// when there is no account (or no password yet), so that an unknown address
// takes as long to refuse as a wrong password.
const std::string& dummy_hash();

// Whether `stored` was hashed with the limits hash() uses today (what a
// verification against it costs).
bool has_current_limits(const std::string& stored);

// How many hashes may run at the same time (64 MiB each): a burst of
// sign-ins costs at most 128 MiB above the steady state. Two, the cores of
// the machines Terrier runs on: a hash is one thread (p=1) busy with its CPU
// and memory bandwidth, so a third at once would only wait for a core while
// holding its 64 MiB, and one alone would leave a core idle in a burst (half
// the sign-ins per second). The others wait their turn.
constexpr int kMaxConcurrentHashes = 2;

}  // namespace terrier::password
