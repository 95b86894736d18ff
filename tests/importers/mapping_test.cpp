// A mapping file read and bound to a header: its columns, constants, value
// translations, source and CRS, and the refusals that name the file. No
// database.

#include "importers/mapping.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace terrier::importers {
namespace {

class MappingFile : public ::testing::Test {
 protected:
  void TearDown() override { std::remove(path_.c_str()); }

  std::string write(const std::string& json) {
    std::ofstream(path_) << json;
    return path_;
  }
  // The ImportError's message, or "" when none is thrown.
  std::string refusal(const std::string& json) {
    try {
      Mapping::load(ImportKind::opportunities, write(json));
    } catch (const ImportError& e) {
      return e.what();
    }
    return "";
  }

  // One file per test process: ctest -j runs this suite's tests at once, and
  // a shared path let one test read another's mapping.
  std::string path_ =
      ::testing::TempDir() + "/terrier-mapping-test-" + std::to_string(getpid()) + ".json";
};

TEST_F(MappingFile, ItsColumnsWinOverTheDefaultSynonyms) {
  auto m = Mapping::load(ImportKind::opportunities,
                         write(R"({"columns": {"Surface": "land_surface_m2", "Nom": "title"},
                                  "ignore": ["Commentaire"]})"));
  m.bind({"Nom", "Surface", "Commentaire", "Couleur"}, "biens.csv");
  EXPECT_EQ(m.column("title"), 0u);
  EXPECT_EQ(m.column("land_surface_m2"), 1u);
  EXPECT_EQ(m.column("built_surface_m2"), std::nullopt);  // "Surface" by default
  EXPECT_EQ(m.unmapped_columns(), (std::vector<std::size_t>{3}));
  EXPECT_FALSE(m.reading()[2].kept);  // ignored: not even kept in attributes
  EXPECT_TRUE(m.reading()[3].kept);
}

TEST_F(MappingFile, ConstantsValuesSourceAndCrs) {
  auto m = Mapping::load(ImportKind::opportunities,
                         write(R"({"constants": {"status": "disponible", "price_eur": 0},
                                  "values": {"kind": {"Entrepôt ": "atelier"}},
                                  "source": "epf", "srs": "EPSG:2154"})"));
  EXPECT_EQ(m.constant("status"), "disponible");
  EXPECT_EQ(m.constant("price_eur"), "0");
  EXPECT_EQ(m.constant("title"), std::nullopt);
  EXPECT_EQ(m.translate("kind", "entrepot"), "atelier");  // folded, trimmed
  EXPECT_EQ(m.translate("kind", "bureau"), "bureau");
  EXPECT_EQ(m.source(), "epf");
  EXPECT_EQ(m.srs(), "EPSG:2154");
}

// Every refusal names the mapping file, and the field when one is at fault.
TEST_F(MappingFile, RefusalsNameTheFile) {
  for (const char* json : {"not json", "[1, 2]", R"({"columns": {"Nom": 3}})",
                           R"({"constants": {"colour": "red"}})"}) {
    std::string why = refusal(json);
    EXPECT_EQ(why.rfind(path_ + ": ", 0), 0u) << json << " -> " << why;
  }
  EXPECT_NE(refusal(R"({"values": {"colour": {}}})").find("« colour » n'est pas un champ"),
            std::string::npos);
  try {
    Mapping::load(ImportKind::opportunities, std::string("/nonexistent/mapping.json"));
    FAIL() << "a missing mapping file was read";
  } catch (const ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/mapping.json"), std::string::npos);
  }
}

TEST(MappingBind, TwoColumnsForOneFieldAreRefusedByName) {
  auto m = Mapping::load(ImportKind::opportunities, std::nullopt);
  try {
    m.bind({"Intitulé", "Titre"}, "biens.csv");
    FAIL() << "two title columns were accepted";
  } catch (const ImportError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "biens.csv: les colonnes « Intitulé » et « Titre » donnent toutes deux le "
                  "champ « Intitulé »"),
              std::string::npos)
        << e.what();
  }
}

// The column that feeds the reference, when `header` is bound for `kind`,
// or "" when none does.
std::string reference_column(ImportKind kind, const std::vector<std::string>& header) {
  auto m = Mapping::load(kind, std::nullopt);
  m.bind(header, "f.csv");
  auto col = m.column("external_id");
  return col ? header[*col] : "";
}

TEST(MappingBind, IdentifierHeadersAreTheReferenceWhenTheFileHasNoOther) {
  for (auto kind : {ImportKind::opportunities, ImportKind::places, ImportKind::needs}) {
    for (const std::string h :
         {"id", "id_bien", "id_site", "id_local", "ID Bien", "identifiant", "Identifiant du bien",
          "N°", "numéro", "Code du bien", "réf", "Référence"}) {
      EXPECT_EQ(reference_column(kind, {h, "Commune"}), h) << kind_name(kind);
    }
  }
}

TEST(MappingBind, OfTwoPossibleReferencesTheMoreSpecificIsTakenAndNamed) {
  auto m = Mapping::load(ImportKind::opportunities, std::nullopt);
  m.bind({"id", "Intitulé", "id_bien", "Réf."}, "f.csv");
  EXPECT_EQ(m.column("external_id"), 3u);  // "Réf." over "id_bien" over "id"
  ASSERT_EQ(m.notes().size(), 2u);
  EXPECT_EQ(m.notes()[0].column, "Réf.");
  EXPECT_EQ(m.notes()[0].reason, (Reason{ReasonCode::ambiguous_reference, {"Réf.", "id_bien"}}));
  EXPECT_EQ(french(m.notes()[0].reason),
            "« Réf. » et « id_bien » pourraient toutes deux être la référence : « Réf. » est "
            "prise, « id_bien » est gardée dans attributes");
  // The others stay the file's own columns.
  EXPECT_EQ(m.unmapped_columns(), (std::vector<std::size_t>{0, 2}));
  m.bind({"id_site", "id"}, "f.csv");
  EXPECT_EQ(m.column("external_id"), 0u);
}

TEST(MappingBind, TerriersOwnSheetColumnsAreItsRowsIdentityOrIgnored) {
  auto m = Mapping::load(ImportKind::opportunities, std::nullopt);
  m.bind({"couche", "Réf.", "Intitulé", "Source Terrier", "Lien Terrier"}, "f.csv");
  EXPECT_EQ(m.column("row_source"), 3u);
  EXPECT_EQ(m.column("external_id"), 1u);
  EXPECT_TRUE(m.unmapped_columns().empty());  // couche and the link: Terrier's, not kept
  EXPECT_FALSE(m.reading()[0].kept);
  EXPECT_FALSE(m.reading()[4].kept);
  // Without "Source Terrier", a "couche" column is the person's own.
  m.bind({"couche", "Intitulé"}, "f.csv");
  EXPECT_EQ(m.unmapped_columns(), (std::vector<std::size_t>{0}));
}

}  // namespace
}  // namespace terrier::importers
