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
#include "importers/field_table.hpp"
#include "importers/fields.hpp"
#include "importers/row_fields.hpp"

namespace terrier::importers {
namespace {

// "4 000": a count as the French reason writes it.
std::string french_count(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

// A text field, refused beyond the catalogue's limit for it (the one the
// page's form enforces: importers/field_table.cpp).
std::optional<std::string> bounded_text(RowFields& row, const char* field) {
  auto v = row.text(field);
  std::size_t max = 0;
  for (const auto& f : page_fields("request")) {
    if (std::string_view(f.field) == field) max = f.maxlength;
  }
  if (v && max && text::utf8_length(*v) > max) {
    row.reject(field, v->substr(0, 40) + "…", {ReasonCode::too_long, {french_count(max)}});
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> required_bounded(RowFields& row, const char* field) {
  if (!row.text(field)) {
    row.reject_missing(field);
    return std::nullopt;
  }
  return bounded_text(row, field);
}

// One request from one row, a file's or an API body's: the one set of rules
// (dates as people write them, the vocabularies of core/vocabulary, communes,
// needs and places looked up). nullopt when the row is refused; `row` holds
// why, by column.
std::optional<db::RequestRow> read_request(RowFields& row, db::RequestStore& store) {
  db::RequestRow out;
  if (!row.text("received_on")) {
    row.reject_missing("received_on");
  } else if (auto d = row.date("received_on")) {
    out.received_on = d->iso();
  }
  if (auto v = required_bounded(row, "requester")) out.requester = *v;
  if (auto v = required_bounded(row, "subject")) out.subject = *v;
  out.organisation = bounded_text(row, "organisation");
  out.orientation = bounded_text(row, "orientation");
  out.contact = bounded_text(row, "contact");
  out.notes = bounded_text(row, "notes");
  if (auto v = bounded_text(row, "commune")) {
    if (auto c = store.commune(*v)) {
      out.commune_code = c->first;
      out.commune_name = c->second;
    } else {
      row.reject("commune", *v, {ReasonCode::unknown_commune});
    }
  }
  out.channel = row.term("channel", request_channels());
  if (auto s = row.term("status", request_statuses())) out.status = *s;
  if (auto v = row.text("need_id")) {
    out.need_id = store.need_id(*v);
    if (!out.need_id) row.reject("need_id", *v, {ReasonCode::unknown_need});
  }
  if (auto v = row.text("place_id")) {
    out.place_id = store.place_id(*v);
    if (!out.place_id) row.reject("place_id", *v, {ReasonCode::unknown_place});
  }
  if (row.rejected()) return std::nullopt;
  return out;
}

// A row without a reference is known by its content: its fields as written.
std::string content_reference(const RowFields& row) {
  std::string content;
  for (const auto& f : request_fields()) content += row.text(f.c_str()).value_or("") + '\x1f';
  return "h:" + sha256_hex(content).substr(0, 32);
}

// The columns of the exports, in order: the catalogue's field, written
// under its label (sheet_header: the importer reads it back), and its key
// in the API's JSON; a column a role may not read (core/roles) is left out.
struct ExportColumn {
  const char* field;
  const char* key;
  const std::string& header() const { return sheet_header(ImportKind::requests, field); }
  bool readable_by(Role role) const { return may_read_field(role, "request", key); }
};
const std::vector<ExportColumn> kExportColumns = {
    {"external_id", "id"},       {"received_on", "received_on"},
    {"requester", "requester"},  {"organisation", "organisation"},
    {"commune", "commune_name"}, {"subject", "subject"},
    {"channel", "channel"},      {"orientation", "orientation"},
    {"status", "status"},        {"need_id", "need_id"},
    {"place_id", "place_id"},    {"contact", "contact"},
    {"notes", "notes"}};

}  // namespace

const std::vector<std::string>& request_fields() {
  static const std::vector<std::string> fields = [] {
    std::vector<std::string> out;
    for (const auto& f : table_for(ImportKind::requests)) {
      if (std::string_view(f.field) != "external_id") out.emplace_back(f.field);
    }
    return out;
  }();
  return fields;
}

ValidatedRequest validate_request(const RequestDraft& draft, db::RequestStore& store) {
  ValidatedRequest out;
  std::vector<std::string> header;
  SourceRecord record;
  record.position = 1;
  for (const auto& [field, value] : draft) {
    if (std::find(request_fields().begin(), request_fields().end(), field) ==
        request_fields().end()) {
      out.issues.push_back({"", field, {ReasonCode::unknown_field}});
      continue;
    }
    header.push_back(field);
    record.fields.emplace_back(value);
  }
  Mapping mapping = Mapping::canonical(ImportKind::requests);
  mapping.bind(header, "body");
  std::vector<RowIssue> issues;
  RowFields row(mapping, header, record, issues);
  auto request = read_request(row, store);
  for (auto& i : issues) {
    if (i.kind == RowIssue::Kind::rejected)
      out.issues.push_back({std::move(i.column), std::move(i.value), std::move(i.reason)});
  }
  if (out.issues.empty()) out.row = std::move(request);
  return out;
}

void write_requests_csv(pqxx::connection_base& conn, const std::string& path, Role role,
                        const db::RequestFilter& filter) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(fmt::format("{}: cannot write the export", path));
  std::string line;
  for (const auto& c : kExportColumns) {
    if (!c.readable_by(role)) continue;
    line += (line.empty() ? "" : ";") + c.header();  // the catalogue's words: nothing to quote
  }
  out << "\xEF\xBB\xBF" << line << "\r\n";
  for (const auto& text : db::all_requests(conn, role, filter)) {
    auto r = nlohmann::json::parse(text);
    line.clear();
    for (const auto& c : kExportColumns) {
      if (!c.readable_by(role)) continue;
      std::string name = c.key;
      std::string v;
      if (r.contains(name) && !r[name].is_null())
        v = r[name].is_string() ? r[name].get<std::string>() : r[name].dump();
      if (name == "id") v = "#" + v;
      // ISO -> dd/mm/yyyy, as people write dates.
      if (name == "received_on" && v.size() == 10)
        v = v.substr(8, 2) + "/" + v.substr(5, 2) + "/" + v.substr(0, 4);
      line += (line.empty() ? "" : ";") + csv::quoted_cell(v);
    }
    out << line << "\r\n";
  }
  if (!out.flush()) throw Error(fmt::format("{}: cannot write the export", path));
}

void write_requests_sheet(pqxx::connection_base& conn, const std::string& path,
                          const std::string& driver, Role role, const db::RequestFilter& filter) {
  namespace fs = std::filesystem;
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
    for (const auto& text : db::all_requests(conn, role, filter)) {
      auto r = nlohmann::json::parse(text);
      nlohmann::ordered_json p = nlohmann::ordered_json::object();
      for (const auto& c : kExportColumns) {
        if (!c.readable_by(role)) continue;
        std::string name = c.key;
        if (name == "id") {
          p[c.header()] = "#" + std::to_string(r["id"].get<long long>());
        } else {
          p[c.header()] = r.contains(name) ? r[name] : nlohmann::json(nullptr);
        }
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

void import_request_rows(pqxx::connection_base& conn, RecordSource& source, const Mapping& mapping,
                         const ImportOptions& options, ImportReport& report) {
  const std::string started_at = now_iso();
  db::RequestStore store(conn);
  FileConventions conventions = conventions_of(source);
  conventions.decided = true;  // no number to read: no convention to wait for
  auto col = mapping.column("external_id");
  const std::string ref_column = col ? source.header()[*col] : std::string("external_id");
  SourceRecord record;
  std::set<std::string> refs;
  auto reject = [&](const std::string& ref, ReasonCode code) {
    ++report.rejected;
    report.issues.push_back({RowIssue::Kind::rejected, record.position, ref_column, ref, {code}});
  };
  while (source.next(record)) {
    ++report.read;
    if (options.on_progress && (report.read & 255) == 0)
      options.on_progress(ImportPhase::reading, report.read, source.progress());
    RowFields row(mapping, source.header(), record, report.issues, &conventions);
    if (record.shape_error) row.reject("external_id", "", *record.shape_error);
    auto request = row.rejected() ? std::nullopt : read_request(row, store);
    if (!request) {
      ++report.rejected;
      continue;
    }
    request->keep_stored_contact = !mapping.column("contact") && !mapping.constant("contact");
    request->keep_stored_notes = !mapping.column("notes") && !mapping.constant("notes");
    auto written = row.text("external_id");
    std::string ref = written ? *written : content_reference(row);
    if (!refs.insert(ref).second) {
      reject(ref, ReasonCode::repeated_request);
      continue;
    }
    std::optional<std::string> outcome;
    if (ref[0] == '#') {  // Terrier's own id, as exports write it
      if (ref.size() > 1 && ref.size() < 19 &&
          ref.find_first_not_of("0123456789", 1) == std::string::npos) {
        outcome = store.update_if_changed(std::stoll(ref.substr(1)), *request);
      }
      if (!outcome) {
        reject(ref, ReasonCode::unknown_request_id);
        continue;
      }
    } else {
      long long id = 0;
      outcome = store.upsert(*request, report.source, ref, id);
    }
    if (*outcome == "inserted")
      ++report.inserted;
    else if (*outcome == "updated")
      ++report.updated;
    else
      ++report.unchanged;
  }
  if (options.on_progress) options.on_progress(ImportPhase::merging, report.read, std::nullopt);
  if (report.read == 0)
    throw ImportError(
        fmt::format("{}: aucune ligne de données sous l'en-tête : rien à importer", options.file));
  std::stable_sort(report.issues.begin(), report.issues.end(),
                   [](const RowIssue& a, const RowIssue& b) { return a.position < b.position; });
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
}

}  // namespace terrier::importers
