#pragma once

// The e-mail digests of saved searches: one run (`terrier alerts send`, or
// every --alerts-every minutes in `terrier serve`) sends each person whose
// searches ask for e-mails one message listing what is new in them since
// their last digest, as their role reads it. Nothing new: no message. A send
// that fails records nothing, so the next run sends the same items again;
// a sent item is never sent twice for a search (db::alert_store). One run at
// a time across every process (an advisory lock in PostgreSQL).

#include <string>
#include <vector>

#include "api/mailer.hpp"
#include "api/params.hpp"
#include "db/connection.hpp"

namespace terrier::api {

struct DigestRunConfig {
  MailConfig mail;
  std::string base_url;  // the page's address, for the links
  Limits limits;         // how saved queries are read
  // At most this many items per search in one message; the rest follow in
  // the next run.
  std::size_t max_items = 200;
};

struct DigestRunReport {
  bool ran = true;  // false: another run held the lock
  int messages = 0;
  std::size_t items = 0;
  int failed = 0;
  std::vector<std::string> problems;  // one line each, English
};

DigestRunReport send_digests(pqxx::connection_base& conn, const DigestRunConfig& config);

}  // namespace terrier::api
