// Fuzzes the CQL2 filters (db/cql2) and their SQL (db/cql2_sql): the first
// byte picks the encoding (even: cql2-text, odd: cql2-json), the rest is the
// filter. A refusal is an expected outcome; anything else thrown, a crash
// or a sanitizer report is a bug. An accepted filter's SQL must keep the
// promises the database relies on: every value a parameter (no quote, no
// semicolon, no comment in the text but the fixed unaccent dictionary),
// every "$n" one of the Where's parameters, every parameter UTF-8 without
// NUL, for every collection and role.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "db/cql2.hpp"
#include "db/cql2_sql.hpp"

namespace {

using namespace terrier;

void check(bool condition, const char* promise) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_cql2: broken promise: %s\n", promise);
    std::abort();
  }
}

void check_sql(std::string sql, const std::vector<std::string>& params) {
  const std::string dictionary = "'public.unaccent'::regdictionary";
  for (auto at = sql.find(dictionary); at != std::string::npos; at = sql.find(dictionary)) {
    sql.erase(at, dictionary.size());
  }
  check(sql.find('\'') == std::string::npos, "no quote in the SQL text");
  check(sql.find(';') == std::string::npos, "no semicolon in the SQL text");
  check(sql.find("--") == std::string::npos, "no comment in the SQL text");
  check(sql.find("/*") == std::string::npos, "no block comment in the SQL text");
  for (std::size_t at = sql.find('$'); at != std::string::npos; at = sql.find('$', at + 1)) {
    std::size_t n = 0, k = at + 1;
    while (k < sql.size() && sql[k] >= '0' && sql[k] <= '9') n = n * 10 + (sql[k++] - '0');
    check(k > at + 1 && n >= 1 && n <= params.size(), "every $n is a parameter");
  }
  for (const auto& p : params) {
    check(text::is_valid_utf8(p), "parameters are UTF-8");
    check(p.find('\0') == std::string::npos, "parameters hold no NUL");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool json = data[0] % 2 == 1;
  std::string_view filter(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto parsed = json ? db::cql2::parse_json(filter) : db::cql2::parse_text(filter);
  if (!parsed.filter) {
    check(!parsed.error.empty(), "a refusal says why");
    check(text::is_valid_utf8(parsed.error), "a refusal is UTF-8");
    return 0;
  }
  for (auto collection : {db::Collection::places, db::Collection::opportunities,
                          db::Collection::needs, db::Collection::territories}) {
    for (auto role : {Role::anonymous, Role::member, Role::foundation}) {
      auto s = db::feature_sql::sql_for(collection, role);
      db::feature_sql::Where w;
      try {
        check_sql(db::cql2::condition(*parsed.filter, s, w), w.params());
      } catch (const db::cql2::Untranslatable& e) {
        check(text::is_valid_utf8(e.what()), "a refusal is UTF-8");
      }
    }
  }
  return 0;
}
