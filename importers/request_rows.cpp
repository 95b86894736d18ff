#include "importers/request_rows.hpp"

#include <fmt/core.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"
#include "geo/gdal.hpp"
#include "importers/fields.hpp"
#include "importers/record_source.hpp"

namespace terrier::importers {
namespace {

// Header slugs (text::slugify) -> field.
const std::map<std::string, std::string>& header_table() {
  static const std::map<std::string, std::string> table = {
      {"ref", "external_id"},
      {"reference", "external_id"},
      {"id", "external_id"},
      {"numero", "external_id"},
      {"date", "received_on"},
      {"date-de-la-demande", "received_on"},
      {"date-de-reception", "received_on"},
      {"recu-le", "received_on"},
      {"recue-le", "received_on"},
      {"received-on", "received_on"},
      {"demandeur", "requester"},
      {"demandeuse", "requester"},
      {"nom", "requester"},
      {"requester", "requester"},
      {"structure", "organisation"},
      {"organisation", "organisation"},
      {"organisme", "organisation"},
      {"commune", "commune"},
      {"ville", "commune"},
      {"code-insee", "commune"},
      {"objet", "subject"},
      {"sujet", "subject"},
      {"objet-de-la-demande", "subject"},
      {"subject", "subject"},
      {"canal", "channel"},
      {"channel", "channel"},
      {"orientation", "orientation"},
      {"orientation-donnee", "orientation"},
      {"suite-donnee", "orientation"},
      {"statut", "status"},
      {"etat", "status"},
      {"status", "status"},
      {"besoin", "need_id"},
      {"besoin-lie", "need_id"},
      {"need-id", "need_id"},
      {"lieu", "place_id"},
      {"lieu-lie", "place_id"},
      {"place-id", "place_id"},
      {"contact", "contact"},
      {"coordonnees", "contact"},
      {"notes", "notes"},
      {"remarques", "notes"},
      {"commentaire", "notes"},
  };
  return table;
}

// Folded spellings -> the vocabulary's word.
std::optional<std::string> channel_of(const std::string& v) {
  static const std::map<std::string, std::string> words = {
      {"telephone", "téléphone"}, {"tel", "téléphone"},         {"appel", "téléphone"},
      {"e-mail", "e-mail"},       {"email", "e-mail"},          {"mail", "e-mail"},
      {"courriel", "e-mail"},     {"courrier", "courrier"},     {"lettre", "courrier"},
      {"rencontre", "rencontre"}, {"rendez-vous", "rencontre"}, {"formulaire", "formulaire"},
      {"autre", "autre"}};
  auto it = words.find(text::slugify(v));
  if (it == words.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> status_of(const std::string& v) {
  static const std::map<std::string, std::string> words = {
      {"ouverte", "ouverte"},   {"ouvert", "ouverte"},   {"en-cours", "ouverte"},
      {"orientee", "orientée"}, {"oriente", "orientée"}, {"close", "close"},
      {"clos", "close"},        {"fermee", "close"},     {"terminee", "close"}};
  auto it = words.find(text::slugify(v));
  if (it == words.end()) return std::nullopt;
  return it->second;
}

// "téléphone, e-mail, …": the values a refusal lists.
template <typename Values>
std::string listed(const Values& values) {
  std::string out;
  for (std::string_view v : values) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

std::optional<std::string> get(const RequestDraft& d, const char* field) {
  auto it = d.find(field);
  if (it == d.end()) return std::nullopt;
  auto v = text::trim(it->second);
  if (v.empty()) return std::nullopt;
  return v;
}

}  // namespace

const std::vector<std::string>& request_fields() {
  static const std::vector<std::string> fields = {
      "received_on", "requester", "organisation", "commune",  "subject", "channel",
      "orientation", "status",    "need_id",      "place_id", "contact", "notes"};
  return fields;
}

std::optional<std::string> request_field_of_header(const std::string& header) {
  std::string slug = text::slugify(header);
  for (const char* unit : {"-ou-organisation", "-ou-structure"}) {
    if (auto at = slug.find(unit); at != std::string::npos) slug.erase(at);
  }
  auto it = header_table().find(slug);
  if (it == header_table().end()) return std::nullopt;
  return it->second;
}

ValidatedRequest validate_request(const RequestDraft& draft, db::RequestStore& store) {
  ValidatedRequest out;
  db::RequestRow row;
  auto refuse = [&](const char* field, const std::string& value, Reason reason) {
    out.issues.push_back({field, value, std::move(reason)});
  };
  for (const auto& [field, value] : draft) {
    if (std::find(request_fields().begin(), request_fields().end(), field) ==
        request_fields().end()) {
      refuse("", field, {ReasonCode::unknown_field});
    } else if (value.size() > 4000) {
      refuse(field.c_str(), value.substr(0, 40) + "…", {ReasonCode::too_long, {"4 000"}});
    }
  }
  if (auto v = get(draft, "received_on")) {
    auto d = parse_date(*v);
    if (!d.ok() || !d.value) {
      refuse("received_on", *v, d.error.value_or(Reason{ReasonCode::not_a_date, {*v}}));
    } else {
      row.received_on = d.value->iso();
    }
  } else {
    refuse("received_on", "", {ReasonCode::required});
  }
  if (auto v = get(draft, "requester"))
    row.requester = *v;
  else
    refuse("requester", "", {ReasonCode::required});
  if (auto v = get(draft, "subject"))
    row.subject = *v;
  else
    refuse("subject", "", {ReasonCode::required});
  row.organisation = get(draft, "organisation");
  row.orientation = get(draft, "orientation");
  row.contact = get(draft, "contact");
  row.notes = get(draft, "notes");
  if (auto v = get(draft, "commune")) {
    if (auto c = store.commune(*v)) {
      row.commune_code = c->first;
      row.commune_name = c->second;
    } else {
      refuse("commune", *v, {ReasonCode::unknown_commune});
    }
  }
  if (auto v = get(draft, "channel")) {
    row.channel = channel_of(*v);
    if (!row.channel)
      refuse("channel", *v, {ReasonCode::not_one_of, {*v, listed(vocabulary::kRequestChannels)}});
  }
  if (auto v = get(draft, "status")) {
    auto s = status_of(*v);
    if (!s)
      refuse("status", *v, {ReasonCode::not_one_of, {*v, listed(vocabulary::kRequestStatuses)}});
    else
      row.status = *s;
  }
  if (auto v = get(draft, "need_id")) {
    row.need_id = store.need_id(*v);
    if (!row.need_id) refuse("need_id", *v, {ReasonCode::unknown_need});
  }
  if (auto v = get(draft, "place_id")) {
    row.place_id = store.place_id(*v);
    if (!row.place_id) refuse("place_id", *v, {ReasonCode::unknown_place});
  }
  if (out.issues.empty()) out.row = std::move(row);
  return out;
}

void write_requests_csv(pqxx::connection_base& conn, const std::string& path, Role role) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(fmt::format("{}: cannot write the export", path));
  // Text cells as every CSV Terrier writes them: quoted, never a formula.
  auto cell = [](const std::string& s) { return csv::quoted_cell(s); };
  bool confidential = sees_confidential(role);
  out << "\xEF\xBB\xBF"
      << "Réf.;Date;Demandeur;Structure;Commune;Objet;Canal;Orientation;Statut;Besoin;Lieu"
      << (confidential ? ";Contact;Remarques" : "") << "\r\n";
  for (const auto& text : db::all_requests(conn, role)) {
    auto r = nlohmann::json::parse(text);
    auto field = [&](const char* name) -> std::string {
      if (!r.contains(name) || r[name].is_null()) return "";
      return r[name].is_string() ? r[name].get<std::string>() : r[name].dump();
    };
    std::string date = field("received_on");  // ISO -> dd/mm/yyyy
    if (date.size() == 10)
      date = date.substr(8, 2) + "/" + date.substr(5, 2) + "/" + date.substr(0, 4);
    out << cell("#" + field("id")) << ';' << cell(date) << ';' << cell(field("requester")) << ';'
        << cell(field("organisation")) << ';'
        << cell(r["commune"].is_null() ? "" : field("commune_name")) << ';'
        << cell(field("subject")) << ';' << cell(field("channel")) << ';'
        << cell(field("orientation")) << ';' << cell(field("status")) << ';'
        << cell(field("need_id")) << ';' << cell(field("place_id"));
    if (confidential) out << ';' << cell(field("contact")) << ';' << cell(field("notes"));
    out << "\r\n";
  }
  if (!out.flush()) throw Error(fmt::format("{}: cannot write the export", path));
}

void write_requests_sheet(pqxx::connection_base& conn, const std::string& path,
                          const std::string& driver, Role role) {
  namespace fs = std::filesystem;
  bool confidential = sees_confidential(role);
  // GDAL writes the sheet from a GeoJSON file of rows without geometry;
  // both are written in a private folder, then the sheet copied to `path`.
  std::string folder_template = (fs::temp_directory_path() / "terrier-requests-XXXXXX").string();
  if (!mkdtemp(folder_template.data())) throw Error("cannot create a folder for the export");
  fs::path folder = folder_template;
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{folder};
  fs::path rows = folder / "sollicitations.geojson";
  {
    std::ofstream out(rows, std::ios::binary | std::ios::trunc);
    out << "{\"type\": \"FeatureCollection\", \"features\": [\n";
    bool first = true;
    for (const auto& text : db::all_requests(conn, role)) {
      auto r = nlohmann::json::parse(text);
      auto value = [&](const char* name) {
        return r.contains(name) ? r[name] : nlohmann::json(nullptr);
      };
      nlohmann::ordered_json p = nlohmann::ordered_json::object();
      p["Réf."] = "#" + std::to_string(r["id"].get<long long>());
      p["Date"] = value("received_on");
      p["Demandeur"] = value("requester");
      p["Structure"] = value("organisation");
      p["Commune"] = r["commune"].is_null() ? nlohmann::json(nullptr) : value("commune_name");
      p["Objet"] = value("subject");
      p["Canal"] = value("channel");
      p["Orientation"] = value("orientation");
      p["Statut"] = value("status");
      p["Besoin"] = value("need_id");
      p["Lieu"] = value("place_id");
      if (confidential) {
        p["Contact"] = value("contact");
        p["Remarques"] = value("notes");
      }
      out << (first ? "" : ",\n")
          << nlohmann::ordered_json{{"type", "Feature"}, {"geometry", nullptr}, {"properties", p}}
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      first = false;
    }
    out << "\n]}\n";
    if (!out.flush()) throw Error(fmt::format("{}: cannot write the export", rows.string()));
  }
  // A zipped format is written under a plain name first (GDAL's /vsizip/).
  fs::path sheet = folder / ("sollicitations." + text::fold(driver));
  geo::translate_vector({{rows.string(), "sollicitations"}}, sheet.string(), driver);
  fs::copy_file(sheet, path, fs::copy_options::overwrite_existing);
}

ImportReport import_requests(pqxx::connection_base& conn, const ImportOptions& options) {
  ImportReport report;
  const std::string started_at = now_iso();
  report.source = options.source.value_or(std::filesystem::path(options.file).stem().string());
  auto source = open_source(options.file);
  report.position_name = source->position_name();
  // Columns -> fields; the others are named once and ignored.
  std::vector<std::optional<std::string>> columns;
  std::set<std::string> seen;
  for (const auto& h : source->header()) {
    auto field = request_field_of_header(h);
    if (field && seen.count(*field)) field.reset();  // the first column wins
    if (field) seen.insert(*field);
    if (!field)
      report.issues.push_back({RowIssue::Kind::warning, 0, h, "", {ReasonCode::column_ignored}});
    columns.push_back(field);
  }
  db::RequestStore store(conn);
  SourceRecord record;
  std::set<std::string> refs;
  while (source->next(record)) {
    ++report.read;
    RequestDraft draft;
    std::optional<std::string> ref;
    for (std::size_t i = 0; i < columns.size() && i < record.fields.size(); ++i) {
      if (!columns[i] || !record.fields[i]) continue;
      std::string cell = *record.fields[i];
      // A formula neutralised by an export ("'=…") is read back as written.
      if (cell.size() > 1 && cell[0] == '\'' &&
          std::string("=+-@\t\r").find(cell[1]) != std::string::npos) {
        cell.erase(0, 1);
      }
      if (*columns[i] == "external_id") {
        ref = text::trim(cell);
      } else {
        draft[*columns[i]] = cell;
      }
    }
    auto checked = validate_request(draft, store);
    if (record.shape_error) checked.issues.push_back({"", "", *record.shape_error});
    if (!checked.row) {
      ++report.rejected;
      for (const auto& i : checked.issues) {
        report.issues.push_back(
            {RowIssue::Kind::rejected, record.position, i.field, i.value, i.reason});
      }
      continue;
    }
    if (!ref || ref->empty()) {
      std::string content;
      for (const auto& f : request_fields())
        content += (draft.count(f) ? text::trim(draft[f]) : "") + '\x1f';
      ref = "h:" + sha256_hex(content).substr(0, 32);
    }
    if (!refs.insert(*ref).second) {
      ++report.rejected;
      report.issues.push_back({RowIssue::Kind::rejected,
                               record.position,
                               "external_id",
                               *ref,
                               {ReasonCode::repeated_request}});
      continue;
    }
    long long id = 0;
    std::string outcome;
    if ((*ref)[0] == '#') {  // Terrier's own id, as exports write it
      auto known = ref->size() > 1 && ref->size() < 19 &&
                           ref->find_first_not_of("0123456789", 1) == std::string::npos
                       ? store.update_if_changed(std::stoll(ref->substr(1)), *checked.row)
                       : std::nullopt;
      if (!known) {
        ++report.rejected;
        report.issues.push_back({RowIssue::Kind::rejected,
                                 record.position,
                                 "external_id",
                                 *ref,
                                 {ReasonCode::unknown_request_id}});
        continue;
      }
      outcome = *known;
    } else {
      outcome = store.upsert(*checked.row, report.source, *ref, id);
    }
    if (outcome == "inserted")
      ++report.inserted;
    else if (outcome == "updated")
      ++report.updated;
    else
      ++report.unchanged;
  }
  if (report.read == 0)
    throw ImportError(
        fmt::format("{}: no data row below the header: nothing to import", options.file));
  if (!options.dry_run && !(options.strict && report.rejected > 0)) {
    store.record_audit(
        options.user, "import", std::nullopt, std::nullopt,
        nlohmann::json{{"source", report.source}, {"summary", report.summary()}}.dump());
    store.record_run({"requests", report.source,
                      std::filesystem::path(options.file).filename().string(),
                      sha256_file_hex(options.file), options.user, false, started_at, report.read,
                      report.inserted, report.updated, report.unchanged, report.rejected, 0, 0});
    store.commit();
    report.committed = true;
  }
  return report;
}

}  // namespace terrier::importers
