#pragma once

#include "cli/settings.hpp"

namespace terrier::cli {

// Each returns the process exit status.
int db_start(const Settings& settings);
int db_stop(const Settings& settings);
int db_status(const Settings& settings);
int db_url(const Settings& settings);
int migrate(const Settings& settings);

}  // namespace terrier::cli
