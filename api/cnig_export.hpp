#pragma once

// The CNIG Friches export (`terrier export --format cnig`, `format=cnig` on
// the territory export): the opportunities a role may read as a CSV that
// validates against the standard's Table Schema v1.0.6 — every column in
// order, required values present, vocabularies and patterns respected.
// Rows imported from a CNIG file give back their site_id and CNIG values;
// other opportunities get site_type "autre" and their status as a
// site_statut.

#include <pqxx/pqxx>
#include <string>

#include "core/roles.hpp"

namespace terrier::api {

// Writes the CSV to `path` (UTF-8, ',' separator, RFC 4180 quoting).
// Throws Error naming `path` when it cannot be written.
void write_cnig_export(pqxx::connection_base& conn, Role role, const std::string& territory,
                       const std::string& path);

}  // namespace terrier::api
