#pragma once

// A funder's fiche: one A4 portrait page in PDF, drawn with cairo and pango
// (no browser): a heading, a map extract to scale (the building's point and
// its commune's outline, on the base map's tiles when they come in time, a
// scale bar, a north arrow), the facts in labelled rows, side by side for a
// match, then full-width blocks (score, follow-up, sources) and a footer with
// the date of printing and the data's credits. What it holds is what the
// handlers put in (api/fiche_handlers.cpp), already cut to the role.

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "db/fiche_store.hpp"

namespace terrier::api {

struct FicheRow {
  std::string label;
  std::string value;
  std::string field = "";  // the entity's field it shows, when it is one
};

struct FicheBlock {
  std::string heading;
  std::vector<FicheRow> rows;        // label and value
  std::vector<std::string> bullets;  // after the rows, one line each
};

struct FicheDocument {
  std::string title;
  std::string subtitle;
  std::optional<db::FicheMap> map;
  double map_height = 200;          // points
  std::vector<FicheBlock> columns;  // beside each other under the map (one or two)
  std::vector<FicheBlock> blocks;   // full width, below
  std::string printed_on;           // "Imprimée le 7 décembre 2026 à 14 h 05"
  std::vector<std::string> credits;
};

struct FicheTiles {
  std::string url_template;  // {z}/{x}/{y} in Web Mercator; empty: no tiles
  std::string credit;        // printed on the map when tiles are drawn
  int budget_ms = 2000;      // for every tile of the fiche together
};

// The PDF's bytes. Throws terrier::Error when cairo fails.
std::string render_fiche(const FicheDocument& doc, const FicheTiles& tiles);

// "7 décembre 2026 à 14 h 05", local time of Paris's zone as the server has it.
std::string french_date_time(std::time_t t);
// "1 250,5" with a no-break space between thousands.
std::string french_number(double value);

}  // namespace terrier::api
