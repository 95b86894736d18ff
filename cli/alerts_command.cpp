#include "cli/alerts_command.hpp"

#include <fmt/core.h>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "db/migrations.hpp"

namespace terrier::cli {

api::DigestRunConfig digest_config(const Settings& settings) {
  if (settings.smtp_url.empty() || settings.mail_from.empty()) {
    throw ConfigError(
        "alerts need an SMTP server: set TERRIER_SMTP_URL (smtp://host:port or "
        "smtps://user:password@host:port) and TERRIER_MAIL_FROM (the sender's address)");
  }
  api::DigestRunConfig config;
  config.mail = {settings.smtp_url, settings.mail_from};
  config.mail.validate();
  config.base_url = settings.public_url;
  config.limits.reverify_months = settings.reverify_months;
  return config;
}

int report_digests(const api::DigestRunReport& report) {
  if (!report.ran) {
    fmt::print("another run is sending the digests: nothing done\n");
    return 0;
  }
  for (const auto& p : report.problems) fmt::print(stderr, "terrier: alerts: {}\n", p);
  fmt::print("{} message(s) sent, {} item(s); {} failed (retried at the next run)\n",
             report.messages, report.items, report.failed);
  return report.failed > 0 ? 1 : 0;
}

namespace {

int send(const Settings& settings) {
  auto config = digest_config(settings);
  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  return report_digests(api::send_digests(*conn, config));
}

const Registration kAlerts{Order::alerts, [](CLI::App& app, Command& chosen) {
                             auto* alerts = app.add_subcommand(
                                 "alerts", "Saved searches' alerts: the e-mail digests");
                             alerts->require_subcommand(1);
                             alerts
                                 ->add_subcommand("send",
                                                  "Send each person what is new in their saved "
                                                  "searches since their last digest (for cron)")
                                 ->callback([&chosen] { chosen = send; });
                           }};

}  // namespace
}  // namespace terrier::cli
