#pragma once

// Row builders: one input row -> the staged values of one model row, given
// by column name and put in the order of the kind's TableSpec
// (db::ordered_values), which the staging COPY and the merge also read.

#include <map>
#include <optional>
#include <string>

#include "db/table_spec.hpp"
#include "importers/location.hpp"
#include "importers/row_fields.hpp"
#include "importers/territory_lookup.hpp"

namespace terrier::importers {

struct RowContext {
  const LocationResolver& locations;
  const std::map<std::string, long long>& territory_ids;  // by slug
  const std::map<std::string, long long>& place_ids;      // by external id
  // Territories by slug, code or name; without it, by slug only.
  const TerritoryLookup* territories = nullptr;
};

// Each returns nullopt when the row is rejected (the reasons are in `row`).
std::optional<db::StagedRow> build_opportunity(RowFields& row, const RowContext& ctx);
std::optional<db::StagedRow> build_place(RowFields& row, const RowContext& ctx);
std::optional<db::StagedRow> build_need(RowFields& row, const RowContext& ctx);

}  // namespace terrier::importers
