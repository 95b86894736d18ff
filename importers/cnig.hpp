#pragma once

// The CNIG Friches standard (Table Schema v1.0.6, schema-friches): its
// columns in order, which of them feed Terrier's fields when a file is
// imported, and how its status vocabulary reads in Terrier's. Both the
// importer's profile and the CNIG export use this one description.

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace terrier::importers {

// Every column of the standard, in the schema's order.
const std::vector<std::string>& cnig_schema_columns();

// A header is the standard's when it holds its identifying columns
// (site_id, site_nom and geompoint).
bool is_cnig_header(const std::vector<std::string>& header);

// CNIG column -> the Terrier fields it feeds; the other columns are kept in
// the row's attributes under their CNIG names.
const std::vector<std::pair<std::string, std::vector<std::string>>>& cnig_columns();

// Fields every CNIG row gets (kind "friche").
const std::map<std::string, std::string>& cnig_constants();

// site_statut read as Terrier's status: friche potentielle / sans projet ->
// disponible, avec projet -> en discussion, reconvertie -> retirée; inconnu,
// autre, sans objet -> unknown. The original stays in source_status.
const std::map<std::string, std::map<std::string, std::string>>& cnig_values();

// The other way, for an opportunity that did not come from a CNIG file:
// Terrier's status as a site_statut.
std::string cnig_status_for(const std::string& terrier_status);

// The standard's site_type vocabulary.
const std::vector<std::string>& cnig_site_types();

}  // namespace terrier::importers
