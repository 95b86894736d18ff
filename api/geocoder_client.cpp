#include "api/geocoder_client.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <optional>

#include "api/curl_global.hpp"
#include "core/error.hpp"

namespace terrier::api {

namespace {

void check(CURLcode code, const std::string& url) {
  if (code != CURLE_OK) {
    throw Error(fmt::format("le géocodeur {} : {}", url, curl_easy_strerror(code)));
  }
}

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c == '\n' || c == '\r' ? ' ' : c;
  }
  return out + "\"";
}

// The request's file: the row's number, the address, the commune's name,
// its INSEE code and postcode.
std::string request_csv(const std::vector<importers::GeocodeQuery>& queries) {
  std::string out = "id,adresse,commune,insee,postcode\n";
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const auto& q = queries[i];
    out += fmt::format("{},{},{},{},{}\n", i, quoted(q.address), quoted(q.commune), quoted(q.insee),
                       quoted(q.postcode));
  }
  return out;
}

// The rows of a CSV (comma or semicolon, double quotes).
std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::size_t first_line = text.find('\n');
  std::string head = text.substr(0, first_line);
  const char delimiter =
      std::count(head.begin(), head.end(), ';') > std::count(head.begin(), head.end(), ',') ? ';'
                                                                                            : ',';
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row(1);
  bool quoted_cell = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted_cell) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        row.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted_cell = false;
      } else {
        row.back() += c;
      }
    } else if (c == '"') {
      quoted_cell = true;
    } else if (c == delimiter) {
      row.emplace_back();
    } else if (c == '\n') {
      rows.push_back(std::move(row));
      row.assign(1, "");
    } else if (c != '\r') {
      row.back() += c;
    }
  }
  if (row.size() > 1 || !row[0].empty()) rows.push_back(std::move(row));
  return rows;
}

std::optional<double> number(const std::string& text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::vector<importers::GeocodeAnswer> geocode_batch(
    const std::string& url, const std::vector<importers::GeocodeQuery>& queries) {
  const std::string endpoint = url + "/search/csv";
  curl_global_once();
  Curl curl(curl_easy_init());
  if (!curl) throw Error("libcurl: no handle for the geocoder");
  CURL* c = curl.get();
  Mime form(curl_mime_init(c));
  const std::string data = request_csv(queries);
  auto add = [&](const char* name, const std::string& value) {
    curl_mimepart* part = curl_mime_addpart(form.get());
    check(curl_mime_name(part, name), endpoint);
    check(curl_mime_data(part, value.data(), value.size()), endpoint);
    return part;
  };
  curl_mimepart* file = add("data", data);
  check(curl_mime_filename(file, "adresses.csv"), endpoint);
  check(curl_mime_type(file, "text/csv"), endpoint);
  add("columns", "adresse");
  add("columns", "commune");
  add("citycode", "insee");
  add("postcode", "postcode");
  add("result_columns", "latitude");
  add("result_columns", "longitude");
  add("result_columns", "result_label");
  add("result_columns", "result_score");
  std::string body;
  check(curl_easy_setopt(c, CURLOPT_URL, endpoint.c_str()), endpoint);
  check(curl_easy_setopt(c, CURLOPT_MIMEPOST, form.get()), endpoint);
  check(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect), endpoint);
  check(curl_easy_setopt(c, CURLOPT_WRITEDATA, &body), endpoint);
  check(curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L), endpoint);
  check(curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L), endpoint);
  check(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L), endpoint);
  check(curl_easy_perform(c), endpoint);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    throw Error(fmt::format("le géocodeur {} a répondu {}", endpoint, status));
  }
  auto rows = csv_rows(body);
  if (rows.empty()) throw Error(fmt::format("le géocodeur {} a répondu un fichier vide", endpoint));
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < rows[0].size(); ++i) column[rows[0][i]] = i;
  for (const char* name : {"id", "latitude", "longitude", "result_score"}) {
    if (!column.count(name)) {
      throw Error(fmt::format("le géocodeur {} a répondu sans la colonne {}", endpoint, name));
    }
  }
  std::vector<importers::GeocodeAnswer> answers(queries.size());
  auto cell = [&](const std::vector<std::string>& row, const char* name) -> std::string {
    auto it = column.find(name);
    return it != column.end() && it->second < row.size() ? row[it->second] : std::string();
  };
  std::vector<bool> seen(queries.size(), false);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    auto id = number(cell(rows[r], "id"));
    if (!id || *id < 0 || static_cast<std::size_t>(*id) >= queries.size()) continue;
    auto& a = answers[static_cast<std::size_t>(*id)];
    seen[static_cast<std::size_t>(*id)] = true;
    a.lon = number(cell(rows[r], "longitude"));
    a.lat = number(cell(rows[r], "latitude"));
    a.score = number(cell(rows[r], "result_score")).value_or(0);
    a.label = cell(rows[r], "result_label");
    if (!a.lon || !a.lat) a.lon = a.lat = std::nullopt;
  }
  for (bool s : seen) {
    if (!s) throw Error(fmt::format("le géocodeur {} a omis des adresses demandées", endpoint));
  }
  return answers;
}

}  // namespace terrier::api
