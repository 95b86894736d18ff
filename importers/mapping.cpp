#include "importers/mapping.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"
#include "importers/cnig.hpp"
#include "importers/field_table.hpp"

namespace terrier::importers {

const char* kind_name(ImportKind kind) {
  switch (kind) {
    case ImportKind::territories:
      return "territories";
    case ImportKind::circles:
      return "circles";
    case ImportKind::places:
      return "places";
    case ImportKind::opportunities:
      return "opportunities";
    case ImportKind::needs:
      return "needs";
    case ImportKind::requests:
      return "requests";
  }
  return "";
}

std::optional<ImportKind> parse_kind(std::string_view name) {
  for (auto k : {ImportKind::territories, ImportKind::circles, ImportKind::places,
                 ImportKind::opportunities, ImportKind::needs, ImportKind::requests}) {
    if (name == kind_name(k)) return k;
  }
  return std::nullopt;
}

const std::vector<std::string>& field_names(ImportKind kind) {
  static const auto names = [] {
    std::map<ImportKind, std::vector<std::string>> m;
    for (auto k : {ImportKind::territories, ImportKind::circles, ImportKind::places,
                   ImportKind::opportunities, ImportKind::needs, ImportKind::requests}) {
      for (const auto& f : table_for(k)) m[k].emplace_back(f.field);
    }
    return m;
  }();
  return names.at(kind);
}

namespace {

std::vector<std::string> as_field_list(const nlohmann::json& v, const std::string& file) {
  if (v.is_string()) return {v.get<std::string>()};
  if (v.is_array()) {
    std::vector<std::string> out;
    for (const auto& e : v) {
      if (!e.is_string())
        throw ImportError(fmt::format("{}: les noms de champs doivent être des textes", file));
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  throw ImportError(
      fmt::format("{}: une colonne s'associe à un nom de champ ou à une liste de noms", file));
}

}  // namespace

Mapping Mapping::canonical(ImportKind kind) {
  Mapping m;
  m.kind_ = kind;
  for (const auto& f : field_names(kind)) m.aliases_.emplace(normalize_header(f), f);
  m.canonical_ = true;
  return m;
}

Mapping Mapping::load(ImportKind kind, const std::optional<std::string>& mapping_file) {
  Mapping m;
  m.kind_ = kind;
  for (const auto& f : table_for(kind)) {
    m.aliases_.emplace(normalize_header(f.label), f.field);  // the sheets' header
    for (const char* alias : f.aliases) m.aliases_.emplace(normalize_header(alias), f.field);
  }
  if (!mapping_file) return m;

  const std::string& file = *mapping_file;
  std::ifstream in(file);
  if (!in) throw ImportError(fmt::format("{}: le fichier de correspondance ne s'ouvre pas", file));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ImportError(fmt::format("{}: ce n'est pas du JSON valide : {}", file, e.what()));
  }
  if (!j.is_object())
    throw ImportError(fmt::format("{}: la correspondance doit être un objet JSON", file));
  const auto& known = field_names(kind);
  auto check_field = [&](const std::string& field) {
    if (std::find(known.begin(), known.end(), field) == known.end()) {
      throw ImportError(fmt::format("{}: « {} » n'est pas un champ des imports {}", file, field,
                                    kind_name(kind)));
    }
  };
  try {
    if (j.contains("columns")) {
      for (const auto& [header, target] : j.at("columns").items()) {
        std::string key = normalize_header(header);
        auto& fields = m.overrides_[key];  // the file's word wins over the defaults
        for (const auto& field : as_field_list(target, file)) {
          check_field(field);
          fields.push_back(field);
        }
      }
    }
    if (j.contains("constants")) {
      for (const auto& [field, value] : j.at("constants").items()) {
        check_field(field);
        m.constants_[field] = value.is_string() ? value.get<std::string>() : value.dump();
      }
    }
    if (j.contains("values")) {
      for (const auto& [field, table] : j.at("values").items()) {
        check_field(field);
        for (const auto& [from, to] : table.items()) {
          m.values_[field][text::fold(text::trim(from))] = to.get<std::string>();
        }
      }
    }
    if (j.contains("ignore")) {
      for (const auto& h : j.at("ignore"))
        m.ignored_.insert(normalize_header(h.get<std::string>()));
    }
    if (j.contains("source")) m.source_ = j.at("source").get<std::string>();
    if (j.contains("srs")) m.srs_ = j.at("srs").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw ImportError(fmt::format("{}: {}", file, e.what()));
  }
  return m;
}

std::vector<std::string> Mapping::fields_for(const std::string& key) const {
  if (auto it = overrides_.find(key); it != overrides_.end()) return it->second;
  std::vector<std::string> out;
  if (profile_ == Profile::cnig) {
    for (const auto& [column, fields] : cnig_columns()) {
      if (normalize_header(column) == key) out.assign(fields.begin(), fields.end());
    }
    return out;
  }
  auto [begin, end] = aliases_.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    // Two spellings of one field may normalise alike ("loyer", "loyer mois").
    if (std::find(out.begin(), out.end(), it->second) == out.end()) out.push_back(it->second);
  }
  return out;
}

std::optional<std::string> Mapping::suggestion_for(const std::string& key) const {
  if (canonical_) return std::nullopt;
  std::optional<std::string> best;
  std::size_t best_distance = std::string::npos;
  for (const auto& f : table_for(kind_)) {
    if (bound_.count(f.field)) continue;  // already fed by another column
    for (const char* alias : f.aliases) {
      std::string a = normalize_header(alias);
      if (!is_close_header(key, a)) continue;
      std::size_t d = edit_distance(key, a);
      if (d < best_distance) {
        best_distance = d;
        best = f.label;
      }
    }
  }
  return best;
}

namespace {

// How strongly a header says "this column is the row's identifier", when
// the file has no column the mapping names as the reference: lower is
// stronger; nullopt, not an identifier. "id_bien", "Identifiant du bien",
// "Code du bien" name the thing; "N°" and a bare "id" could be a rank or
// a GIS tool's row number.
std::optional<int> identifier_rank(const std::string& key) {
  if (key == "ref" || key == "reference" || key == "external id" || key == "ref bien" ||
      key == "ref du bien" || key == "reference bien") {
    return 1;
  }
  if (key.rfind("id ", 0) == 0 || key.rfind("identifiant ", 0) == 0 ||
      key.rfind("code bien", 0) == 0 || key.rfind("code site", 0) == 0) {
    return 2;
  }
  if (key == "identifiant") return 3;
  if (key == "numero" || key == "n" || key == "no" || key == "num") return 4;
  if (key == "id") return 5;
  return std::nullopt;
}

}  // namespace

void Mapping::bind(const std::vector<std::string>& header, const std::string& file) {
  bound_.clear();
  unmapped_.clear();
  reading_.clear();
  notes_.clear();
  if (kind_ == ImportKind::opportunities && !canonical_ && is_cnig_header(header)) {
    profile_ = Profile::cnig;
    for (const auto& [field, value] : cnig_constants()) constants_.emplace(field, value);
    for (const auto& [field, table] : cnig_values()) {
      for (const auto& [from, to] : table) values_[field].emplace(text::fold(from), to);
    }
  }
  // Terrier's own sheets (api/export_sheets) say so with "Source Terrier":
  // their layer and link columns are Terrier's, not the person's.
  bool terrier_sheet = false;
  for (const auto& h : header) terrier_sheet |= normalize_header(h) == "source terrier";
  const bool has_identity = kind_ == ImportKind::opportunities || kind_ == ImportKind::places ||
                            kind_ == ImportKind::needs || kind_ == ImportKind::requests;
  // Columns that may be the reference: (rank, column).
  std::vector<std::pair<int, std::size_t>> identifiers;
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string key = normalize_header(header[i]);
    reading_.push_back({header[i], std::nullopt, std::nullopt, true});
    if (key.empty() || ignored_.count(key) || key == "lien terrier" ||
        (terrier_sheet && key == "couche")) {
      reading_.back().kept = false;
      continue;
    }
    // "Source Terrier": each row's source, the other half of its identity
    // with its reference; rows without one take the import's source.
    if (has_identity && key == "source terrier" && !overrides_.count(key)) {
      bound_.emplace("row_source", i);
      reading_.back().field = "row_source";
      continue;
    }
    std::vector<std::string> fields = fields_for(key);
    if (has_identity && !canonical_) {
      auto id = std::find(fields.begin(), fields.end(), "external_id");
      if (id != fields.end() || (fields.empty() && identifier_rank(key))) {
        // The mapping file's word is the strongest.
        int rank = overrides_.count(key) ? 0 : identifier_rank(key).value_or(1);
        if (id != fields.end()) fields.erase(id);
        identifiers.emplace_back(rank, i);
        if (fields.empty()) continue;
      }
    }
    if (fields.empty()) {
      unmapped_.push_back(i);
      continue;
    }
    std::string joined;
    for (const auto& field : fields) {
      auto [pos, inserted] = bound_.emplace(field, i);
      if (!inserted) {
        // A field fed by two columns: the more specific header (first alias
        // in the table order) is not knowable here, so refuse clearly.
        throw ImportError(fmt::format(
            "{}: les colonnes « {} » et « {} » donnent toutes deux le champ « {} » : gardez-en "
            "une, ou renommez l'autre",
            file, header[pos->second], header[i], form_label(kind_, field)));
      }
      joined += (joined.empty() ? "" : ", ") + field;
    }
    reading_.back().field = joined;
  }
  if (!identifiers.empty()) {
    // The strongest, the leftmost among equals; the others stay the file's
    // own columns (kept in attributes), and the report says which was taken.
    std::stable_sort(identifiers.begin(), identifiers.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    const std::size_t taken = identifiers.front().second;
    bound_.emplace("external_id", taken);
    auto& reading = reading_[taken].field;
    reading = reading ? "external_id, " + *reading : std::string("external_id");
    for (std::size_t k = 1; k < identifiers.size(); ++k) {
      const std::size_t other = identifiers[k].second;
      if (!reading_[other].field) unmapped_.push_back(other);
      notes_.push_back(
          {header[taken], {ReasonCode::ambiguous_reference, {header[taken], header[other]}}});
    }
    std::sort(unmapped_.begin(), unmapped_.end());
  }
  // Suggestions once every column is bound: a field already fed is not
  // offered again.
  for (std::size_t i : unmapped_)
    reading_[i].suggestion = suggestion_for(normalize_header(header[i]));
}

std::optional<std::size_t> Mapping::column(std::string_view field) const {
  auto it = bound_.find(field);
  if (it == bound_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Mapping::constant(std::string_view field) const {
  auto it = constants_.find(std::string(field));
  if (it == constants_.end()) return std::nullopt;
  return it->second;
}

std::string Mapping::translate(std::string_view field, const std::string& value) const {
  auto table = values_.find(std::string(field));
  if (table == values_.end()) return value;
  auto it = table->second.find(text::fold(text::trim(value)));
  return it == table->second.end() ? value : it->second;
}

}  // namespace terrier::importers
