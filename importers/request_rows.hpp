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
#include "importers/record_source.hpp"

namespace terrier::importers {

// The fields as written (trimmed, blank = absent), by API name:
// received_on, requester, organisation, commune, subject, channel,
// orientation, status, need_id, place_id, contact, notes.
using RequestDraft = std::map<std::string, std::string>;

struct FieldIssue {
  std::string field, value;
  Reason reason;
};

// The API's field names, in the order of a spreadsheet's columns (the
// field catalogue's requests, without the reference).
const std::vector<std::string>& request_fields();

// The row, or the issues that refuse it (each naming its field).
struct ValidatedRequest {
  std::optional<db::RequestRow> row;
  std::vector<FieldIssue> issues;
};
ValidatedRequest validate_request(const RequestDraft& draft, db::RequestStore& store);

// The requests `filter` selects (all by default), as a CSV spreadsheets open
// (UTF-8 with BOM, ';', cells by core/csv), with the French headers the
// importer reads and "Réf." "#<id>", so that importing the file back updates
// the same requests. Contact and notes only for a role that reads them.
void write_requests_csv(pqxx::connection_base& conn, const std::string& path,
                        Role role = Role::admin, const db::RequestFilter& filter = {});
// The same rows as a spreadsheet (driver "XLSX" or "ODS"): one sheet
// "sollicitations", dates as dates and references as numbers.
void write_requests_sheet(pqxx::connection_base& conn, const std::string& path,
                          const std::string& driver, Role role = Role::admin,
                          const db::RequestFilter& filter = {});

// The rows of a requests import (run_import's kind requests), once the
// header is bound and reported: each row read by the same RowFields and
// vocabularies as the other kinds, upserted on (source, reference), on
// Terrier's own "#<id>", or on its content when it has none; rejected rows
// reported by line and column. Honours dry_run and strict (nothing written
// then, the store's transaction rolled back).
void import_request_rows(pqxx::connection_base& conn, RecordSource& source, const Mapping& mapping,
                         const ImportOptions& options, ImportReport& report);

}  // namespace terrier::importers
