#include "geo/gdal.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <fmt/core.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>

#include "core/error.hpp"
#include "core/log.hpp"
#include "geo/gdal_handles.hpp"

namespace terrier::geo {
namespace {

void CPL_STDCALL route_cpl_error(CPLErr level, CPLErrorNum code, const char* message) {
  switch (level) {
    case CE_Debug:
      log::debug("GDAL: {}", message);
      break;
    case CE_Warning:
      log::debug("GDAL warning {}: {}", code, message);
      break;
    default:
      log::debug("GDAL error {}: {}", code, message);
      break;
  }
}

}  // namespace

std::string last_cpl_error() {
  const char* msg = CPLGetLastErrorMsg();
  return msg && *msg ? std::string(msg) : std::string("unknown GDAL error");
}

void init_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(route_cpl_error);
    // A sheet's first row is its header, even when the rows below are text
    // too (GDAL 3.6 guesses "no header" then; it has no open option for it).
    CPLSetConfigOption("OGR_XLSX_HEADERS", "FORCE");
    CPLSetConfigOption("OGR_ODS_HEADERS", "FORCE");
  });
}

void close_written(GdalDataset& dataset, const std::string& destination) {
  if (!dataset) return;
  CPLErrorReset();
  dataset.reset();  // writes what is buffered: a full disk shows here
  if (CPLGetLastErrorType() >= CE_Failure) {
    throw Error(fmt::format("{}: cannot finish writing: {}", destination, last_cpl_error()));
  }
}

namespace {

// A file this process wrote for itself, removed with its owner.
class TempFile {
 public:
  TempFile() = default;
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) VSIUnlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct VsiClose {
  void operator()(VSILFILE* f) const noexcept {
    if (f) VSIFCloseL(f);
  }
};
using VsiFile = std::unique_ptr<VSILFILE, VsiClose>;

bool ends_with_ods(const std::string& path) {
  return EQUAL(CPLGetExtension(path.c_str()), "ods");
}

// ODF writes a run of spaces as one space and <text:s/> (or <text:s
// text:c="3"/>): "a  b" is "a <text:s/>b"; a tab is <text:tab/>, a line
// break inside a paragraph <text:line-break/>. GDAL 3.6's ODS driver drops
// these elements, so a cell LibreOffice saved would lose them; spelled out,
// it reads the text as it was typed.
std::string spell_out_whitespace(const std::string& xml) {
  std::string out;
  out.reserve(xml.size());
  std::size_t at = 0;
  while (true) {
    std::size_t tag = xml.find("<text:", at);
    if (tag == std::string::npos) break;
    std::size_t end = xml.find('>', tag);
    if (end == std::string::npos) break;
    std::string_view element(xml.data() + tag, end + 1 - tag);
    std::string spelled;
    if (element.substr(0, 7) == "<text:s" && (element[7] == '/' || element[7] == ' ') &&
        element.substr(element.size() - 2) == "/>") {
      int count = 1;
      if (auto c = element.find("text:c=\""); c != std::string_view::npos) {
        count = std::clamp(std::atoi(element.data() + c + 8), 1, 10000);
      }
      spelled.assign(static_cast<std::size_t>(count), ' ');
    } else if (element == "<text:tab/>") {
      spelled = "\t";
    } else if (element == "<text:line-break/>") {
      spelled = "\n";
    } else {
      out.append(xml, at, end + 1 - at);
      at = end + 1;
      continue;
    }
    out.append(xml, at, tag - at);
    out += spelled;
    at = end + 1;
  }
  out.append(xml, at, std::string::npos);
  return out;
}

// A copy of the ODS file `path` whose content.xml spells out its runs of
// spaces, tabs and line breaks, or an empty TempFile when it has none (or is not a readable ODS:
// GDAL then says so on the original).
std::string ods_copy_with_spaces(const std::string& path) {
  const std::string content = "/vsizip/" + path + "/content.xml";
  VSIStatBufL stat;
  if (VSIStatL(content.c_str(), &stat) != 0) return {};
  std::string xml(static_cast<std::size_t>(stat.st_size), '\0');
  {
    VsiFile in(VSIFOpenL(content.c_str(), "rb"));
    if (!in || VSIFReadL(xml.data(), 1, xml.size(), in.get()) != xml.size()) return {};
  }
  if (xml.find("<text:s") == std::string::npos && xml.find("<text:tab") == std::string::npos &&
      xml.find("<text:line-break") == std::string::npos) {
    return {};
  }
  xml = spell_out_whitespace(xml);
  std::string tmpl = CPLGenerateTempFilename("terrier-ods");
  std::string copy = tmpl + ".ods";
  VsiFile out(VSIFOpenL(("/vsizip/" + copy + "/content.xml").c_str(), "wb"));
  if (!out) throw Error(fmt::format("{}: la copie temporaire ne s'écrit pas", path));
  bool written = VSIFWriteL(xml.data(), 1, xml.size(), out.get()) == xml.size();
  written = VSIFCloseL(out.release()) == 0 && written;
  if (!written) {
    VSIUnlink(copy.c_str());
    throw Error(fmt::format("{}: la copie temporaire ne s'écrit pas (disque plein ?)", path));
  }
  return copy;
}

}  // namespace

struct GdalVectorReader::Handles {
  std::optional<TempFile> spaced_copy;  // declared first: removed after ds is closed
  GdalDataset ds;
  OGRLayerH layer = nullptr;  // owned by ds
};

GdalVectorReader::GdalVectorReader(const std::string& path,
                                   const std::vector<std::string>& open_options,
                                   const std::vector<std::string>& allowed_drivers,
                                   const std::vector<std::string>& preferred_layers)
    : handles_(std::make_unique<Handles>()), path_(path) {
  init_gdal();
  std::vector<const char*> options;
  for (const auto& o : open_options) options.push_back(o.c_str());
  options.push_back(nullptr);
  std::vector<const char*> drivers;
  for (const auto& d : allowed_drivers) drivers.push_back(d.c_str());
  drivers.push_back(nullptr);
  std::string opened = path;
  if (ends_with_ods(path)) {
    if (std::string copy = ods_copy_with_spaces(path); !copy.empty()) {
      handles_->spaced_copy.emplace(copy);
      opened = copy;
    }
  }
  CPLErrorReset();
  handles_->ds.reset(GDALOpenEx(opened.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                allowed_drivers.empty() ? nullptr : drivers.data(), options.data(),
                                nullptr));
  if (!handles_->ds) {
    throw ImportError(
        fmt::format("{}: ne se lit pas comme un fichier géographique ou un tableur (GDAL : {})",
                    path, last_cpl_error()));
  }
  driver_ = GDALGetDriverShortName(GDALGetDatasetDriver(handles_->ds.get()));
  if (GDALDatasetGetLayerCount(handles_->ds.get()) < 1) {
    throw ImportError(fmt::format("{}: aucune couche dans ce fichier {}", path, driver_));
  }
  for (const auto& name : preferred_layers) {
    if (OGRLayerH layer = GDALDatasetGetLayerByName(handles_->ds.get(), name.c_str())) {
      handles_->layer = layer;
      break;
    }
  }
  if (!handles_->layer) handles_->layer = GDALDatasetGetLayer(handles_->ds.get(), 0);
  layer_name_ = OGR_L_GetName(handles_->layer);
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(handles_->layer);
  for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
    field_names_.emplace_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    field_types_.push_back(OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i)));
  }
  if (OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(handles_->layer)) {
    const char* name = OSRGetAuthorityName(srs, nullptr);
    const char* code = OSRGetAuthorityCode(srs, nullptr);
    if ((!name || !code) && OSRAutoIdentifyEPSG(srs) == OGRERR_NONE) {
      name = OSRGetAuthorityName(srs, nullptr);
      code = OSRGetAuthorityCode(srs, nullptr);
    }
    if (name && code) layer_crs_ = fmt::format("{}:{}", name, code);
  }
}

GdalVectorReader::~GdalVectorReader() = default;
GdalVectorReader::GdalVectorReader(GdalVectorReader&&) noexcept = default;
GdalVectorReader& GdalVectorReader::operator=(GdalVectorReader&&) noexcept = default;

std::optional<long long> GdalVectorReader::feature_count() const {
  GIntBig n = OGR_L_GetFeatureCount(handles_->layer, 0);
  if (n < 0) return std::nullopt;
  return static_cast<long long>(n);
}

namespace {

// A field as text. Dates as ISO 8601 ("2022-10-10", and "2022-10-10T14:30:00"
// with a time), not OGR's "2022/10/10": a date a spreadsheet typed reads
// back as the text it was written from. A date-time at midnight from a
// spreadsheet cell formatted as a date is a date.
std::string field_text(OGRFeatureH f, int i, int type) {
  if (type == OFTDate || type == OFTDateTime) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, tz = 0;
    float sec = 0;
    if (OGR_F_GetFieldAsDateTimeEx(f, i, &y, &mo, &d, &h, &mi, &sec, &tz)) {
      if (type == OFTDate || (h == 0 && mi == 0 && sec == 0 && tz <= 1)) {
        return fmt::format("{:04d}-{:02d}-{:02d}", y, mo, d);
      }
      std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", y, mo, d, h, mi,
                                    static_cast<int>(sec));
      if (tz == 100) {
        out += "Z";
      } else if (tz > 100) {
        int minutes = (tz - 100) * 15;
        out += fmt::format("+{:02d}:{:02d}", minutes / 60, minutes % 60);
      } else if (tz > 1) {
        int minutes = (100 - tz) * 15;
        out += fmt::format("-{:02d}:{:02d}", minutes / 60, minutes % 60);
      }
      return out;
    }
  }
  return OGR_F_GetFieldAsString(f, i);
}

}  // namespace

bool GdalVectorReader::next(OgrRecord& out) {
  CPLErrorReset();
  OgrFeature feature(OGR_L_GetNextFeature(handles_->layer));
  if (!feature) {
    if (CPLGetLastErrorType() >= CE_Failure) {
      throw ImportError(fmt::format("{}: erreur de lecture après l'entité {} (GDAL : {})", path_,
                                    out.fid, last_cpl_error()));
    }
    return false;
  }
  OGRFeatureH f = feature.get();
  out.fid = OGR_F_GetFID(f);
  out.fields.assign(field_names_.size(), std::nullopt);
  for (int i = 0; i < static_cast<int>(field_names_.size()); ++i) {
    if (OGR_F_IsFieldSetAndNotNull(f, i)) out.fields[i] = field_text(f, i, field_types_[i]);
  }
  out.wkb.reset();
  if (OGRGeometryH geom = OGR_F_GetGeometryRef(f); geom && !OGR_G_IsEmpty(geom)) {
    OGR_G_FlattenTo2D(geom);  // Terrier stores 2D geometries
    std::string wkb(static_cast<std::size_t>(OGR_G_WkbSize(geom)), '\0');
    OGR_G_ExportToWkb(geom, wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
    out.wkb = std::move(wkb);
  }
  return true;
}

struct OgrReprojector::Handles {
  // Declared before ct, which is destroyed first.
  OgrSpatialReference from{OSRNewSpatialReference(nullptr)};
  OgrSpatialReference to{OSRNewSpatialReference(nullptr)};
  OgrTransformation ct;
};

OgrReprojector::OgrReprojector(const std::string& from, const std::string& to)
    : handles_(std::make_unique<Handles>()), from_(from), to_(to) {
  init_gdal();
  if (OSRSetFromUserInput(handles_->from.get(), from.c_str()) != OGRERR_NONE) {
    throw ProjectionError(fmt::format("unknown spatial reference '{}'", from));
  }
  if (OSRSetFromUserInput(handles_->to.get(), to.c_str()) != OGRERR_NONE) {
    throw ProjectionError(fmt::format("unknown spatial reference '{}'", to));
  }
  OSRSetAxisMappingStrategy(handles_->from.get(), OAMS_TRADITIONAL_GIS_ORDER);
  OSRSetAxisMappingStrategy(handles_->to.get(), OAMS_TRADITIONAL_GIS_ORDER);
  handles_->ct.reset(OCTNewCoordinateTransformation(handles_->from.get(), handles_->to.get()));
  if (!handles_->ct) {
    throw ProjectionError(
        fmt::format("cannot transform from {} to {}: {}", from, to, last_cpl_error()));
  }
}

OgrReprojector::~OgrReprojector() = default;

std::string OgrReprojector::transform_wkb(const std::string& wkb) const {
  OGRGeometryH geom = nullptr;
  OGRErr read = OGR_G_CreateFromWkbEx(wkb.data(), nullptr, &geom, wkb.size());
  OgrGeometry owned(geom);  // owned even when the read failed half-way
  if (read != OGRERR_NONE || !owned) throw ProjectionError("cannot read geometry for reprojection");
  if (OGR_G_Transform(geom, handles_->ct.get()) != OGRERR_NONE) {
    throw ProjectionError(fmt::format("cannot transform geometry from {} to {}", from_, to_));
  }
  std::string out(static_cast<std::size_t>(OGR_G_WkbSize(geom)), '\0');
  OGR_G_ExportToWkb(geom, wkbNDR, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

void translate_vector(const std::vector<TranslateSource>& sources, const std::string& destination,
                      const std::string& driver, const std::vector<std::string>& layer_options) {
  init_gdal();
  // Owned from the first source on: a later source that cannot be read
  // closes it on the way out.
  GdalDataset dst;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    CplStringList open_options;
    for (const auto& o : sources[i].open_options) {
      open_options.reset(CSLAddString(open_options.release(), o.c_str()));
    }
    GdalDataset src(GDALOpenEx(sources[i].path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                               open_options.get(), nullptr));
    if (!src) throw Error(fmt::format("{}: cannot be read: {}", sources[i].path, last_cpl_error()));
    std::vector<std::string> args = {"-nln", sources[i].layer_name};
    if (i == 0) {
      args.insert(args.end(), {"-f", driver});
    } else {
      args.push_back("-update");
    }
    for (const auto& o : layer_options) args.insert(args.end(), {"-lco", o});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    VectorTranslateOptions options(GDALVectorTranslateOptionsNew(argv.data(), nullptr));
    GDALDatasetH src_handle = src.get();
    int usage_error = 0;
    CPLErrorReset();
    GDALDatasetH out = GDALVectorTranslate(i == 0 ? destination.c_str() : nullptr, dst.get(), 1,
                                           &src_handle, options.get(), &usage_error);
    if (!out)
      throw Error(fmt::format("{}: cannot write {}: {}", destination, driver, last_cpl_error()));
    // GDALVectorTranslate returns the destination it was given after the
    // first source: take ownership once.
    if (out != dst.get()) dst.reset(out);
  }
  close_written(dst, destination);
}

std::string geojson_geometry_to_wkb(const std::string& geometry_json) {
  init_gdal();
  CPLErrorReset();
  OgrGeometry owned(OGR_G_CreateGeometryFromJson(geometry_json.c_str()));
  if (!owned) throw GeometryError(fmt::format("not a GeoJSON geometry: {}", last_cpl_error()));
  OGRGeometryH g = owned.get();
  OGR_G_FlattenTo2D(g);
  std::string wkb(static_cast<std::size_t>(OGR_G_WkbSize(g)), '\0');
  OGR_G_ExportToWkb(g, wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
  return wkb;
}

std::string geojson_geometry_to_wkt(const std::string& geometry_json) {
  init_gdal();
  CPLErrorReset();
  OgrGeometry owned(OGR_G_CreateGeometryFromJson(geometry_json.c_str()));
  if (!owned) throw GeometryError(fmt::format("not a GeoJSON geometry: {}", last_cpl_error()));
  OGRGeometryH g = owned.get();
  OGR_G_FlattenTo2D(g);
  char* raw = nullptr;
  OGRErr err = OGR_G_ExportToWkt(g, &raw);
  CplString wkt(raw);
  if (err != OGRERR_NONE || !wkt) throw GeometryError("cannot write the geometry as WKT");
  return std::string(wkt.get());
}

std::vector<std::string> vector_driver_names() {
  init_gdal();
  std::vector<std::string> names;
  for (int i = 0; i < GDALGetDriverCount(); ++i) {
    GDALDriverH d = GDALGetDriver(i);
    if (GDALGetMetadataItem(d, GDAL_DCAP_VECTOR, nullptr)) {
      names.emplace_back(GDALGetDriverShortName(d));
    }
  }
  return names;
}

std::optional<unsigned long long> zip_unpacked_bytes(const std::string& path) {
  char magic[4] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in.read(magic, 4) || std::string(magic, 4) != std::string("PK\x03\x04", 4))
    return std::nullopt;
  init_gdal();
  std::string root = "/vsizip/{" + path + "}";
  CplStringList entries(VSIReadDirRecursive(root.c_str()));
  unsigned long long total = 0;
  for (char** e = entries.get(); e && *e; ++e) {
    VSIStatBufL st;
    if (VSIStatL((root + "/" + *e).c_str(), &st) == 0 && !VSI_ISDIR(st.st_mode)) {
      total += static_cast<unsigned long long>(st.st_size);
    }
  }
  return total;
}

}  // namespace terrier::geo
