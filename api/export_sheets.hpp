#pragma once

// Spreadsheet rows (XLSX, ODS exports): a feature as the importer reads it
// back. Each field under its label in the field catalogue
// (importers::sheet_header), which the importer reads back as that field;
// values as people write them ("BCUS, location", not a JSON array; numbers
// as numbers, dates as dates), the reference ("Référence") and the source
// ("Source Terrier") on every row, so
// that re-importing an unchanged export with its source changes nothing.

#include <string>

#include "db/feature_store.hpp"

namespace terrier::api {

// The header written for a row's source. With "Référence" it is the row's
// identity: the importer reads both per row (importers/mapping), whatever
// the import's own source.
inline constexpr const char* kSourceHeader = "Source Terrier";
// The header of the row's link to the page (/?opportunity=ID); the importer
// ignores it.
inline constexpr const char* kLinkHeader = "Lien Terrier";

// Where the rows' links point: the page's address as its users reach it
// ("https://terrier.example.org"); empty, no link is written.
struct SheetLinks {
  std::string base;
};

// A feature of `collection` (the JSON the feature store writes) as a GeoJSON
// feature without geometry whose properties are the sheet's columns, always
// the same ones in the same order for a collection and a role.
std::string sheet_row(db::Collection collection, const std::string& feature_json,
                      const SheetLinks& links = {});

}  // namespace terrier::api
