#pragma once

#include <string>

#include "cli/settings.hpp"

namespace terrier::cli {

// pg_dump of the whole database (custom format) to FILE, written next to it
// and renamed into place: a failed backup leaves no file.
int backup(const Settings& settings, const std::string& file);

// pg_restore of such a file, in one transaction: the database is either the
// backup's or left as it was.
int restore(const Settings& settings, const std::string& file);

}  // namespace terrier::cli
