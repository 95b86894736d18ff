#pragma once

// E-mail through SMTP, by libcurl (its SMTP client and MIME builder: no
// protocol written here). TERRIER_SMTP_URL says where (smtp://host:port, or
// smtps://user:password@host:port), TERRIER_MAIL_FROM who sends.

#include <string>

#include "api/alert_render.hpp"

namespace terrier::api {

struct MailConfig {
  std::string smtp_url;  // smtp://… or smtps://…
  std::string from;      // an address
  // smtp_url without its password, for messages and logs.
  std::string redacted_url() const;
  void validate() const;  // throws ConfigError
};

// Sends one message with a text and an HTML part. Throws terrier::Error
// naming the server (without its password) and libcurl's reason.
void send_mail(const MailConfig& config, const std::string& to, const DigestMail& mail);

}  // namespace terrier::api
