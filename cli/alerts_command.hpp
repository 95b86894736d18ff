#pragma once

// `terrier alerts send`: one run of the saved searches' e-mail digests
// (api/alerts), for cron; `terrier serve --alerts-every MINUTES` runs the
// same on a timer.

#include "api/alerts.hpp"
#include "cli/settings.hpp"

namespace terrier::cli {

// The digests' configuration from the settings (TERRIER_SMTP_URL,
// TERRIER_MAIL_FROM, TERRIER_PUBLIC_URL). Throws ConfigError when e-mail
// is not configured.
api::DigestRunConfig digest_config(const Settings& settings);

// Prints what a run did; returns 0, or 1 when a message could not be sent.
int report_digests(const api::DigestRunReport& report);

}  // namespace terrier::cli
