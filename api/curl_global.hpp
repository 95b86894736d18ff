#pragma once

// libcurl's process-wide setup, done once before the first easy handle of
// any of its users (api/mailer, api/fiche_tiles): curl_global_init is not
// thread-safe, so it must not run beside another handle's creation.

#include <curl/curl.h>

#include <mutex>

namespace terrier::api {

inline void curl_global_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace terrier::api
