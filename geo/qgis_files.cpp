#include "geo/qgis_files.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <fmt/core.h>
#include <gdal.h>
#include <ogr_api.h>

#include <array>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "geo/gdal.hpp"
#include "geo/gdal_handles.hpp"

namespace terrier::geo {
namespace {

// The table's columns as QGIS creates them (QgsOgrProviderMetadata::saveStyle).
struct StyleColumn {
  const char* name;
  OGRFieldType type;
  int width;
  OGRFieldSubType subtype = OFSTNone;
};
constexpr std::array<StyleColumn, 12> kStyleColumns = {{
    {"f_table_catalog", OFTString, 256},
    {"f_table_schema", OFTString, 256},
    {"f_table_name", OFTString, 256},
    {"f_geometry_column", OFTString, 256},
    {"styleName", OFTString, 30},
    {"styleQML", OFTString, 0},
    {"styleSLD", OFTString, 0},
    {"useAsDefault", OFTInteger, 0, OFSTBoolean},
    {"description", OFTString, 0},
    {"owner", OFTString, 30},
    {"ui", OFTString, 30},
    {"update_time", OFTDateTime, 0},
}};

OGRLayerH styles_table(GDALDatasetH ds, const std::string& path) {
  if (OGRLayerH existing = GDALDatasetGetLayerByName(ds, "layer_styles")) return existing;
  const char* options[] = {"FID=id", nullptr};
  OGRLayerH table =
      GDALDatasetCreateLayer(ds, "layer_styles", nullptr, wkbNone, const_cast<char**>(options));
  if (!table)
    throw Error(fmt::format("{}: cannot create layer_styles: {}", path, last_cpl_error()));
  for (const auto& c : kStyleColumns) {
    OGRFieldDefnH field = OGR_Fld_Create(c.name, c.type);
    OGR_Fld_SetWidth(field, c.width);
    OGR_Fld_SetSubType(field, c.subtype);
    OGRErr err = OGR_L_CreateField(table, field, TRUE);
    OGR_Fld_Destroy(field);
    if (err != OGRERR_NONE) {
      throw Error(
          fmt::format("{}: cannot create layer_styles.{}: {}", path, c.name, last_cpl_error()));
    }
  }
  return table;
}

}  // namespace

void add_layer_styles(const std::string& path, const std::vector<LayerStyle>& styles) {
  init_gdal();
  const char* drivers[] = {"GPKG", nullptr};
  GdalDataset ds(
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr));
  if (!ds) throw Error(fmt::format("{}: cannot open the GeoPackage: {}", path, last_cpl_error()));
  OGRLayerH table = styles_table(ds.get(), path);
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  for (const auto& style : styles) {
    OGRLayerH layer = GDALDatasetGetLayerByName(ds.get(), style.layer.c_str());
    if (!layer) throw Error(fmt::format("{}: no layer '{}' to style", path, style.layer));
    OgrFeature row(OGR_F_Create(OGR_L_GetLayerDefn(table)));
    auto set = [&](const char* column, const std::string& value) {
      OGR_F_SetFieldString(row.get(), OGR_F_GetFieldIndex(row.get(), column), value.c_str());
    };
    set("f_table_catalog", "");
    set("f_table_schema", "");
    set("f_table_name", style.layer);
    set("f_geometry_column", OGR_L_GetGeometryColumn(layer));
    set("styleName", style.name);
    set("styleQML", style.qml);
    if (!style.sld.empty()) set("styleSLD", style.sld);
    OGR_F_SetFieldInteger(row.get(), OGR_F_GetFieldIndex(row.get(), "useAsDefault"), 1);
    set("description", style.description);
    set("owner", "");
    OGR_F_SetFieldDateTime(row.get(), OGR_F_GetFieldIndex(row.get(), "update_time"),
                           utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                           utc.tm_sec, 100);
    if (OGR_L_CreateFeature(table, row.get()) != OGRERR_NONE) {
      throw Error(fmt::format("{}: cannot write the style of '{}': {}", path, style.layer,
                              last_cpl_error()));
    }
  }
  close_written(ds, path);
}

namespace {

// An archive being written; closed explicitly by finish(), where the
// central directory is written and a full disk shows.
class ZipWriter {
 public:
  explicit ZipWriter(const std::string& path) : path_(path) {
    CPLErrorReset();
    handle_ = CPLCreateZip(path.c_str(), nullptr);
    if (!handle_)
      throw Error(fmt::format("{}: cannot create the archive: {}", path, last_cpl_error()));
  }
  ~ZipWriter() {
    if (handle_) CPLCloseZip(handle_);
  }
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  void add(const ZipEntry& entry) {
    std::ifstream in(entry.source, std::ios::binary);
    if (!in) throw Error(fmt::format("{}: cannot read {}", path_, entry.source));
    if (CPLCreateFileInZip(handle_, entry.name.c_str(), nullptr) != CE_None) fail(entry);
    std::array<char, 1 << 16> buffer{};
    CPLErr err = CE_None;
    while (err == CE_None && in) {
      in.read(buffer.data(), buffer.size());
      if (in.gcount() > 0) {
        err = CPLWriteFileInZip(handle_, buffer.data(), static_cast<int>(in.gcount()));
      }
    }
    if (CPLCloseFileInZip(handle_) != CE_None || err != CE_None || in.bad()) fail(entry);
  }

  void finish() {
    void* handle = handle_;
    handle_ = nullptr;
    if (CPLCloseZip(handle) != CE_None) {
      throw Error(fmt::format("{}: cannot finish the archive: {}", path_, last_cpl_error()));
    }
  }

 private:
  [[noreturn]] void fail(const ZipEntry& entry) {
    throw Error(fmt::format("{}: cannot add {}: {}", path_, entry.name, last_cpl_error()));
  }
  std::string path_;
  void* handle_ = nullptr;
};

}  // namespace

void write_zip(const std::string& path, const std::vector<ZipEntry>& entries) {
  init_gdal();
  std::error_code ec;
  std::filesystem::remove(path, ec);  // CPLCreateZip would append to it
  ZipWriter zip(path);
  for (const auto& entry : entries) zip.add(entry);
  zip.finish();
}

}  // namespace terrier::geo
