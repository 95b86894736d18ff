#include "importers/edit_conflicts.hpp"

#include <fmt/core.h>

namespace terrier::importers {

void keep_page_edits(db::StagingStore& store, const db::TableSpec& spec, ImportReport& report,
                     bool prefer_file) {
  if (spec.table != "opportunities" && spec.table != "needs" && spec.table != "places") return;
  for (const auto& c : store.keep_page_edits(spec, prefer_file)) {
    std::string terrier = c.terrier_value.empty() ? "(vide)" : "'" + c.terrier_value + "'";
    std::string reason =
        prefer_file ? fmt::format(
                          "modified in Terrier by {} on {} (was {}): the file's value applied "
                          "(--prefer-file)",
                          c.edited_by, c.edited_at, terrier)
                    : fmt::format(
                          "modified in Terrier by {} on {}: Terrier's value {} kept; "
                          "--prefer-file applies the file's",
                          c.edited_by, c.edited_at, terrier);
    report.issues.push_back({RowIssue::Kind::conflict, c.position, c.field, c.file_value, reason});
    ++report.conflicts;
  }
}

}  // namespace terrier::importers
