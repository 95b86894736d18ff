// A file sent in pieces, then imported (the page's way, api/upload_registry):
//   POST /api/uploads?format=csv          201 {"id", "url", "received": 0, "max_bytes"}
//   PUT /api/uploads/{id}?offset=N        the piece as the body; 200 {"id", "received"}
//   POST /api/uploads/{id}/import?kind=…  the import of POST /api/imports, same parameters
//                                         but the format, same answers (async=true too)
//   DELETE /api/uploads/{id}              204
// Each request's body is small, so no server thread reads one for long. An
// upload is its creator's (the session's person, or the token): anyone else
// is told it does not exist. Who may import is checked at every step, as
// for POST /api/imports; a write carried by the session cookie must come
// from this server's page (api/auth).

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "api/field_problem.hpp"
#include "api/handlers.hpp"
#include "api/import_upload.hpp"
#include "api/upload_registry.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

UploadRegistry& registry(const Context& ctx) {
  if (!ctx.uploads) {
    throw Problem(503, "Service Unavailable",
                  "ce serveur ne reçoit pas de fichiers en plusieurs morceaux : envoyez-le à POST "
                  "/api/imports");
  }
  return *ctx.uploads;
}

void only_parameters(const Context& ctx, std::initializer_list<const char*> known) {
  for (const auto& param : ctx.params) {
    // Not a structured binding: clang 14 (the fuzz build) does not capture one.
    const std::string& name = param.first;
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return name == k; }) ==
        known.end()) {
      throw bad_request(fmt::format("unknown parameter '{}'", name));
    }
  }
}

Problem unknown_upload(const std::string& id) {
  return not_found(
      fmt::format("Aucun envoi « {} » à votre nom : il a été supprimé, ou oublié après une heure "
                  "sans nouvelles. Envoyez le fichier à nouveau.",
                  id.substr(0, 64)));
}

std::size_t offset_of(const Context& ctx) {
  auto it = ctx.params.find("offset");
  std::size_t offset = 0;
  if (it != ctx.params.end()) {
    const std::string& v = it->second;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), offset);
    if (!v.empty() && ec == std::errc() && end == v.data() + v.size() && v[0] != '+') {
      return offset;
    }
  }
  throw field_error("offset",
                    "offset : l'octet du fichier où commence ce morceau (0 pour le premier), un "
                    "entier positif ou nul");
}

std::string megabytes(std::size_t bytes) {
  return fmt::format("{:.0f} Mo", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

Response no_store(Response r) {
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

// POST /api/uploads?format=csv|xlsx|ods|geojson|gpkg|kml: an empty upload.
Response create_upload(Context& ctx, ConnectionPool&, const ServiceConfig& config) {
  require_importer(ctx);
  only_parameters(ctx, {"format"});
  std::string format = import_format(ctx.params);
  std::string id = registry(ctx).create(ctx.who, format);
  std::string url = "/api/uploads/" + id;
  Response r = json_response(json{
      {"id", id},
      {"url", url},
      {"format", format},
      {"received", 0},
      {"max_bytes",
       config.max_body_bytes}}.dump());
  r.status = 201;
  r.headers.emplace_back("Location", url);
  return no_store(std::move(r));
}

// PUT /api/uploads/{id}?offset=N: the piece of the file that starts at byte
// N, which must be where the upload ends (409 with "received" otherwise).
Response append_upload(Context& ctx, ConnectionPool&, const ServiceConfig& config) {
  require_importer(ctx);
  only_parameters(ctx, {"offset"});
  const std::string& id = ctx.segments[2];
  std::size_t offset = offset_of(ctx);
  const std::string& piece = ctx.request.body;
  if (piece.empty()) {
    throw bad_request("Le morceau est vide : envoyez ses octets dans le corps de la requête.");
  }
  auto done = registry(ctx).append(id, ctx.who, offset, piece, config.max_body_bytes);
  switch (done.outcome) {
    case UploadRegistry::Outcome::appended:
      break;
    case UploadRegistry::Outcome::unknown:
      throw unknown_upload(id);
    case UploadRegistry::Outcome::wrong_offset: {
      Problem p(409, "Conflict",
                fmt::format("Morceau refusé : il commence à l'octet {}, mais l'envoi en a reçu {}. "
                            "Envoyez la suite à partir de l'octet {}.",
                            offset, done.received, done.received));
      p.with_extensions(json{{"field", "offset"}, {"received", done.received}}.dump());
      throw p;
    }
    case UploadRegistry::Outcome::too_large: {
      Problem p(413, "Payload Too Large",
                fmt::format("Fichier trop volumineux : un import accepte au plus {} ({} octets), "
                            "et ce morceau porterait l'envoi à {} octets.",
                            megabytes(config.max_body_bytes), config.max_body_bytes,
                            done.received + piece.size()));
      p.with_extensions(
          json{{"received", done.received}, {"max_bytes", config.max_body_bytes}}.dump());
      throw p;
    }
    case UploadRegistry::Outcome::sealed: {
      Problem p(409, "Conflict",
                "Cet envoi est complet : son import a commencé, il ne reçoit plus de morceaux. "
                "Pour un autre fichier, créez un nouvel envoi.");
      p.with_extensions(json{{"received", done.received}}.dump());
      throw p;
    }
  }
  return no_store(json_response(json{{"id", id}, {"received", done.received}}.dump()));
}

// POST /api/uploads/{id}/import?kind=…[&dry_run=true][&strict=true][&source=…]
// [&progress=KEY][&async=true]: the upload imported as POST /api/imports
// imports its body; the upload stays, for the import after its dry run.
Response import_upload_file(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  ImportCall call;
  call.scope = require_importer(ctx);
  if (ctx.params.count("format")) {
    throw field_error("format",
                      "format : il se donne à la création de l'envoi (POST "
                      "/api/uploads?format=…), pas à son import");
  }
  call.params = parse_import_params(ctx.params);
  require_importable_kind(ctx, call.params);
  const std::string& id = ctx.segments[2];
  auto sealed = registry(ctx).seal(id, ctx.who);
  if (!sealed) throw unknown_upload(id);
  if (sealed->file->size() == 0) {
    throw bad_request(
        fmt::format("L'envoi est vide : envoyez le fichier (PUT /api/uploads/{}?offset=0) avant de "
                    "l'importer.",
                    id));
  }
  call.params.format = sealed->format;
  return run_import(ctx, pool, std::move(call), std::move(sealed->file));
}

// DELETE /api/uploads/{id}: the upload forgotten (an import reading it
// finishes first).
Response delete_upload(Context& ctx, ConnectionPool&, const ServiceConfig&) {
  require_importer(ctx);
  only_parameters(ctx, {});
  const std::string& id = ctx.segments[2];
  if (!registry(ctx).remove(id, ctx.who)) throw unknown_upload(id);
  Response r;
  r.status = 204;
  r.content_type.clear();
  return no_store(std::move(r));
}

}  // namespace terrier::api
