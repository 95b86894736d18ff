// GET /api/opportunities/{id}/fiche.pdf and /api/matches/{id}/fiche.pdf: a
// funder's one-page fiche (api/fiche). The facts come from the readers the
// API's other routes use, cut to the caller's role in the same way: the
// items' columns (feature_store), the match and its history (followup_store),
// its reasons (the need's matches); the same refusals (404, 401) as GET.

#include <fmt/core.h>

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "api/fiche.hpp"
#include "api/handlers.hpp"
#include "core/json.hpp"
#include "core/vocabulary.hpp"
#include "db/feature_store.hpp"
#include "db/fiche_store.hpp"
#include "db/followup_store.hpp"
#include "importers/field_table.hpp"

namespace terrier::api {
namespace {

using json = nlohmann::json;

// "2026-03-01" (or a timestamp's first ten characters) as "01/03/2026".
std::string french_date(const std::string& iso) {
  static const std::regex date(R"((\d{4})-(\d{2})-(\d{2}).*)");
  std::smatch m;
  if (!std::regex_match(iso, m, date)) return iso;
  return fmt::format("{}/{}/{}", m[3].str(), m[2].str(), m[1].str());
}

// "2026-03-12T14:05:09.123+00:00" as "12/03/2026 14:05".
std::string french_moment(const std::string& iso) {
  if (iso.size() < 16) return french_date(iso);
  return french_date(iso) + " " + iso.substr(11, 5);
}

std::string value_text(const importers::PageField& f, const json& v) {
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "oui" : "non";
  if (v.is_number()) {
    const std::string unit = f.unit;
    if (unit.empty() && v.is_number_integer()) return std::to_string(v.get<long long>());
    return french_number(v.get<double>()) + (unit.empty() ? "" : "\u00a0" + unit);
  }
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (std::regex_match(s, std::regex(R"(\d{4}-\d{2}-\d{2})"))) return french_date(s);
    return std::string(vocabulary::label(s));
  }
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) {
      std::string one = value_text(f, item);
      if (one.empty()) continue;
      out += (out.empty() ? "" : ", ") + one;
    }
    return out;
  }
  return v.dump();
}

const importers::PageField* page_field(const std::string& entity, const std::string& field) {
  for (const auto& f : importers::page_fields(entity)) {
    if (field == f.field) return &f;
  }
  return nullptr;
}

std::string label_of(const std::string& entity, const std::string& field) {
  const auto* f = page_field(entity, field);
  return f ? f->label : field;
}

// The fields of the entity's side panel that the item holds (the role's
// columns), in the panel's order, without those in `apart`.
std::vector<FicheRow> fact_rows(const std::string& entity, const json& properties,
                                const std::set<std::string>& apart) {
  std::vector<FicheRow> rows;
  for (const auto& f : importers::page_fields(entity)) {
    if (!f.panel || apart.contains(f.field) || !properties.contains(f.field)) continue;
    std::string value = value_text(f, properties[f.field]);
    if (!value.empty()) rows.push_back({f.label, value, f.field});
  }
  return rows;
}

// Where the row came from: its source (an import's file, or the page's
// entry) and its reference there.
FicheBlock sources_block(const std::string& entity, const json& p) {
  FicheBlock block{"Sources", {}, {}};
  for (const char* field : {"source", "external_id", "source_status", "last_verified"}) {
    if (!p.contains(field) || p[field].is_null() || p[field] == "") continue;
    const auto* f = page_field(entity, field);
    std::string label = f                                     ? f->label
                        : std::string(field) == "external_id" ? "Référence à la source"
                                                              : "Statut à la source";
    block.rows.push_back({label, f ? value_text(*f, p[field]) : p[field].get<std::string>()});
  }
  return block;
}

FicheBlock opportunity_block(const json& p, const std::optional<db::FicheMap>& map,
                             const std::string& heading) {
  FicheBlock block{heading, {}, {}};
  block.rows =
      fact_rows("opportunity", p, {"source", "external_id", "last_verified", "commune_insee"});
  if (p.contains("commune_insee") && p["commune_insee"].is_string()) {
    std::string commune = p["commune_insee"].get<std::string>();
    if (map && !map->commune.empty()) commune = map->commune + " (" + commune + ")";
    auto after_address = block.rows.begin();
    for (auto it = block.rows.begin(); it != block.rows.end(); ++it) {
      if (it->field == "address") after_address = it + 1;
    }
    block.rows.insert(after_address, {label_of("opportunity", "commune"), commune, "commune"});
  }
  return block;
}

std::vector<std::string> credits() {
  return {
      "Limites communales : IGN – ADMIN EXPRESS COG 2018, INSEE COG 2026 (Licence Ouverte / "
      "Etalab 2.0)",
      "friches : Cerema – Cartofriches (Licence Ouverte 2.0)", "données du réseau : Terrier"};
}

FicheTiles fiche_tiles(const ServiceConfig& config) {
  FicheTiles tiles;
  for (const auto& layer : config.basemap.layers) {
    if (layer.overlay) continue;
    tiles.url_template = layer.url;
    tiles.credit =
        layer.attribution.empty() ? layer.label : layer.attribution + " – " + layer.label;
    break;
  }
  return tiles;
}

Response pdf_response(std::string pdf, const std::string& name) {
  Response r;
  r.content_type = "application/pdf";
  r.body = std::move(pdf);
  r.headers.emplace_back("Content-Disposition", fmt::format("inline; filename=\"{}\"", name));
  r.headers.emplace_back("Cache-Control", "private, no-store");
  return r;
}

std::string printed_on() {
  return "Fiche imprimée le " + french_date_time(std::time(nullptr));
}

json item_properties(const std::string& feature) {
  return parse_json(feature).at("properties");
}

// One history entry as one line: when, who, what changed, and the note for
// the roles that read it.
std::string history_line(const json& entry, Role role) {
  std::string line = french_moment(entry.value("at", "")) + " · " + entry.value("who", "");
  std::string what;
  for (const auto& c : entry.value("changes", json::array())) {
    const auto* f = page_field("match", c.value("field", ""));
    std::string from = f ? value_text(*f, c["from"]) : c["from"].dump();
    std::string to = f ? value_text(*f, c["to"]) : c["to"].dump();
    what += (what.empty() ? "" : ", ") + label_of("match", c.value("field", "")) + " : " +
            (from.empty() ? "" : from + " → ") + to;
  }
  if (!what.empty()) line += " · " + what;
  if (entry.contains("note") && entry["note"].is_string() &&
      may_read_field(role, "match", "note")) {
    line += " · " + label_of("match", "note") + " : « " + entry["note"].get<std::string>() + " »";
  }
  return line;
}

}  // namespace

Response opportunity_fiche(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  const std::string& id = ctx.segments[2];
  const long long n = id_or_404(id, "opportunity");
  FicheDocument doc;
  {
    auto conn = pool.acquire();
    auto feature = db::feature_by_id(*conn, db::Collection::opportunities, ctx.role, id, 4326,
                                     config.limits.reverify_months);
    if (!feature) throw not_found(fmt::format("no feature '{}' in opportunities", id));
    doc.map = db::fiche_map(*conn, n);
    json p = item_properties(*feature);
    doc.title = p.value("title", "");
    doc.subtitle = fmt::format("Opportunité n° {}", n);
    for (const char* field : {"kind", "status"}) {
      if (p.contains(field) && p[field].is_string()) {
        doc.subtitle += " · " + value_text(*page_field("opportunity", field), p[field]);
      }
    }
    // The building on the left; its terms, status and owner on the right.
    static const std::set<std::string> building = {
        "kind", "address", "commune", "built_surface_m2", "land_surface_m2", "location_precision"};
    FicheBlock all = opportunity_block(p, doc.map, "");
    FicheBlock facts{"Le bien", {}, {}}, second{"Conditions et propriétaire", {}, {}};
    for (auto& row : all.rows) (building.contains(row.field) ? facts : second).rows.push_back(row);
    doc.map_height = 280;
    doc.columns = {facts, second};
    doc.blocks.push_back(sources_block("opportunity", p));
  }
  doc.printed_on = printed_on();
  doc.credits = credits();
  return pdf_response(render_fiche(doc, fiche_tiles(config)),
                      fmt::format("fiche-opportunite-{}.pdf", n));
}

Response match_fiche(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  if (!may_read_followup(ctx.role)) {
    throw Problem(401, "Unauthorized", "le suivi est réservé aux personnes connectées");
  }
  const long long id = id_or_404(ctx.segments[2], "match");
  FicheDocument doc;
  {
    auto conn = pool.acquire();
    auto m = db::match_object(*conn, id, ctx.role);
    if (!m) throw not_found(fmt::format("no match '{}'", id));
    json match = parse_json(m->json);
    const auto need_id = match.at("need").at("id").get<long long>();
    const auto opportunity_id = match.at("opportunity").at("id").get<long long>();
    auto need = db::feature_by_id(*conn, db::Collection::needs, ctx.role, std::to_string(need_id));
    auto opportunity =
        db::feature_by_id(*conn, db::Collection::opportunities, ctx.role,
                          std::to_string(opportunity_id), 4326, config.limits.reverify_months);
    if (!need || !opportunity) throw not_found(fmt::format("no match '{}'", id));
    json np = item_properties(*need), op = item_properties(*opportunity);
    doc.map = db::fiche_map(*conn, opportunity_id);
    doc.title = np.value("collective_name", "") + " ↔ " + op.value("title", "");
    doc.subtitle = fmt::format("Mise en relation n° {} · besoin n° {} · opportunité n° {}", id,
                               need_id, opportunity_id);

    FicheBlock need_block{"Le besoin : " + np.value("collective_name", ""), {}, {}};
    need_block.rows = fact_rows("need", np, {"source", "external_id"});
    doc.columns = {need_block,
                   opportunity_block(op, doc.map, "L'opportunité : " + op.value("title", ""))};

    FicheBlock score{"Correspondance", {}, {}};
    if (match["score"].is_number()) {
      score.rows.push_back(
          {"Score", french_number(std::round(match["score"].get<double>())) + " / 100"});
    }
    if (match["reliability"].is_number()) {
      score.rows.push_back(
          {"Fiabilité", french_number(match["reliability"].get<double>()) + " / 10"});
    }
    if (match["status"].is_string()) {
      score.rows.push_back({label_of("match", "status"), match["status"].get<std::string>()});
    }
    if (match["still_valid"] == false) score.rows.push_back({"Validité", "ne correspond plus"});
    if (auto doc_matches = db::need_matches(*conn, need_id, ctx.role)) {
      for (const auto& f : parse_json(*doc_matches).value("features", json::array())) {
        const json& fp = f.at("properties");
        if (fp.value("match_id", 0LL) != id) continue;
        for (const auto& reason : fp.value("reasons", json::array())) {
          if (reason.is_string()) score.bullets.push_back(reason.get<std::string>());
        }
      }
    }
    doc.blocks.push_back(score);

    FicheBlock followup{"Suivi", {}, {}};
    if (auto history = db::history(*conn, "match", id, ctx.role)) {
      for (const auto& entry : parse_json(*history)) {
        followup.bullets.push_back(history_line(entry, ctx.role));
      }
    }
    if (followup.bullets.empty())
      followup.bullets.push_back("Aucun changement de suivi enregistré.");
    doc.blocks.push_back(followup);
    FicheBlock sources = sources_block("opportunity", op);
    sources.heading = "Sources de l'opportunité";
    doc.blocks.push_back(sources);
  }
  doc.printed_on = printed_on();
  doc.credits = credits();
  return pdf_response(render_fiche(doc, fiche_tiles(config)),
                      fmt::format("fiche-mise-en-relation-{}.pdf", id));
}

}  // namespace terrier::api
