#include "importers/edit_conflicts.hpp"

namespace terrier::importers {

void keep_page_edits(db::StagingStore& store, const db::TableSpec& spec, ImportReport& report,
                     bool prefer_file) {
  if (spec.table != "opportunities" && spec.table != "needs" && spec.table != "places") return;
  for (const auto& c : store.keep_page_edits(spec, prefer_file)) {
    std::vector<std::string> params = {c.edited_by, c.edited_at};
    if (!c.terrier_value.empty()) params.push_back(c.terrier_value);
    ReasonCode code = prefer_file ? (c.terrier_value.empty() ? ReasonCode::edit_overridden_was_empty
                                                             : ReasonCode::edit_overridden)
                                  : (c.terrier_value.empty() ? ReasonCode::edit_kept_was_empty
                                                             : ReasonCode::edit_kept);
    report.issues.push_back(
        {RowIssue::Kind::conflict, c.position, c.field, c.file_value, {code, std::move(params)}});
    ++report.conflicts;
  }
}

}  // namespace terrier::importers
