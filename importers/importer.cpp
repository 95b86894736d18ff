#include "importers/importer.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "db/duplicate_store.hpp"
#include "db/import_transaction.hpp"
#include "db/model_tables.hpp"
#include "db/reference_store.hpp"
#include "db/run_store.hpp"
#include "db/staging_store.hpp"
#include "db/territory_store.hpp"
#include "importers/duplicates.hpp"
#include "importers/edit_conflicts.hpp"
#include "importers/request_rows.hpp"
#include "importers/rows.hpp"
#include "importers/territories.hpp"

namespace terrier::importers {
namespace {

using Clock = std::chrono::steady_clock;

// Two opportunities of a kind closer than this, with alike titles or
// addresses, are probable duplicates (the SQL in db/duplicate_store.cpp says 50
// too).
constexpr double kDuplicateDistanceM = 50;

// Rows/s on stderr, at most twice a second, only for a terminal.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {}
  void tick(long long rows, std::optional<double> fraction) {
    if (!enabled_ || (rows & 1023) != 0) return;
    auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\r%lld rows, %.0f rows/s%s", rows, secs > 0 ? rows / secs : 0.0,
                 fraction ? fmt::format(", {:.0f} %", *fraction * 100).c_str() : "");
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fputc('\n', stderr);
  }

 private:
  bool enabled_;
  bool shown_ = false;
  Clock::time_point start_ = Clock::now(), last_ = Clock::now();
};

using Builder = std::optional<db::StagedRow> (*)(RowFields&, const RowContext&);

struct KindPlan {
  const db::TableSpec* spec;
  Builder build;
  bool polygons_allowed;
};

KindPlan plan_for(ImportKind kind) {
  switch (kind) {
    case ImportKind::opportunities:
      return {&db::opportunities_table(), build_opportunity, true};
    case ImportKind::places:
      return {&db::places_table(), build_place, false};
    case ImportKind::needs:
      return {&db::needs_table(), build_need, true};
    default:
      break;
  }
  throw ImportError(fmt::format("{} are not row imports", kind_name(kind)));
}

// Reads every record, builds each row and streams the good ones into the
// staging COPY as they come (nothing is held but the issues), collecting the
// issues and the references of rejected rows. A row holding a number only
// the whole file's decimal mark can read ("1.250") is put aside and read
// again at the end, once that mark is known (only those rows are held).
// What a row asks the geocoder (import --geocode): its address and commune,
// when it has both and no coordinates or geometry; else nothing.
std::optional<GeocodeQuery> geocode_query(const Mapping& mapping,
                                          const std::vector<std::string>& header,
                                          const SourceRecord& record) {
  std::vector<RowIssue> ignored;  // the row's own reading reports them
  RowFields row(mapping, header, record, ignored);
  if (record.wkb || row.text("lon") || row.text("lat") || row.text("wkt") ||
      row.text("wkt_surface")) {
    return std::nullopt;
  }
  auto address = row.text("address");
  auto insee = row.text("commune_insee");
  auto name = row.text("commune_name");
  auto postcode = row.text("postcode");
  if (!address || (!insee && !name && !postcode)) return std::nullopt;
  return GeocodeQuery{*address, name.value_or(""), insee.value_or(""), postcode.value_or("")};
}

// A geocoder's answer for a row: its point at the address, or a warning on
// the address when none was found or its score is below the threshold (the
// row is then placed by its commune, as without --geocode).
void place_geocoded(RowFields& row, const GeocodeAnswer& answer, double min_score) {
  auto address = row.text("address").value_or("");
  if (!answer.lon || !answer.lat) {
    row.warn("address", address, {ReasonCode::geocode_not_found});
  } else if (answer.score < min_score) {
    auto decimal = [](double v) {
      std::string s = fmt::format("{:.2f}", v);
      std::replace(s.begin(), s.end(), '.', ',');
      return s;
    };
    row.warn(
        "address", address,
        {ReasonCode::geocode_low_score, {answer.label, decimal(answer.score), decimal(min_score)}});
  } else {
    row.place_at(*answer.lon, *answer.lat);
  }
}

void read_rows(RecordSource& source, const Mapping& mapping, const KindPlan& plan,
               const RowContext& ctx, const ImportOptions& options, ImportReport& report,
               db::StageWriter& stage, std::vector<std::string>& rejected_ids,
               bool& rejected_without_id) {
  Progress progress(options.progress);
  FileConventions conventions = conventions_of(source);
  std::vector<std::pair<SourceRecord, std::optional<GeocodeAnswer>>> deferred;
  SourceRecord record;
  auto read_one = [&](const SourceRecord& rec, const std::optional<GeocodeAnswer>& geocoded) {
    std::size_t issues_before = report.issues.size();
    RowFields row(mapping, source.header(), rec, report.issues, &conventions);
    if (rec.shape_error) row.reject("external_id", "", *rec.shape_error);
    if (geocoded) place_geocoded(row, *geocoded, options.geocode_min_score);
    auto staged = row.rejected() ? std::nullopt : plan.build(row, ctx);
    if (row.needs_convention()) {
      report.issues.resize(issues_before);  // its issues come with the second reading
      deferred.emplace_back(rec, geocoded);
      return;
    }
    if (staged) {
      stage.write(*staged);
    } else {
      ++report.rejected;
      if (auto id = row.text("external_id")) {
        rejected_ids.push_back(*id);
      } else {
        rejected_without_id = true;
      }
    }
  };
  // --geocode: the rows to place by their address, read once a chunk of
  // them is geocoded.
  std::vector<SourceRecord> waiting;
  std::vector<GeocodeQuery> queries;
  auto geocode_waiting = [&] {
    if (waiting.empty()) return;
    std::vector<GeocodeAnswer> answers;
    try {
      answers = options.geocode(queries);
    } catch (const std::exception& e) {
      throw ImportError(
          fmt::format("{}: le géocodage des adresses a échoué : {}", options.file, e.what()));
    }
    if (answers.size() != queries.size()) {
      throw ImportError(fmt::format("{}: le géocodeur a répondu {} adresses pour {} demandées",
                                    options.file, answers.size(), queries.size()));
    }
    for (std::size_t i = 0; i < waiting.size(); ++i) read_one(waiting[i], answers[i]);
    waiting.clear();
    queries.clear();
  };
  std::optional<Clock::time_point> last_call;
  while (source.next(record)) {
    ++report.read;
    progress.tick(report.read, source.progress());
    if (options.on_progress && (report.read & 255) == 0 &&
        (!last_call || Clock::now() - *last_call >= std::chrono::milliseconds(200))) {
      last_call = Clock::now();
      options.on_progress(ImportPhase::reading, report.read, source.progress());
    }
    if (options.geocode && options.kind == ImportKind::opportunities) {
      if (auto query = geocode_query(mapping, source.header(), record)) {
        waiting.push_back(record);
        queries.push_back(std::move(*query));
        if (waiting.size() >= kGeocodeChunk) geocode_waiting();
        continue;
      }
    }
    read_one(record, std::nullopt);
  }
  geocode_waiting();
  conventions.decide();
  for (const auto& [r, geocoded] : deferred) read_one(r, geocoded);
}

// A row naming a stored row by its number ("#42", in a sheet Terrier wrote)
// that no longer exists is refused; every other row gets its stored row, if
// any (db::StagingStore::resolve_targets).
void resolve_targets(db::StagingStore& store, const db::TableSpec& spec, const RecordSource& source,
                     const Mapping& mapping, ImportReport& report) {
  auto col = mapping.column("external_id");
  const std::string column = col ? source.header()[*col] : std::string("external_id");
  for (const auto& r : store.resolve_targets(spec)) {
    ++report.rejected;
    report.issues.push_back({RowIssue::Kind::rejected,
                             r.position,
                             column,
                             fmt::format("#{}", r.id),
                             {ReasonCode::unknown_row_id, {std::to_string(r.id)}}});
  }
}

// A row whose stored row, reference (or, without one, whose content) an
// earlier row of the file has is refused: found in the staging table, once
// the file is read.
void reject_repeated_rows(db::StagingStore& store, const RecordSource& source,
                          const Mapping& mapping, ImportReport& report) {
  auto col = mapping.column("external_id");
  const std::string column = col ? source.header()[*col] : std::string("external_id");
  for (const auto& r : store.drop_repeated_rows()) {
    ++report.rejected;
    if (r.external_id) {
      report.issues.push_back(
          {RowIssue::Kind::rejected,
           r.position,
           column,
           *r.external_id,
           {ReasonCode::repeated_reference, {std::to_string(r.first_position)}}});
    } else {
      report.issues.push_back({RowIssue::Kind::rejected,
                               r.position,
                               column,
                               "",
                               {ReasonCode::repeated_row, {std::to_string(r.first_position)}}});
    }
  }
}

// Why an import limited to a circle may not write a row.
Reason out_of_scope(const db::OutOfScopeRow& r, const ImportOptions& options) {
  switch (r.cause) {
    case db::OutOfScopeRow::Cause::visibility:
      return {ReasonCode::visibility_not_allowed, {r.value}};
    case db::OutOfScopeRow::Cause::outside_circle:
      return {ReasonCode::outside_circle, {*options.circle}};
    case db::OutOfScopeRow::Cause::stored_row_out_of_reach:
      break;
  }
  return {ReasonCode::stored_row_out_of_reach};
}

// An import limited to a circle: the rows it may not write, rejected with
// the column that says why (db::StagingStore::drop_rows_out_of_scope).
void reject_rows_out_of_scope(db::StagingStore& store, const db::TableSpec& spec,
                              const Mapping& mapping, const ImportOptions& options,
                              ImportReport& report) {
  auto column_of = [&](const std::string& field) {
    static const std::vector<std::string> where = {
        "lat", "lon", "wkt", "territory", "commune_insee", "postcode", "address"};
    for (const auto& wanted : field == "location" ? where : std::vector<std::string>{field}) {
      for (const auto& c : mapping.reading()) {
        if (!c.field) continue;
        for (const auto& f : text::split_any(*c.field, {", "})) {
          if (f == wanted) return c.column;
        }
      }
    }
    return field;
  };
  for (const auto& r : store.drop_rows_out_of_scope(spec, *options.circle, options.visibilities)) {
    ++report.rejected;
    report.issues.push_back({RowIssue::Kind::rejected, r.position, column_of(r.field), r.value,
                             out_of_scope(r, options)});
  }
}

// Every column that feeds no field is named in the report, with a
// suggestion when its header is close to a known field's.
void report_ignored_columns(const Mapping& mapping, ImportReport& report) {
  for (const auto& n : mapping.notes()) {
    report.issues.push_back({RowIssue::Kind::warning, 0, n.column, "", n.reason});
  }
  for (const auto& c : mapping.reading()) {
    if (c.field || !c.kept) continue;
    Reason reason = c.suggestion ? Reason{ReasonCode::column_kept_did_you_mean, {*c.suggestion}}
                                 : Reason{ReasonCode::column_kept};
    report.issues.push_back({RowIssue::Kind::warning, 0, c.column, "", std::move(reason)});
  }
}

std::vector<db::DuplicateFlag> find_duplicates(db::DuplicateStore& store, DuplicateSearch search) {
  if (search == DuplicateSearch::automatic) {
    // A probe costs some 25 µs per row of the import; reading a point some
    // 1 µs per row of the table.
    auto size = store.duplicate_search_size();
    search = size.changed > 1000 && size.changed * 25 > size.located ? DuplicateSearch::in_memory
                                                                     : DuplicateSearch::row_by_row;
  }
  if (search == DuplicateSearch::row_by_row) return store.flag_duplicate_opportunities();
  return store.flag_duplicate_pairs(nearby_pairs(store.duplicate_points(), kDuplicateDistanceM));
}

std::string default_source(const ImportOptions& options, const Mapping& mapping) {
  if (options.source) return *options.source;
  if (mapping.source()) return *mapping.source();
  return std::filesystem::path(options.file).stem().string();
}

}  // namespace

std::string ImportReport::summary() const {
  std::string s = fmt::format("read {}, inserted {}, updated {}, unchanged {}, rejected {}", read,
                              inserted, updated, unchanged, rejected);
  if (deleted) s += fmt::format(", deleted {}", deleted);
  if (flagged) s += fmt::format(", flagged {}", flagged);
  if (conflicts) s += fmt::format(", conflicts {}", conflicts);
  return s;
}

ImportReport run_import(pqxx::connection_base& conn, const ImportOptions& options) {
  std::string started_at = now_iso();
  std::string sha = sha256_file_hex(options.file);
  Mapping mapping = Mapping::load(options.kind, options.mapping_file);
  ImportReport report;
  report.source = default_source(options, mapping);
  if (report.source.empty()) throw ImportError("the source name is empty (use --source)");

  // A workbook Terrier exported holds a sheet per layer: the kind's own.
  static const std::map<ImportKind, std::vector<std::string>> kSheets = {
      {ImportKind::places, {"lieux", "places"}},
      {ImportKind::opportunities, {"opportunites", "opportunités", "opportunities"}},
      {ImportKind::needs, {"besoins", "needs"}},
      {ImportKind::requests, {"sollicitations", "requests"}}};
  auto sheets = kSheets.find(options.kind);
  auto source = open_source(options.file,
                            sheets == kSheets.end() ? std::vector<std::string>{} : sheets->second);
  report.position_name = source->position_name();
  log::debug("{}: {}", options.file, source->description());
  mapping.bind(source->header(), options.file);
  report.header = mapping.reading();
  if (options.on_header) options.on_header(report.header);
  if (options.kind != ImportKind::territories) report_ignored_columns(mapping, report);
  if (options.kind == ImportKind::requests) {
    // Requests keep their own store (db::RequestStore), not the staging
    // merge: see import_request_rows.
    import_request_rows(conn, *source, mapping, options, report);
    return report;
  }

  db::ImportTransaction tx(conn);
  db::ReferenceStore reference(tx);
  db::StagingStore staging(tx);
  db::TerritoryStore territory_store(tx);
  db::MergeCounts counts;
  if (options.kind == ImportKind::territories || options.kind == ImportKind::circles) {
    counts = import_territories(reference, territory_store, *source, mapping, options, report);
  } else {
    KindPlan plan = plan_for(options.kind);
    CommuneIndex communes;
    for (auto& c : reference.communes()) {
      communes.add({std::move(c.insee), std::move(c.name), std::move(c.postcodes), c.lon, c.lat});
    }
    if (communes.empty())
      log::warn("no commune is loaded: rows can only be located by coordinates");
    LocationOptions lo;
    lo.srs = options.srs ? options.srs : mapping.srs();
    lo.file_crs = source->crs();
    lo.polygons_allowed = plan.polygons_allowed;
    lo.wkt_either_axis_order = mapping.profile() == Mapping::Profile::cnig;
    LocationResolver resolver(communes, reference.region_outline_wkb(kRegionMarginM), lo);
    auto slugs = reference.territory_ids_by_slug();
    auto places = options.kind == ImportKind::needs ? reference.place_ids_by_external_id()
                                                    : std::map<std::string, long long>{};
    TerritoryLookup territories(options.kind == ImportKind::needs
                                    ? reference.territory_keys()
                                    : std::vector<db::TerritoryKey>{});
    RowContext ctx{resolver, slugs, places, &territories};
    std::vector<std::string> rejected_ids;
    bool rejected_without_id = false;
    auto stage = staging.begin_stage(*plan.spec, report.source);
    read_rows(*source, mapping, plan, ctx, options, report, stage, rejected_ids,
              rejected_without_id);
    if (options.on_progress) options.on_progress(ImportPhase::merging, report.read, std::nullopt);
    stage.finish();
    resolve_targets(staging, *plan.spec, *source, mapping, report);
    reject_repeated_rows(staging, *source, mapping, report);
    if (options.circle) reject_rows_out_of_scope(staging, *plan.spec, mapping, options, report);
    if (report.read == 0) {
      // Nothing to load, and with --sync it would delete the whole source.
      throw ImportError(fmt::format("{}: aucune ligne de données sous l'en-tête : rien à importer",
                                    options.file));
    }
    bool sync = options.sync;
    if (sync && rejected_without_id) {
      // A rejected row without a reference cannot be told apart from a row
      // that left the file: deleting would lose it.
      sync = false;
      report.issues.push_back({RowIssue::Kind::warning, 0, "", "", {ReasonCode::sync_skipped}});
    }

    staging.keep_stored_attributes(*plan.spec, source->header());
    keep_page_edits(staging, *plan.spec, report, options.prefer_file);
    counts = staging.merge(*plan.spec, report.source, sync, rejected_ids);
    if (options.kind == ImportKind::opportunities) {
      db::DuplicateStore duplicates(tx);
      for (const auto& d : find_duplicates(duplicates, options.duplicate_search)) {
        // A limited import never names a row its role may not read.
        if (options.circle && !staging.readable_by(*plan.spec, d.other_source, d.other_external_id,
                                                   options.visibilities)) {
          continue;
        }
        report.issues.push_back({RowIssue::Kind::flagged,
                                 d.position,
                                 "",
                                 d.other_external_id,
                                 {ReasonCode::probable_duplicate,
                                  {d.other_title, d.other_source, d.other_external_id,
                                   fmt::format("{:.0f}", d.distance_m)}}});
        ++report.flagged;
      }
    }
    if (options.kind == ImportKind::places) territory_store.assign_place_circles();
  }
  report.inserted = counts.inserted;
  report.updated = counts.updated;
  report.unchanged = counts.unchanged;
  report.deleted = counts.deleted;

  std::stable_sort(report.issues.begin(), report.issues.end(),
                   [](const RowIssue& a, const RowIssue& b) { return a.position < b.position; });
  bool strict_failure = options.strict && report.rejected > 0;
  if (!options.dry_run && !strict_failure) {
    db::RunStore(tx).record_run({kind_name(options.kind), report.source,
                                 std::filesystem::path(options.file).filename().string(), sha,
                                 options.user, false, started_at, report.read, report.inserted,
                                 report.updated, report.unchanged, report.rejected, report.deleted,
                                 report.flagged});
    tx.commit();
    report.committed = true;
  }
  return report;
}

void write_issue_report(const std::string& path, const std::string& file,
                        const ImportReport& report) {
  namespace fs = std::filesystem;
  fs::path tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(fmt::format("{}: cannot write the report", path));
    auto cell = [](const std::string& s) { return csv::quoted_cell(s); };  // no formula
    // Opened in a spreadsheet by people: the position's column in French.
    out << "\xEF\xBB\xBF"
        << "fichier;" << (report.position_name == "line" ? "ligne" : "entité")
        << ";colonne;valeur;motif;type;code\r\n";
    for (const auto& i : report.issues) {
      const char* kind = i.kind == RowIssue::Kind::rejected   ? "rejetée"
                         : i.kind == RowIssue::Kind::warning  ? "avertissement"
                         : i.kind == RowIssue::Kind::conflict ? "conflit avec une modification"
                                                              : "doublon probable";
      out << cell(file) << ';' << i.position << ';' << cell(i.column) << ';' << cell(i.value) << ';'
          << cell(french(i.reason)) << ';' << kind << ';' << code_name(i.reason.code) << "\r\n";
    }
    if (!out.flush()) throw Error(fmt::format("{}: cannot write the report", path));
  }
  fs::rename(tmp, path);
}

std::string now_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace terrier::importers
