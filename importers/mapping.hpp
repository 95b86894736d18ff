#pragma once

// Which column of an input file feeds which field of Terrier's model. Each
// import kind has a default mapping from the headers people write ("Surface
// bâtie (m²)", "Réf.", "Code INSEE") that a --mapping file can extend.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "importers/headers.hpp"
#include "importers/reasons.hpp"

namespace terrier::importers {

enum class ImportKind { territories, circles, places, opportunities, needs, requests };

const char* kind_name(ImportKind kind);
std::optional<ImportKind> parse_kind(std::string_view name);

// The fields an import kind knows, in a fixed order.
const std::vector<std::string>& field_names(ImportKind kind);

// A resolved mapping for one file: for each known field, the column that
// feeds it (or a constant), value translations, and the other columns.
class Mapping {
 public:
  // Default aliases of `kind`, extended (and overridden) by the JSON mapping
  // file when given. Throws ImportError naming the mapping file for a JSON
  // error or an unknown field name.
  static Mapping load(ImportKind kind, const std::optional<std::string>& mapping_file);
  // Each field fed by a column of its own name ("built_surface_m2"): how
  // the API's JSON bodies are read.
  static Mapping canonical(ImportKind kind);

  // Binds the mapping to a file's header. Two columns feeding the same field
  // is an ImportError naming both, except the reference: of the columns that
  // could be it ("Réf.", "id_bien", "Identifiant", "N°", "id"), the most
  // specific is taken and notes() says so. "Source Terrier" feeds
  // "row_source" (each row's own source).
  void bind(const std::vector<std::string>& header, const std::string& file);

  // Column index feeding a field, if any (after bind()).
  std::optional<std::size_t> column(std::string_view field) const;
  // The constant given for a field by the mapping file, if any.
  std::optional<std::string> constant(std::string_view field) const;
  // A value translated by the mapping file's "values" table, or unchanged.
  std::string translate(std::string_view field, const std::string& value) const;
  // Columns that feed no field (kept in the row's attributes), after bind().
  const std::vector<std::size_t>& unmapped_columns() const { return unmapped_; }
  // How each column of the header was read, after bind().
  const std::vector<ColumnReading>& reading() const { return reading_; }
  // What bind() chose that the person should know (two columns that could
  // be the reference): the column it concerns and why.
  struct Note {
    std::string column;
    Reason reason;
  };
  const std::vector<Note>& notes() const { return notes_; }
  // A known file layout recognised from its header, after bind().
  enum class Profile { none, cnig };
  Profile profile() const { return profile_; }
  // The source name given by the mapping file, if any.
  const std::optional<std::string>& source() const { return source_; }
  // Spatial reference of coordinates given by the mapping file ("EPSG:2154").
  const std::optional<std::string>& srs() const { return srs_; }

 private:
  std::vector<std::string> fields_for(const std::string& key) const;
  std::optional<std::string> suggestion_for(const std::string& key) const;

  ImportKind kind_ = ImportKind::opportunities;
  bool canonical_ = false;
  Profile profile_ = Profile::none;
  std::multimap<std::string, std::string> aliases_;            // normalized header -> field
  std::map<std::string, std::vector<std::string>> overrides_;  // the mapping file's columns
  std::vector<ColumnReading> reading_;
  std::map<std::string, std::string> constants_;
  std::map<std::string, std::map<std::string, std::string>> values_;  // field -> folded -> value
  std::set<std::string> ignored_;
  std::map<std::string, std::size_t, std::less<>> bound_;  // field -> column
  std::vector<std::size_t> unmapped_;
  std::vector<Note> notes_;
  std::optional<std::string> source_;
  std::optional<std::string> srs_;
};

}  // namespace terrier::importers
