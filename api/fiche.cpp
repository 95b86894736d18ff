#include "api/fiche.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/core.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <memory>

#include "api/fiche_tiles.hpp"
#include "core/error.hpp"

namespace terrier::api {
namespace {

// One RAII type per cairo and pango handle.
struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
struct FontDeleter {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Cairo = std::unique_ptr<cairo_t, CairoDeleter>;
using Layout = std::unique_ptr<PangoLayout, LayoutDeleter>;
using Font = std::unique_ptr<PangoFontDescription, FontDeleter>;

// A4 portrait in PostScript points, and the page's margins.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 40;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;

constexpr double kEarthRadius = 6378137;  // Web Mercator's sphere
constexpr double kWorld = 2 * M_PI * kEarthRadius;

struct Colour {
  double r, g, b;
};
constexpr Colour kInk{0.13, 0.13, 0.15};
constexpr Colour kMuted{0.38, 0.38, 0.42};
constexpr Colour kAccent{0.33, 0.18, 0.50};  // the network's purple
constexpr Colour kPoint{0.80, 0.16, 0.16};

struct Style {
  double size = 9;
  bool bold = false;
  Colour colour = kInk;
  int max_lines = 0;  // 0: as many as the text needs
  PangoAlignment align = PANGO_ALIGN_LEFT;
};

void set_colour(cairo_t* cr, Colour c, double alpha = 1) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

Layout text_layout(cairo_t* cr, const std::string& text, double width, const Style& style) {
  Layout layout(pango_cairo_create_layout(cr));
  Font font(pango_font_description_from_string("DejaVu Sans"));
  pango_font_description_set_absolute_size(font.get(), style.size * PANGO_SCALE);
  pango_font_description_set_weight(font.get(),
                                    style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout.get(), font.get());
  pango_layout_set_width(layout.get(), width > 0 ? static_cast<int>(width * PANGO_SCALE) : -1);
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(layout.get(), style.align);
  if (style.max_lines > 0) {
    pango_layout_set_height(layout.get(), -style.max_lines);
    pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
  }
  pango_layout_set_text(layout.get(), text.c_str(), static_cast<int>(text.size()));
  return layout;
}

double height_of(PangoLayout* layout) {
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

double width_of(cairo_t* cr, const std::string& text, const Style& style) {
  int w = 0, h = 0;
  pango_layout_get_size(text_layout(cr, text, 0, style).get(), &w, &h);
  return static_cast<double>(w) / PANGO_SCALE;
}

double measure(cairo_t* cr, const std::string& text, double width, const Style& style) {
  return height_of(text_layout(cr, text, width, style).get());
}

// Draws the text with its top-left at (x, y); its height.
double draw_text(cairo_t* cr, const std::string& text, double x, double y, double width,
                 const Style& style) {
  Layout layout = text_layout(cr, text, width, style);
  set_colour(cr, style.colour);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout.get());
  return height_of(layout.get());
}

// --- the map extract ------------------------------------------------------

struct Box {
  double x, y, w, h;
};

// The visible window of Web Mercator and its scale (points per metre).
struct View {
  Box box;
  double cx, cy, scale;
  double page_x(double mx) const { return box.x + box.w / 2 + (mx - cx) * scale; }
  double page_y(double my) const { return box.y + box.h / 2 - (my - cy) * scale; }
};

View fit(const db::FicheMap& map, Box box) {
  double xmin = map.point.x, xmax = map.point.x, ymin = map.point.y, ymax = map.point.y;
  for (const auto& ring : map.rings) {
    for (const auto& p : ring) {
      xmin = std::min(xmin, p.x);
      xmax = std::max(xmax, p.x);
      ymin = std::min(ymin, p.y);
      ymax = std::max(ymax, p.y);
    }
  }
  // Without an outline, about three kilometres around the point.
  const double least = map.rings.empty() ? 3000 : 800;
  double dx = std::max(xmax - xmin, least) * 1.12, dy = std::max(ymax - ymin, least) * 1.12;
  View v{box, (xmin + xmax) / 2, (ymin + ymax) / 2, std::min(box.w / dx, box.h / dy)};
  return v;
}

struct PngSource {
  const std::string& bytes;
  std::size_t at = 0;
};

cairo_status_t read_png(void* closure, unsigned char* data, unsigned int length) {
  auto* src = static_cast<PngSource*>(closure);
  if (src->at + length > src->bytes.size()) return CAIRO_STATUS_READ_ERROR;
  std::copy_n(src->bytes.data() + src->at, length, data);
  src->at += length;
  return CAIRO_STATUS_SUCCESS;
}

// The tiles covering the view at a zoom where one tile is 128 to 256 points
// wide; whether any was drawn.
bool draw_tiles(cairo_t* cr, const View& v, const FicheTiles& tiles) {
  if (tiles.url_template.empty()) return false;
  int z = static_cast<int>(std::floor(std::log2(kWorld * v.scale / 128)));
  z = std::clamp(z, 0, 19);
  const double size = kWorld / std::exp2(z);  // one tile, in metres
  const double half_w = v.box.w / 2 / v.scale, half_h = v.box.h / 2 / v.scale;
  const int last = (1 << z) - 1;
  const int col0 =
      std::clamp(static_cast<int>(std::floor((v.cx - half_w + kWorld / 2) / size)), 0, last);
  const int col1 =
      std::clamp(static_cast<int>(std::floor((v.cx + half_w + kWorld / 2) / size)), 0, last);
  const int row0 =
      std::clamp(static_cast<int>(std::floor((kWorld / 2 - v.cy - half_h) / size)), 0, last);
  const int row1 =
      std::clamp(static_cast<int>(std::floor((kWorld / 2 - v.cy + half_h) / size)), 0, last);
  if ((col1 - col0 + 1) * (row1 - row0 + 1) > 48) return false;  // never a wall of tiles
  TileFetcher fetcher(tiles.url_template, std::chrono::milliseconds(tiles.budget_ms));
  bool any = false;
  for (int row = row0; row <= row1; ++row) {
    for (int col = col0; col <= col1; ++col) {
      auto bytes = fetcher.get(z, col, row);
      if (!bytes) return any;
      PngSource src{*bytes};
      Surface image(cairo_image_surface_create_from_png_stream(read_png, &src));
      if (cairo_surface_status(image.get()) != CAIRO_STATUS_SUCCESS) continue;
      const int width = cairo_image_surface_get_width(image.get());
      if (width <= 0) continue;
      const double x = v.page_x(-kWorld / 2 + col * size);
      const double y = v.page_y(kWorld / 2 - row * size);
      const double k = size * v.scale / width;
      cairo_save(cr);
      cairo_translate(cr, x, y);
      cairo_scale(cr, k, k);
      cairo_set_source_surface(cr, image.get(), 0, 0);
      cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
      cairo_paint(cr);
      cairo_restore(cr);
      any = true;
    }
  }
  return any;
}

void draw_outline(cairo_t* cr, const View& v, const db::FicheMap& map) {
  if (map.rings.empty()) return;
  cairo_new_path(cr);
  for (const auto& ring : map.rings) {
    for (std::size_t i = 0; i < ring.size(); ++i) {
      double x = v.page_x(ring[i].x), y = v.page_y(ring[i].y);
      if (i == 0)
        cairo_move_to(cr, x, y);
      else
        cairo_line_to(cr, x, y);
    }
    cairo_close_path(cr);
  }
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  set_colour(cr, kAccent, 0.08);
  cairo_fill_preserve(cr);
  set_colour(cr, kAccent, 0.9);
  cairo_set_line_width(cr, 1.4);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke(cr);
}

void draw_point(cairo_t* cr, const View& v, const db::MercatorPoint& p) {
  cairo_new_path(cr);
  cairo_arc(cr, v.page_x(p.x), v.page_y(p.y), 5.5, 0, 2 * M_PI);
  set_colour(cr, kPoint);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_set_line_width(cr, 1.6);
  cairo_stroke(cr);
}

void backing(cairo_t* cr, double x, double y, double w, double h) {
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
  cairo_fill(cr);
}

// A bar of a round length near a fifth of the map, in metres on the ground
// (Web Mercator stretches lengths by 1 / cos(latitude)).
void draw_scale_bar(cairo_t* cr, const View& v) {
  const double latitude = std::atan(std::sinh(v.cy / kEarthRadius));
  const double ground_per_point = std::cos(latitude) / v.scale;
  const double target = v.box.w / 5 * ground_per_point;
  const double magnitude = std::pow(10, std::floor(std::log10(target)));
  double length = magnitude;
  for (double step : {2.0, 5.0}) {
    if (magnitude * step <= target) length = magnitude * step;
  }
  const double bar = length / ground_per_point;
  const std::string label =
      length >= 1000 ? fmt::format("{:g} km", length / 1000) : fmt::format("{:g} m", length);
  const double x = v.box.x + 10, y = v.box.y + v.box.h - 12;
  backing(cr, x - 5, y - 14, bar + 10, 21);
  for (int half = 0; half < 2; ++half) {
    cairo_rectangle(cr, x + half * bar / 2, y, bar / 2, 4);
    if (half == 0)
      set_colour(cr, kInk);
    else
      cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    set_colour(cr, kInk);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
  }
  draw_text(cr, label, x, y - 12, bar, {.size = 7, .align = PANGO_ALIGN_CENTER});
}

void draw_north_arrow(cairo_t* cr, const Box& box) {
  const double x = box.x + box.w - 18, y = box.y + 10;
  backing(cr, x - 10, y - 4, 20, 34);
  cairo_move_to(cr, x, y);
  cairo_line_to(cr, x + 6, y + 16);
  cairo_line_to(cr, x, y + 12);
  cairo_line_to(cr, x - 6, y + 16);
  cairo_close_path(cr);
  set_colour(cr, kInk);
  cairo_fill(cr);
  draw_text(cr, "N", x - 10, y + 17, 20, {.size = 8, .bold = true, .align = PANGO_ALIGN_CENTER});
}

void draw_map(cairo_t* cr, const db::FicheMap& map, const Box& box, const FicheTiles& tiles) {
  View v = fit(map, box);
  cairo_save(cr);
  cairo_rectangle(cr, box.x, box.y, box.w, box.h);
  cairo_clip(cr);
  cairo_set_source_rgb(cr, 0.965, 0.957, 0.937);  // a plain light ground without tiles
  cairo_paint(cr);
  const bool tiled = draw_tiles(cr, v, tiles);
  draw_outline(cr, v, map);
  draw_point(cr, v, map.point);
  draw_scale_bar(cr, v);
  draw_north_arrow(cr, box);
  if (!map.commune.empty()) {
    const Style label{.size = 8, .bold = true, .colour = kAccent, .max_lines = 1};
    const double w = std::min(width_of(cr, map.commune, label) + 8, box.w / 2);
    backing(cr, box.x, box.y, w, 16);
    draw_text(cr, map.commune, box.x + 4, box.y + 3, w - 8, label);
  }
  if (tiled && !tiles.credit.empty()) {
    const double w = 170;
    backing(cr, box.x + box.w - w, box.y + box.h - 11, w, 11);
    draw_text(cr, tiles.credit, box.x + box.w - w, box.y + box.h - 10, w - 3,
              {.size = 6, .colour = kMuted, .max_lines = 1, .align = PANGO_ALIGN_RIGHT});
  }
  cairo_restore(cr);
  cairo_rectangle(cr, box.x, box.y, box.w, box.h);
  set_colour(cr, kMuted);
  cairo_set_line_width(cr, 0.6);
  cairo_stroke(cr);
}

// --- the facts ------------------------------------------------------------

constexpr Style kHeading{.size = 10.5, .bold = true, .colour = kAccent, .max_lines = 1};
constexpr Style kLabel{.size = 7.5, .colour = kMuted, .max_lines = 2};
constexpr Style kValue{.size = 8.5, .max_lines = 3};
constexpr Style kBullet{.size = 8, .max_lines = 2};

// Draws a block in the column from y down to `bottom` at most; where it
// ends. Rows that do not fit are left out and "…" says so.
double draw_block(cairo_t* cr, const FicheBlock& block, double x, double y, double width,
                  double bottom) {
  const double label_width = std::min(110.0, width * 0.38);
  if (!block.heading.empty()) {
    y += draw_text(cr, block.heading, x, y, width, kHeading);
    cairo_move_to(cr, x, y + 1.5);
    cairo_line_to(cr, x + width, y + 1.5);
    set_colour(cr, kAccent, 0.5);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    y += 5;
  }
  auto out_of_room = [&](double h) {
    if (y + h <= bottom) return false;
    draw_text(cr, "…", x, y, width, kValue);
    return true;
  };
  for (const auto& row : block.rows) {
    const double value_width = width - label_width - 6;
    double h = std::max(measure(cr, row.label, label_width, kLabel),
                        measure(cr, row.value, value_width, kValue));
    if (out_of_room(h)) return bottom;
    draw_text(cr, row.label, x, y + 0.8, label_width, kLabel);
    draw_text(cr, row.value, x + label_width + 6, y, value_width, kValue);
    y += h + 2.5;
  }
  for (const auto& line : block.bullets) {
    const double h = measure(cr, line, width - 10, kBullet);
    if (out_of_room(h)) return bottom;
    draw_text(cr, "•", x, y, 10, kBullet);
    draw_text(cr, line, x + 10, y, width - 10, kBullet);
    y += h + 2;
  }
  return y + 8;
}

struct PdfSink {
  std::string bytes;
};

cairo_status_t write_pdf(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<PdfSink*>(closure)->bytes.append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void check(cairo_status_t status) {
  if (status != CAIRO_STATUS_SUCCESS) {
    throw Error(fmt::format("fiche: cairo failed: {}", cairo_status_to_string(status)));
  }
}

}  // namespace

std::string render_fiche(const FicheDocument& doc, const FicheTiles& tiles) {
  PdfSink sink;
  Surface surface(cairo_pdf_surface_create_for_stream(write_pdf, &sink, kPageWidth, kPageHeight));
  check(cairo_surface_status(surface.get()));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Terrier");
  Cairo cr(cairo_create(surface.get()));
  cairo_t* c = cr.get();

  // The header: the network's name and the date of printing.
  const std::string network = "Terrier — réseau des tiers-lieux des Hauts-de-France";
  double y = kMargin - 8;
  draw_text(c, network, kMargin, y, kContentWidth * 0.6,
            {.size = 7.5, .colour = kMuted, .max_lines = 1});
  draw_text(c, doc.printed_on, kMargin + kContentWidth * 0.4, y, kContentWidth * 0.6,
            {.size = 7.5, .colour = kMuted, .max_lines = 1, .align = PANGO_ALIGN_RIGHT});
  y += 16;
  y += draw_text(c, doc.title, kMargin, y, kContentWidth,
                 {.size = 17, .bold = true, .max_lines = 2});
  y += 2;
  y += draw_text(c, doc.subtitle, kMargin, y, kContentWidth,
                 {.size = 9.5, .colour = kMuted, .max_lines = 2});
  y += 8;

  if (doc.map) {
    draw_map(c, *doc.map, {kMargin, y, kContentWidth, doc.map_height}, tiles);
    y += doc.map_height + 12;
  }

  // The footer first: the facts stop above it.
  std::string footer = network + " · " + doc.printed_on;
  for (const auto& credit : doc.credits) footer += " · " + credit;
  const Style footer_style{.size = 6.5, .colour = kMuted, .max_lines = 4};
  const double footer_height = measure(c, footer, kContentWidth, footer_style);
  const double bottom = kPageHeight - kMargin + 10 - footer_height - 8;
  draw_text(c, footer, kMargin, bottom + 8, kContentWidth, footer_style);
  cairo_move_to(c, kMargin, bottom + 4);
  cairo_line_to(c, kMargin + kContentWidth, bottom + 4);
  set_colour(c, kMuted, 0.5);
  cairo_set_line_width(c, 0.5);
  cairo_stroke(c);

  if (!doc.columns.empty()) {
    const double gap = 16;
    const auto n = static_cast<double>(doc.columns.size());
    const double width = (kContentWidth - gap * (n - 1)) / n;
    double lowest = y;
    for (std::size_t i = 0; i < doc.columns.size(); ++i) {
      lowest = std::max(
          lowest, draw_block(c, doc.columns[i], kMargin + i * (width + gap), y, width, bottom));
    }
    y = lowest;
  }
  for (const auto& block : doc.blocks) {
    if (y >= bottom) break;
    y = draw_block(c, block, kMargin, y, kContentWidth, bottom);
  }

  cairo_show_page(c);
  cr.reset();
  cairo_surface_finish(surface.get());
  check(cairo_surface_status(surface.get()));
  return std::move(sink.bytes);
}

std::string french_date_time(std::time_t t) {
  static const char* const months[] = {"janvier",   "février", "mars",     "avril",
                                       "mai",       "juin",    "juillet",  "août",
                                       "septembre", "octobre", "novembre", "décembre"};
  std::tm tm{};
  localtime_r(&t, &tm);
  return fmt::format("{} {} {} à {} h {:02}", tm.tm_mday == 1 ? "1er" : std::to_string(tm.tm_mday),
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

std::string french_number(double value) {
  std::string digits = fmt::format("{:.2f}", std::abs(value));
  auto dot = digits.find('.');
  std::string whole = digits.substr(0, dot), decimals = digits.substr(dot + 1);
  while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
  std::string out;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += "\u00a0";
    out += whole[i];
  }
  if (!decimals.empty()) out += "," + decimals;
  return value < 0 ? "-" + out : out;
}

}  // namespace terrier::api
