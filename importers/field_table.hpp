#pragma once

// Terrier's field catalogue, in one file (field_table.cpp): for each field
// of each kind, the headers people write for it (the importers' synonyms),
// the column name suggestions give, and how the page shows it — its French
// label, unit, control, vocabulary and place in forms and panels. The
// mapping reads it, the API names fields from it in its refusals, and
// /api/map-config sends it to the page, which writes no label of its own.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "importers/mapping.hpp"

namespace terrier::importers {

struct FieldAliases {
  const char* field;
  const char* label;                 // how the field is named to people, in suggestions
  std::vector<const char*> aliases;  // normalised by normalize_header() when loaded
};

// The fields of `kind` (location fields last), in a fixed order. Each
// field's label is also one of its headers: a column named by the label
// reads as that field.
std::vector<FieldAliases> table_for(ImportKind kind);

// The header a sheet (api/export_sheets) writes `field` of `kind` under:
// its label in the kind's table, which the importer reads back as that
// field. Throws std::logic_error for a field the table does not have
// (opportunities, places, needs and requests only).
const std::string& sheet_header(ImportKind kind, std::string_view field);

// How the page enters a field in its forms (none: shown, never entered
// there).
// reference: a row's number (a need's, a place's), a whole number from 1.
enum class Control { none, text, textarea, number, date, choice, choices, commune, reference };
const char* control_name(Control control);

// A field as the page shows it, in the order it shows them.
struct PageField {
  const char* field;
  const char* label;                // for people, without the unit: "Surface bâtie"
  const char* unit = "";            // "m²", "€", "m", "km", "%"
  Control control = Control::none;  // in the forms
  const char* vocabulary = "";      // the key of /api/map-config's vocabularies
  bool required = false;            // a form refuses to save without it
  bool panel = true;                // shown in the side panel and lists
  std::size_t maxlength = 0;        // characters at most (0: no limit of its own)
  const char* placeholder = "";     // what the empty control suggests to write
};

// The entities the page shows: "opportunity", "need", "place", "request",
// "match", "account", "token", "search".
const std::vector<const char*>& page_entities();
// The fields of one of them (empty for an unknown one).
const std::vector<PageField>& page_fields(std::string_view entity);
// "Surface bâtie (m²)": the label with its unit, as forms show it.
std::string labelled(const PageField& f);

// The French label of a field as the page's forms show it ("Surface bâtie
// (m²)"): the table's label, or the form's shorter one; the field itself
// when no table has it.
std::string form_label(ImportKind kind, const std::string& field);

}  // namespace terrier::importers
