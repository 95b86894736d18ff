#pragma once

#include <string>

#include "matching/model.hpp"

namespace terrier::matching {

// Reads a JSON matching configuration (see matching/defaults.json); missing
// keys keep their defaults. Throws ConfigError naming the file.
MatchConfig load_match_config(const std::string& path);

}  // namespace terrier::matching
