#pragma once

// Spreadsheet rows (XLSX, ODS exports): a feature as the importer reads it
// back. French headers the importer recognises, values as people write them
// ("BCUS, location", not a JSON array; numbers as numbers, dates as dates),
// the reference ("Réf.") and the source ("Source Terrier") on every row, so
// that re-importing an unchanged export with its source changes nothing.

#include <string>

#include "db/feature_store.hpp"

namespace terrier::api {

// The header written for a row's source; the importer ignores the column
// (the source of an import is --source).
inline constexpr const char* kSourceHeader = "Source Terrier";

// A feature of `collection` (the JSON the feature store writes) as a GeoJSON
// feature without geometry whose properties are the sheet's columns, always
// the same ones in the same order for a collection and a role.
std::string sheet_row(db::Collection collection, const std::string& feature_json);

}  // namespace terrier::api
