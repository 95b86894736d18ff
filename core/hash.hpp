#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace terrier {

// Lower-case hexadecimal SHA-256 of a byte string.
std::string sha256_hex(std::string_view data);

// Incremental SHA-256, for files read in chunks.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  std::string hex_digest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Hex SHA-256 of a whole file; throws Error naming the file when unreadable.
std::string sha256_file_hex(const std::string& path);

// n cryptographically random bytes, hex-encoded (2n characters).
std::string random_hex(std::size_t n_bytes);

}  // namespace terrier
