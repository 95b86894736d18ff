#pragma once

// One owner type per GDAL, OGR and CPL handle, for geo/'s own sources (the
// public headers keep GDAL's types out). Each is a move-only unique_ptr whose
// deleter is the handle's own free function, so an exception between opening
// and closing cannot leak it. A dataset being written is closed explicitly
// with close_written(), where GDAL flushes and a full disk shows.

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <memory>
#include <string>

namespace terrier::geo {

namespace detail {
// A deleter that stores the handle type itself (GDAL's handles are void*
// typedefs, so unique_ptr<T> with T = pointee does not fit).
template <typename Handle, void (*Free)(Handle)>
struct HandleFree {
  using pointer = Handle;
  void operator()(Handle h) const noexcept {
    if (h) Free(h);
  }
};

inline void close_dataset(GDALDatasetH h) {
  GDALClose(h);
}
inline void destroy_feature(OGRFeatureH h) {
  OGR_F_Destroy(h);
}
inline void destroy_geometry(OGRGeometryH h) {
  OGR_G_DestroyGeometry(h);
}
inline void destroy_srs(OGRSpatialReferenceH h) {
  OSRDestroySpatialReference(h);
}
inline void destroy_transformation(OGRCoordinateTransformationH h) {
  OCTDestroyCoordinateTransformation(h);
}
inline void free_translate_options(GDALVectorTranslateOptions* h) {
  GDALVectorTranslateOptionsFree(h);
}
inline void destroy_string_list(char** h) {
  CSLDestroy(h);
}
inline void free_cpl_string(char* h) {
  CPLFree(h);
}
}  // namespace detail

using GdalDataset = std::unique_ptr<void, detail::HandleFree<GDALDatasetH, detail::close_dataset>>;
using OgrFeature = std::unique_ptr<void, detail::HandleFree<OGRFeatureH, detail::destroy_feature>>;
using OgrGeometry =
    std::unique_ptr<void, detail::HandleFree<OGRGeometryH, detail::destroy_geometry>>;
using OgrSpatialReference =
    std::unique_ptr<void, detail::HandleFree<OGRSpatialReferenceH, detail::destroy_srs>>;
using OgrTransformation = std::unique_ptr<
    void, detail::HandleFree<OGRCoordinateTransformationH, detail::destroy_transformation>>;
using VectorTranslateOptions =
    std::unique_ptr<GDALVectorTranslateOptions, detail::HandleFree<GDALVectorTranslateOptions*,
                                                                   detail::free_translate_options>>;
using CplStringList =
    std::unique_ptr<char*, detail::HandleFree<char**, detail::destroy_string_list>>;
// A string GDAL allocated for the caller (OGR_G_ExportToWkt's), freed with CPLFree.
using CplString = std::unique_ptr<char, detail::HandleFree<char*, detail::free_cpl_string>>;

// CPL's last error message ("unknown GDAL error" when it has none).
std::string last_cpl_error();

// Closes a dataset that was written (GDAL writes what it buffered here) and
// throws Error naming `destination` when that fails.
void close_written(GdalDataset& dataset, const std::string& destination);

}  // namespace terrier::geo
