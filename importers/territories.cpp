#include "importers/territories.hpp"

#include <fmt/core.h>

#include <map>
#include <regex>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "geo/gdal.hpp"
#include "geo/geos.hpp"
#include "importers/location.hpp"

namespace terrier::importers {
namespace {

struct LevelColumns {
  std::vector<const char*> code, name, parent;
};

LevelColumns defaults_for(const std::string& level) {
  if (level == "commune") {
    return {{"insee", "code insee", "insee com", "code commune", "code"},
            {"nom", "nom commune", "name", "libelle"},
            {"epci siren", "siren epci", "epci"}};
  }
  if (level == "epci") {
    return {
        {"epci siren", "siren", "code siren", "code"}, {"epci nom", "nom", "name", "libelle"}, {}};
  }
  if (level == "departement") {
    return {{"dep", "code dep", "code departement", "insee dep", "code"},
            {"nom", "name", "libelle"},
            {}};
  }
  throw ImportError(
      fmt::format("unknown territory level '{}' (commune, epci, departement)", level));
}

// The first header matching the explicit field name or one of the defaults.
std::optional<std::size_t> find_column(const std::vector<std::string>& header,
                                       const std::optional<std::string>& explicit_name,
                                       const std::vector<const char*>& defaults) {
  auto find = [&](const std::string& wanted) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (normalize_header(header[i]) == normalize_header(wanted)) return i;
    }
    return std::nullopt;
  };
  if (explicit_name) return find(*explicit_name);
  for (const char* d : defaults) {
    if (auto i = find(d)) return i;
  }
  return std::nullopt;
}

// Circles own the short slugs ("oise", "somme"); communes and départements
// carry their code ("lens-62498", "oise-60"), EPCIs their name.
std::string slug_for(const std::string& level, const std::string& name, const std::string& code) {
  if (level == "epci") return text::slugify(name);
  return text::slugify(name) + "-" + text::slugify(code);
}

db::MergeCounts import_boundaries(db::ReferenceStore& reference, db::TerritoryStore& store,
                                  RecordSource& source, const Mapping& mapping,
                                  const ImportOptions& options, ImportReport& report) {
  const auto& header = source.header();
  LevelColumns cols = defaults_for(options.level);
  auto code_col = find_column(header, options.code_field, cols.code);
  auto name_col = find_column(header, options.name_field, cols.name);
  auto parent_col = find_column(header, std::nullopt, cols.parent);
  if (!code_col || !name_col) {
    throw ImportError(fmt::format("{}: no {} column found (use {})", options.file,
                                  !code_col ? "code" : "name",
                                  !code_col ? "--code-field" : "--name-field"));
  }
  std::optional<std::string> crs = options.srs ? options.srs : source.crs();
  std::unique_ptr<geo::OgrReprojector> reproject;
  if (crs && *crs != "EPSG:4326")
    reproject = std::make_unique<geo::OgrReprojector>(*crs, "EPSG:4326");

  geo::GeosContext ctx;
  auto slug_owners = reference.territory_slug_owners();
  std::vector<db::TerritoryRow> rows;
  std::set<std::string> codes;
  SourceRecord record;
  while (source.next(record)) {
    ++report.read;
    RowFields row(mapping, header, record, report.issues);
    db::TerritoryRow t;
    t.position = record.position;
    t.code = text::trim(record.fields[*code_col].value_or(""));
    t.name = text::trim(record.fields[*name_col].value_or(""));
    static const std::map<std::string, std::regex> kCodes = {
        {"commune", std::regex(R"(^[0-9][0-9AB][0-9]{3}$)")},
        {"epci", std::regex(R"(^[0-9]{9}$)")},
        {"departement", std::regex(R"(^([0-9]{2,3}|2A|2B)$)")}};
    if (t.code.empty()) {
      row.reject("code", "", {ReasonCode::territory_without_code});
    } else if (!std::regex_match(t.code, kCodes.at(options.level))) {
      row.reject("code", t.code, {ReasonCode::not_a_level_code, {options.level}});
    }
    if (t.name.empty()) row.reject("name", "", {ReasonCode::territory_without_name});
    if (!t.code.empty() && !codes.insert(t.code).second) {
      row.reject("code", t.code, {ReasonCode::code_repeated});
    }
    if (!record.wkb) {
      row.reject("geometry", "", {ReasonCode::territory_without_geometry});
    } else {
      try {
        auto g = ctx.from_wkb(reproject ? reproject->transform_wkb(*record.wkb) : *record.wkb);
        if (g.num_coordinates() > kMaxPolygonVertices) {
          row.reject("geometry", "",
                     {ReasonCode::too_many_vertices,
                      {std::to_string(g.num_coordinates()), std::to_string(kMaxPolygonVertices)}});
        } else {
          auto v = g.validity();
          auto poly = (v.valid ? std::move(g) : g.make_valid()).polygonal_part();
          if (poly.is_empty()) {
            row.reject("geometry", "", {ReasonCode::no_polygon});
          } else {
            if (!v.valid) row.warn("geometry", "", {ReasonCode::polygon_repaired, {v.reason}});
            t.ewkb_hex = poly.to_hex_ewkb(4326);
          }
        }
      } catch (const Error& e) {
        row.reject("geometry", "", {ReasonCode::unreadable_geometry, {e.what()}});
      }
    }
    if (auto pcs = row.text("postcodes")) t.postcodes = text::split_any(*pcs, {";", ",", " "});
    if (auto pop = row.number("population", 0, false, 2147483647.0)) {
      t.population = static_cast<long long>(*pop);
    }
    if (parent_col && record.fields[*parent_col])
      t.parent_code = text::trim(*record.fields[*parent_col]);
    t.attributes_json = row.attributes_json();
    t.slug = slug_for(options.level, t.name, t.code);
    std::string owner = options.level + " " + t.code;
    if (!row.rejected()) {
      auto [it, inserted] = slug_owners.emplace(t.slug, owner);
      if (t.slug.empty() || t.slug.front() == '-') {
        row.reject("name", t.name, {ReasonCode::unusable_slug});
      } else if (!inserted && it->second != owner) {
        row.reject("name", t.name, {ReasonCode::slug_taken, {t.slug, it->second}});
      }
    }
    if (row.rejected()) {
      ++report.rejected;
      continue;
    }
    rows.push_back(std::move(t));
  }
  return store.merge_territories(options.level, report.source, rows);
}

db::MergeCounts import_circles(db::ReferenceStore& reference, db::TerritoryStore& store,
                               RecordSource& source, const Mapping& mapping,
                               const ImportOptions& options, ImportReport& report) {
  std::vector<db::CircleMember> members;
  auto slug_owners = reference.territory_slug_owners();
  SourceRecord record;
  while (source.next(record)) {
    ++report.read;
    RowFields row(mapping, source.header(), record, report.issues);
    auto slug = row.required_text("circle_slug");
    auto name = row.text("circle_name");
    auto member = row.required_text("member_code");
    if (slug && text::slugify(*slug) != *slug) {
      row.reject("circle_slug", *slug, {ReasonCode::not_a_slug, {text::slugify(*slug)}});
    } else if (slug) {
      auto it = slug_owners.find(*slug);
      if (it != slug_owners.end() && it->second != "circle " + *slug) {
        row.reject("circle_slug", *slug, {ReasonCode::slug_taken, {*slug, it->second}});
      }
    }
    if (row.rejected()) {
      ++report.rejected;
      continue;
    }
    members.push_back({record.position, *slug, name.value_or(*slug), *member});
  }
  std::set<std::size_t> unknown;
  for (std::size_t pos : store.unknown_circle_members(members)) unknown.insert(pos);
  std::vector<db::CircleMember> known;
  for (auto& m : members) {
    if (unknown.count(m.position)) {
      report.issues.push_back({RowIssue::Kind::rejected,
                               m.position,
                               "member_code",
                               m.member_code,
                               {ReasonCode::unknown_member}});
      ++report.rejected;
    } else {
      known.push_back(std::move(m));
    }
  }
  return store.merge_circles(report.source, known, options.sync);
}

}  // namespace

db::MergeCounts import_territories(db::ReferenceStore& reference, db::TerritoryStore& store,
                                   RecordSource& source, const Mapping& mapping,
                                   const ImportOptions& options, ImportReport& report) {
  if (options.kind == ImportKind::circles) {
    return import_circles(reference, store, source, mapping, options, report);
  }
  return import_boundaries(reference, store, source, mapping, options, report);
}

}  // namespace terrier::importers
