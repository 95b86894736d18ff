#pragma once

// How the map draws Terrier's vocabularies and layers, in one place: the page
// reads it from /api/map-config (its legend and its layers' expressions), and
// the exports' QGIS styles from here (api/qgis_style), so a value added to
// core/vocabulary.hpp gets its colour here, not in JavaScript.
// Colour-blind-safe palettes (Okabe–Ito, then two darker hues).

#include <array>
#include <string_view>

#include "core/vocabulary.hpp"

namespace terrier::map_style {

// Aligned with vocabulary::kOpportunityKinds.
inline constexpr std::array<std::string_view, vocabulary::kOpportunityKinds.size()> kKindColors = {
    "#0072b2", "#e69f00", "#8c564b", "#cc79a7", "#009e73", "#56b4e9", "#d55e00", "#6a3d9a"};

// Aligned with vocabulary::kTenures.
inline constexpr std::array<std::string_view, vocabulary::kTenures.size()> kTenureColors = {
    "#d55e00", "#0072b2", "#009e73", "#6a3d9a", "#e69f00", "#cc79a7"};

// An opportunity's status: its point's opacity and outline, and how the
// legend says it. Aligned with vocabulary::kOpportunityStatuses.
struct StatusStyle {
  double opacity;
  std::string_view stroke;
  double stroke_width;
  std::string_view legend;
};
inline constexpr std::array<StatusStyle, vocabulary::kOpportunityStatuses.size()> kStatusStyles = {{
    {0.9, "#ffffff", 1, "plein, liseré blanc"},
    {0.9, "#111111", 2.5, "liseré noir épais"},
    {0.35, "#ffffff", 1, "pâle"},
    {0.2, "#7b868e", 1, "très pâle, liseré gris"},
}};

// A need's search area: the fill's opacity by status, aligned with
// vocabulary::kNeedStatuses (an active need stands out).
inline constexpr std::array<double, vocabulary::kNeedStatuses.size()> kNeedFillOpacity = {
    0.12, 0.05, 0.05};

// The network's layers, one colour each, and the grey of a value no palette
// above knows.
inline constexpr std::string_view kCircleColor = "#0b5c7a";
inline constexpr std::string_view kPlaceColor = "#2b7a3e";
inline constexpr std::string_view kNeedColor = "#7b3294";
inline constexpr std::string_view kMatchColor = "#b45c00";
inline constexpr std::string_view kClusterColor = "#37474f";
inline constexpr std::string_view kOtherColor = "#7b868e";

}  // namespace terrier::map_style
