#include "api/etag.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "api/field_problem.hpp"
#include "api/problem.hpp"
#include "db/followup_store.hpp"

namespace terrier::api {

std::string entity_etag(const std::string& entity, long long id, long long version, Role role) {
  return fmt::format("\"{}-{}-{}-{}\"", entity, id, version, role_name(role));
}

std::optional<long long> if_match_version(const Request& request, const std::string& entity,
                                          long long id) {
  auto it = request.headers.find("if-match");
  if (it == request.headers.end()) return std::nullopt;
  std::string value = it->second;
  while (!value.empty() && value.back() == ' ') value.pop_back();
  if (value == "*") return std::nullopt;
  static const std::regex tag(R"re(^(W/)?"([a-z_]+)-([0-9]{1,18})-([0-9]{1,18})-[a-z]+"$)re");
  std::smatch m;
  if (!std::regex_match(value, m, tag) || m[2].str() != entity || std::stoll(m[3].str()) != id)
    return -1;
  return std::stoll(m[4].str());
}

std::optional<std::string> item_etag(pqxx::connection_base& conn, db::Collection collection,
                                     const std::string& id, Role role) {
  const char* entity = db::entity_name(collection);
  if (!entity || id.empty() || id.size() > 18 ||
      id.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  auto version = db::row_version(conn, db::collection_name(collection), std::stoll(id));
  if (!version) return std::nullopt;
  return entity_etag(entity, std::stoll(id), *version, role);
}

Response precondition_failed(const std::string& current_json, const std::string& etag) {
  auto body =
      nlohmann::json::parse(problem_json(412, "Precondition Failed",
                                         "l'objet a été modifié par quelqu'un d'autre depuis que "
                                         "vous l'avez lu : voici sa version actuelle"));
  body["current"] = nlohmann::json::parse(current_json);
  Response r;
  r.status = 412;
  r.content_type = "application/problem+json";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers.emplace_back("ETag", etag);
  return r;
}

}  // namespace terrier::api
