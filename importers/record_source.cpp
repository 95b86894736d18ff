#include "importers/record_source.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "geo/gdal.hpp"
#include "importers/csv_reader.hpp"

namespace terrier::importers {
namespace {

// Line breaks inside a cell as "\n": a CSV written on Windows holds "\r\n",
// which an XML sheet (XLSX, ODS) reads back as "\n" (XML normalises line
// ends), and the same note must compare equal on the way round.
void unix_line_breaks(std::optional<std::string>& field) {
  if (!field || field->find('\r') == std::string::npos) return;
  std::string out;
  out.reserve(field->size());
  for (std::size_t i = 0; i < field->size(); ++i) {
    char c = (*field)[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < field->size() && (*field)[i + 1] == '\n') ++i;
    } else {
      out += c;
    }
  }
  *field = std::move(out);
}

class CsvSource final : public RecordSource {
 public:
  explicit CsvSource(const std::string& path) : reader_(path) {}
  const std::vector<std::string>& header() const override { return reader_.header(); }
  bool next(SourceRecord& out) override {
    if (!reader_.next(record_)) return false;
    out.position = record_.line;
    out.fields.assign(reader_.header().size(), std::nullopt);
    for (std::size_t i = 0; i < record_.fields.size() && i < out.fields.size(); ++i) {
      // A cell another export neutralised against formulas ("'=…", "'-1 rue…")
      // is the text it stood for.
      out.fields[i] = csv::unneutralise(std::move(record_.fields[i]));
      unix_line_breaks(out.fields[i]);
    }
    out.shape_error.reset();
    for (std::size_t i = reader_.header().size(); i < record_.fields.size(); ++i) {
      if (!text::trim(record_.fields[i]).empty()) {
        out.shape_error = Reason{
            ReasonCode::line_longer_than_header,
            {std::to_string(record_.fields.size()), std::to_string(reader_.header().size())}};
        break;
      }
    }
    out.wkb.reset();
    return true;
  }
  const char* position_name() const override { return "line"; }
  std::optional<std::string> crs() const override { return std::nullopt; }
  std::string description() const override {
    return fmt::format(
        "CSV, {}, separator '{}'", encoding_name(reader_.encoding()),
        reader_.separator() == '\t' ? std::string("tab") : std::string(1, reader_.separator()));
  }
  std::optional<double> progress() const override {
    return reader_.size()
               ? std::optional<double>(double(reader_.bytes_read()) / double(reader_.size()))
               : std::nullopt;
  }

 private:
  CsvReader reader_;
  CsvRecord record_;
};

class GdalSource final : public RecordSource {
 public:
  GdalSource(const std::string& path, const std::vector<std::string>& layers)
      : reader_(path, {}, {}, layers), header_(reader_.field_names()) {
    total_ = reader_.feature_count();
    // KML's own styling fields ("visibility" = -1) must not be read as ours.
    if (reader_.driver_name() == "LIBKML" || reader_.driver_name() == "KML") {
      static const std::set<std::string> kKmlFields = {
          "visibility", "tessellate", "extrude", "altitudeMode", "drawOrder",
          "icon",       "begin",      "end",     "timestamp",    "snippet"};
      for (auto& name : header_) {
        if (kKmlFields.count(name)) name = "kml:" + name;
      }
    }
  }
  const std::vector<std::string>& header() const override { return header_; }
  bool next(SourceRecord& out) override {
    if (!reader_.next(record_)) return false;
    out.position = ++count_;
    out.fields = std::move(record_.fields);
    for (auto& f : out.fields) {
      if (f && !text::is_valid_utf8(*f)) {
        throw ImportError(
            fmt::format("entité {} : un champ de texte n'est pas de l'UTF-8 valide", count_));
      }
      unix_line_breaks(f);
    }
    out.wkb = std::move(record_.wkb);
    return true;
  }
  const char* position_name() const override { return "feature"; }
  std::optional<std::string> crs() const override { return reader_.layer_crs(); }
  std::string description() const override {
    return fmt::format("GDAL {}, layer '{}'", reader_.driver_name(), reader_.layer_name());
  }
  bool spreadsheet() const override {
    return reader_.driver_name() == "XLSX" || reader_.driver_name() == "ODS";
  }
  std::optional<double> progress() const override {
    if (!total_ || *total_ <= 0) return std::nullopt;
    return double(count_) / double(*total_);
  }

 private:
  geo::GdalVectorReader reader_;
  std::vector<std::string> header_;
  geo::OgrRecord record_;
  std::size_t count_ = 0;
  std::optional<long long> total_;
};

}  // namespace

std::unique_ptr<RecordSource> open_source(const std::string& path,
                                          const std::vector<std::string>& layers) {
  std::string ext = text::fold(std::filesystem::path(path).extension().string());
  if (ext == ".csv" || ext == ".txt" || ext == ".tsv") return std::make_unique<CsvSource>(path);
  // A spreadsheet is a zip: refuse one that would unpack to more than any
  // sheet of the network could hold (a zip bomb) before GDAL inflates it.
  constexpr unsigned long long kMaxUnpacked = 256ULL << 20;
  if (auto unpacked = geo::zip_unpacked_bytes(path); unpacked && *unpacked > kMaxUnpacked) {
    throw ImportError(
        fmt::format("{}: se décompresse en {} Mo, plus que {} Mo : une bombe de décompression, ou "
                    "pas un tableur",
                    path, *unpacked >> 20, kMaxUnpacked >> 20));
  }
  return std::make_unique<GdalSource>(path, layers);
}

}  // namespace terrier::importers
