#include "api/fiche_tiles.hpp"

#include <curl/curl.h>
#include <fmt/core.h>

#include "api/curl_global.hpp"
#include "core/log.hpp"
#include "core/text.hpp"

namespace terrier::api {
namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  // A tile is small: past 4 MiB it is not one.
  if (body->size() + size * count > (4u << 20)) return 0;
  body->append(data, size * count);
  return size * count;
}

}  // namespace

TileFetcher::TileFetcher(std::string url_template, std::chrono::milliseconds budget)
    : template_(std::move(url_template)), deadline_(std::chrono::steady_clock::now() + budget) {
  if (template_.empty()) return;
  curl_global_once();
  curl_.reset(curl_easy_init());
  if (!curl_) failed_ = true;
}

void TileFetcher::EasyDeleter::operator()(void* easy) const {
  curl_easy_cleanup(static_cast<CURL*>(easy));
}

std::string TileFetcher::tile_url(const std::string& url_template, int z, int x, int y) {
  std::string url = text::replace_all(url_template, "{z}", std::to_string(z));
  url = text::replace_all(std::move(url), "{x}", std::to_string(x));
  return text::replace_all(std::move(url), "{y}", std::to_string(y));
}

std::optional<std::string> TileFetcher::get(int z, int x, int y) {
  if (!curl_ || failed_) return std::nullopt;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline_ - std::chrono::steady_clock::now());
  if (left.count() <= 0) return std::nullopt;
  CURL* c = static_cast<CURL*>(curl_.get());
  const std::string url = tile_url(template_, z, x, y);
  std::string body;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(left.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "Terrier (fiche)");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  CURLcode code = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK || status != 200) {
    failed_ = true;
    log::info(
        "fiche: no base map ({}: {})", url,
        code != CURLE_OK ? std::string(curl_easy_strerror(code)) : fmt::format("HTTP {}", status));
    return std::nullopt;
  }
  return body;
}

}  // namespace terrier::api
