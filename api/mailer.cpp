#include "api/mailer.hpp"

#include <curl/curl.h>
#include <fmt/core.h>
#include <sodium.h>

#include <ctime>
#include <memory>

#include "api/curl_global.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"

namespace terrier::api {
namespace {

void append(Slist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (!next) throw Error("out of memory building an e-mail");
  list.release();
  list.reset(next);
}

// RFC 2047: a header's UTF-8 text as an encoded word.
std::string encoded_word(const std::string& text) {
  std::string out(sodium_base64_encoded_len(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),
                    text.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return "=?UTF-8?B?" + out + "?=";
}

std::string rfc5322_date() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", days[tm.tm_wday], tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void check(CURLcode code, const char* what) {
  if (code != CURLE_OK) throw Error(fmt::format("{}: {}", what, curl_easy_strerror(code)));
}

// A header-safe address: no line breaks, one '@'.
bool plain_address(const std::string& a) {
  return !a.empty() && a.find_first_of("\r\n<>, ") == std::string::npos &&
         a.find('@') != std::string::npos;
}

curl_mimepart* text_part(curl_mime* mime, const std::string& body, const char* type) {
  curl_mimepart* part = curl_mime_addpart(mime);
  if (!part) throw Error("out of memory building an e-mail");
  check(curl_mime_data(part, body.data(), body.size()), "e-mail part");
  check(curl_mime_type(part, type), "e-mail part");
  check(curl_mime_encoder(part, "quoted-printable"), "e-mail part");
  return part;
}

}  // namespace

std::string MailConfig::redacted_url() const {
  // smtps://user:secret@host -> smtps://user:***@host
  auto scheme = smtp_url.find("://");
  auto at = smtp_url.rfind('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return smtp_url;
  auto colon = smtp_url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return smtp_url;
  return smtp_url.substr(0, colon + 1) + "***" + smtp_url.substr(at);
}

void MailConfig::validate() const {
  if (!smtp_url.starts_with("smtp://") && !smtp_url.starts_with("smtps://")) {
    throw ConfigError(fmt::format(
        "TERRIER_SMTP_URL must be smtp://host:port or smtps://user:password@host:port, not '{}'",
        redacted_url()));
  }
  if (!plain_address(from)) {
    throw ConfigError("TERRIER_MAIL_FROM must be one e-mail address (terrier@example.org)");
  }
}

void send_mail(const MailConfig& config, const std::string& to, const DigestMail& mail) {
  if (!plain_address(to)) throw Error(fmt::format("not an e-mail address: '{}'", to));
  curl_global_once();
  Curl curl(curl_easy_init());
  if (!curl) throw Error("libcurl could not start");
  CURL* c = curl.get();
  check(curl_easy_setopt(c, CURLOPT_URL, config.smtp_url.c_str()), "SMTP URL");
  const std::string from = "<" + config.from + ">";
  check(curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str()), "SMTP sender");
  Slist recipients;
  append(recipients, "<" + to + ">");
  check(curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get()), "SMTP recipient");
  // smtp:// upgrades to TLS when the server offers it.
  check(curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY)), "SMTP TLS");
  check(curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L), "SMTP timeout");
  check(curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L), "SMTP timeout");
  check(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L), "SMTP signals");

  Slist headers;
  append(headers, "Date: " + rfc5322_date());
  append(headers, fmt::format("From: {} <{}>", encoded_word("Terrier"), config.from));
  append(headers, fmt::format("To: <{}>", to));
  append(headers, "Subject: " + encoded_word(mail.subject));
  const auto at = config.from.find('@');
  append(headers, fmt::format("Message-ID: <{}{}>", random_hex(16), config.from.substr(at)));
  append(headers, "MIME-Version: 1.0");
  append(headers, "Auto-Submitted: auto-generated");
  check(curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get()), "e-mail headers");

  Mime message(curl_mime_init(c));
  Mime alternative(curl_mime_init(c));
  if (!message || !alternative) throw Error("out of memory building an e-mail");
  text_part(alternative.get(), mail.text, "text/plain; charset=utf-8");
  text_part(alternative.get(), mail.html, "text/html; charset=utf-8");
  curl_mimepart* body = curl_mime_addpart(message.get());
  if (!body) throw Error("out of memory building an e-mail");
  // The message owns the alternative's parts from here on.
  check(curl_mime_subparts(body, alternative.get()), "e-mail parts");
  alternative.release();
  check(curl_mime_type(body, "multipart/alternative"), "e-mail parts");
  Slist inline_header;
  append(inline_header, "Content-Disposition: inline");
  check(curl_mime_headers(body, inline_header.get(), 1), "e-mail parts");
  inline_header.release();
  check(curl_easy_setopt(c, CURLOPT_MIMEPOST, message.get()), "e-mail body");

  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    throw Error(fmt::format("sending to {} through {} failed: {}", to, config.redacted_url(),
                            error[0] ? error : curl_easy_strerror(code)));
  }
}

}  // namespace terrier::api
