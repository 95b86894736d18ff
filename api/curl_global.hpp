#pragma once

// libcurl's process-wide setup, done once before the first easy handle of
// any of its users (api/mailer, api/fiche_tiles, api/geocoder_client):
// curl_global_init is not thread-safe, so it must not run beside another
// handle's creation. And one RAII type per libcurl handle they use.

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace terrier::api {

inline void curl_global_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Curl = std::unique_ptr<CURL, CurlDeleter>;
using Mime = std::unique_ptr<curl_mime, MimeDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

}  // namespace terrier::api
