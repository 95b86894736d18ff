// The field table's labels, as the importers' suggestions and the page's
// forms (through the API's refusals) name each field. No database.

#include "importers/field_table.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/roles.hpp"
#include "core/vocabulary.hpp"
#include "importers/mapping.hpp"

namespace terrier::importers {
namespace {

TEST(FormLabel, IsTheTablesLabelUnlessTheFormNamesItOtherwise) {
  EXPECT_EQ(form_label(ImportKind::opportunities, "built_surface_m2"), "Surface bâtie (m²)");
  EXPECT_EQ(form_label(ImportKind::opportunities, "tenures"), "Modalités");
  EXPECT_EQ(form_label(ImportKind::needs, "surface_min_m2"), "Surface minimale (m²)");
  EXPECT_EQ(form_label(ImportKind::needs, "territory"), "Zone de recherche");
}

TEST(FormLabel, EveryWayOfGivingALocationIsOnePlaceInTheForm) {
  for (const char* field : {"lon", "lat", "wkt", "geometry"}) {
    EXPECT_EQ(form_label(ImportKind::opportunities, field), "Emplacement") << field;
  }
}

TEST(FormLabel, ANeedsStatusIsNamedAsSuch) {
  EXPECT_EQ(form_label(ImportKind::needs, "status"), "Statut du besoin");
  EXPECT_EQ(form_label(ImportKind::opportunities, "status"), "Statut");
}

TEST(FormLabel, AFieldOfAnotherKindOrOfNoneKeepsAName) {
  EXPECT_EQ(form_label(ImportKind::needs, "title"), "Intitulé");
  EXPECT_EQ(form_label(ImportKind::opportunities, "colour"), "colour");
}

// Every field a write may refuse has a French label in the form.
// The sheets write each field under its label (api/export_sheets): the
// label must read back as that field, and as nothing else.
TEST(SheetHeader, EveryLabelReadsBackAsItsFieldAlone) {
  for (ImportKind kind : {ImportKind::opportunities, ImportKind::places, ImportKind::needs,
                          ImportKind::requests, ImportKind::territories, ImportKind::circles}) {
    for (const auto& f : table_for(kind)) {
      Mapping mapping = Mapping::load(kind, std::nullopt);
      mapping.bind({f.label}, "export.csv");
      ASSERT_EQ(mapping.reading().size(), 1u);
      EXPECT_EQ(mapping.reading()[0].field, std::optional<std::string>(f.field))
          << kind_name(kind) << ": " << f.label;
    }
  }
  EXPECT_EQ(sheet_header(ImportKind::opportunities, "land_surface_m2"), "Surface du terrain (m²)");
  EXPECT_EQ(sheet_header(ImportKind::needs, "notes"), "Remarques");
  EXPECT_THROW(sheet_header(ImportKind::places, "price_eur"), std::logic_error);
}

TEST(FormLabel, EveryOpportunityAndNeedFieldHasAFrenchLabel) {
  for (ImportKind kind : {ImportKind::opportunities, ImportKind::needs}) {
    for (const auto& f : table_for(kind)) {
      EXPECT_NE(form_label(kind, f.field), f.field) << f.field;
    }
  }
}

// The catalogue names only lists /api/map-config sends.
TEST(PageFields, NameKnownVocabulariesAndUniqueFields) {
  for (const char* entity : page_entities()) {
    std::set<std::string> seen;
    for (const auto& f : page_fields(entity)) {
      EXPECT_TRUE(seen.insert(f.field).second) << entity << "." << f.field << " twice";
      EXPECT_FALSE(std::string(f.label).empty()) << entity << "." << f.field;
      bool choice = f.control == Control::choice || f.control == Control::choices;
      bool known = !*f.vocabulary;
      for (const auto& d : vocabulary::kDomains) known |= d.list_name == f.vocabulary;
      for (const auto& l : vocabulary::kReadLists) known |= l.list_name == f.vocabulary;
      EXPECT_TRUE(known) << entity << "." << f.field << ": no list " << f.vocabulary;
      if (choice) {
        EXPECT_TRUE(*f.vocabulary) << entity << "." << f.field << " offers no list";
      }
    }
  }
}

// --- the page writes none of the catalogue's words --------------------------
// The page builds its forms, panels, lists, legend and import report from
// /api/map-config (the catalogue above and core/vocabulary.hpp). A French
// field label or a vocabulary value written in its JavaScript is a second
// copy that drifts: this test reads every string literal of web-map/public
// and fails on one.

// The string literals of a JavaScript source: quoted strings, and the text
// parts of template literals; comments and regular expressions skipped.
std::vector<std::string> string_literals(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  const std::size_t n = s.size();
  char prev = '\n';  // the last significant character: tells a regex from a division
  auto skip_template_expression = [&](std::size_t j) {
    int depth = 1;
    for (j += 2; j < n && depth; ++j) {
      if (s[j] == '{') ++depth;
      if (s[j] == '}') --depth;
    }
    return j;
  };
  while (i < n) {
    char c = s[i];
    if (s.compare(i, 2, "//") == 0) {
      i = s.find('\n', i);
      if (i == std::string::npos) break;
      continue;
    }
    if (s.compare(i, 2, "/*") == 0) {
      i = s.find("*/", i);
      if (i == std::string::npos) break;
      i += 2;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      std::string text;
      std::size_t j = i + 1;
      while (j < n && s[j] != c) {
        if (s[j] == '\\' && j + 1 < n) {
          text += s[j + 1];
          j += 2;
        } else if (c == '`' && s.compare(j, 2, "${") == 0) {
          out.push_back(text);
          text.clear();
          j = skip_template_expression(j);
        } else {
          text += s[j++];
        }
      }
      out.push_back(text);
      i = j + 1;
      prev = 'x';
      continue;
    }
    if (c == '/' && std::string("(,=:[!&|?{};\n").find(prev) != std::string::npos) {
      bool in_class = false;
      std::size_t j = i + 1;
      for (; j < n; ++j) {
        if (s[j] == '\\') {
          ++j;
        } else if (s[j] == '[') {
          in_class = true;
        } else if (s[j] == ']') {
          in_class = false;
        } else if (s[j] == '/' && !in_class) {
          break;
        }
      }
      i = j + 1;
      prev = 'x';
      continue;
    }
    if (!std::isspace(static_cast<unsigned char>(c))) prev = c;
    ++i;
  }
  return out;
}

std::string trimmed(std::string t) {
  auto strip = [](char ch) { return std::isspace(static_cast<unsigned char>(ch)) || ch == ':'; };
  while (!t.empty() && strip(t.back())) t.pop_back();
  std::size_t b = 0;
  while (b < t.size() && strip(t[b])) ++b;
  return t.substr(b);
}

TEST(StringLiterals, AreReadWithoutCommentsOrRegularExpressions) {
  auto l = string_literals(
      "// \"not this\"\nconst a = \"one\", b = 'two';\n/* \"nor this\" */\n"
      "const r = /[\";]/.test(x) ? `three ${f(\"four\", { a: 1 })} five` : x / 2 / 3;");
  EXPECT_EQ(l, (std::vector<std::string>{"one", "two", "three ", " five"}));
}

// Every label of the catalogue, with and without its unit.
std::set<std::string> catalogue_labels() {
  std::set<std::string> labels;
  for (const char* entity : page_entities()) {
    for (const auto& f : page_fields(entity)) {
      labels.insert(f.label);
      labels.insert(labelled(f));
    }
  }
  return labels;
}

// The texts index.html writes in the labels, legends and column headings of
// its dialogs' forms and of the requests' list (up to the first tag: a
// <span data-field-label> the page fills is no text of its own).
std::vector<std::string> form_texts(const std::string& html) {
  std::vector<std::pair<std::size_t, std::size_t>> regions;
  for (auto at = html.find("<dialog"); at != std::string::npos; at = html.find("<dialog", at + 1))
    regions.emplace_back(at, html.find("</dialog>", at));
  if (auto view = html.find("id=\"requests-view\""); view != std::string::npos)
    regions.emplace_back(view, html.find("</section>", view));
  static const std::regex tag(R"(<(label|legend|th)\b[^>]*>([^<]*))");
  std::vector<std::string> out;
  for (auto [begin, end] : regions) {
    std::string part = html.substr(begin, end == std::string::npos ? end : end - begin);
    for (std::sregex_iterator m(part.begin(), part.end(), tag), last; m != last; ++m) {
      auto t = trimmed((*m)[2].str());
      if (!t.empty()) out.push_back(t);
    }
  }
  return out;
}

TEST(FormTexts, AreTheLabelsLegendsAndHeadingsOfDialogsAndTheRequestsList) {
  auto t = form_texts(
      "<label>Carte <input></label><dialog><form><label>Objet <input></label>"
      "<legend>Confidentiel</legend><label><span data-field-label=\"request.status\"></span>"
      "<select></select></label><th>Reçue le</th></form></dialog>"
      "<section id=\"requests-view\"><th>Canal</th></section><th>Hors</th>");
  EXPECT_EQ(t, (std::vector<std::string>{"Objet", "Confidentiel", "Reçue le", "Canal"}));
}

TEST(PageHtml, WritesNoFieldLabelInItsFormsOrTheRequestsList) {
  const auto labels = catalogue_labels();
  std::ifstream in(std::filesystem::path(TERRIER_SOURCE_DIR) / "web-map" / "public" / "index.html");
  std::stringstream html;
  html << in.rdbuf();
  auto texts = form_texts(html.str());
  EXPECT_GT(texts.size(), 5u) << "index.html's dialogs were not found";
  for (const auto& t : texts) {
    EXPECT_FALSE(labels.count(t))
        << "index.html writes the label \"" << t
        << "\": build the form from the catalogue (forms-fields.js) or name the field with "
           "data-field-label";
  }
}

TEST(PageJavaScript, WritesNoFieldLabelNoVocabularyValueAndNoRoleName) {
  const auto labels = catalogue_labels();
  // The vocabularies people read (territory levels and location precisions
  // are identifiers the page sends back, their labels come from the server).
  std::set<std::string> values;
  for (vocabulary::Values list :
       {vocabulary::Values(vocabulary::kOpportunityKinds), vocabulary::Values(vocabulary::kTenures),
        vocabulary::Values(vocabulary::kOwnerKinds),
        vocabulary::Values(vocabulary::kOpportunityStatuses),
        vocabulary::Values(vocabulary::kVisibilities),
        vocabulary::Values(vocabulary::kNeedStatuses),
        vocabulary::Values(vocabulary::kMatchStatuses), vocabulary::Values(vocabulary::kPlaceKinds),
        vocabulary::Values(vocabulary::kRequestChannels),
        vocabulary::Values(vocabulary::kRequestStatuses),
        vocabulary::Values(vocabulary::kAccountStatuses)}) {
    for (auto v : list) values.emplace(v);
  }
  // Words that are also the page's own identifiers, not the vocabulary's:
  // "location" names the panel of a spot on the map (data-kind), "close" a
  // dialog's DOM event.
  for (const char* identifier : {"location", "close"}) values.erase(identifier);
  // Who may do what comes from GET /api/session's `may`, and the role's
  // name as people read it from the session too: neither a role's name nor
  // its label is in the page's logic.
  std::set<std::string> roles;
  for (Role r : {Role::anonymous, Role::member, Role::foundation, Role::animator, Role::admin}) {
    roles.emplace(role_name(r));
    roles.emplace(role_label(r));
  }

  const auto root = std::filesystem::path(TERRIER_SOURCE_DIR) / "web-map" / "public";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (entry.path().extension() != ".js") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    for (const auto& literal : string_literals(text.str())) {
      auto t = trimmed(literal);
      EXPECT_FALSE(labels.count(t)) << entry.path().filename().string() << " writes the label \""
                                    << t << "\": read it from the catalogue (catalogue.js)";
      EXPECT_FALSE(values.count(t)) << entry.path().filename().string() << " writes the value \""
                                    << t << "\": read it from /api/map-config (catalogue.js)";
      EXPECT_FALSE(roles.count(t))
          << entry.path().filename().string() << " writes the role \"" << t
          << "\": ask GET /api/session's `may`, or show the session's role_label";
    }
  }
  EXPECT_GT(files, 20) << "the page's scripts were not found under " << root;
}

}  // namespace
}  // namespace terrier::importers
