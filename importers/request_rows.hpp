#pragma once

// Requests ("sollicitations"): one set of rules for the API's bodies and
// the spreadsheets `terrier import requests` reads (CSV, XLSX, ODS) — the
// French headers people write, the vocabularies of channels and statuses,
// dates as people write them, communes by INSEE code or name, needs and
// places by id or reference.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/roles.hpp"
#include "db/connection.hpp"
#include "db/request_store.hpp"
#include "importers/importer.hpp"

namespace terrier::importers {

// The fields as written (trimmed, blank = absent), by API name:
// received_on, requester, organisation, commune, subject, channel,
// orientation, status, need_id, place_id, contact, notes.
using RequestDraft = std::map<std::string, std::string>;

struct FieldIssue {
  std::string field, value;
  Reason reason;
};

// The API's field names, in the order of a spreadsheet's columns.
const std::vector<std::string>& request_fields();
// The field a spreadsheet header feeds ("Date de la demande" -> received_on,
// "Structure" -> organisation), or nullopt; "external_id" for "Réf.".
std::optional<std::string> request_field_of_header(const std::string& header);

// The row, or the issues that refuse it (each naming its field).
struct ValidatedRequest {
  std::optional<db::RequestRow> row;
  std::vector<FieldIssue> issues;
};
ValidatedRequest validate_request(const RequestDraft& draft, db::RequestStore& store);

// Every request, as a CSV spreadsheets open (UTF-8 with BOM, ';'), with the
// French headers the importer reads and "Réf." "#<id>", so that importing
// the file back updates the same requests. Cells that a spreadsheet would
// run as a formula are neutralised with a leading "'".
void write_requests_csv(pqxx::connection_base& conn, const std::string& path,
                        Role role = Role::admin);
// The same rows as a spreadsheet (driver "XLSX" or "ODS"): one sheet
// "sollicitations", dates as dates and references as numbers, contact and
// notes only for a role that reads them.
void write_requests_sheet(pqxx::connection_base& conn, const std::string& path,
                          const std::string& driver, Role role = Role::admin);

// `terrier import requests FILE`: rows upserted on (source, reference),
// or on their content when they have none; rejected rows reported by line
// and column. Honours dry_run and strict.
ImportReport import_requests(pqxx::connection_base& conn, const ImportOptions& options);

}  // namespace terrier::importers
