// Headers as files write them: normalisation, the French synonyms of each
// field (one case per synonym), the reading printed before any row, and the
// suggestions for columns that feed nothing.

#include "importers/headers.hpp"

#include <gtest/gtest.h>

#include "importers/cnig.hpp"
#include "importers/mapping.hpp"

namespace terrier::importers {
namespace {

struct Normalised {
  const char* header;
  const char* key;
};

class NormalizeHeader : public ::testing::TestWithParam<Normalised> {};

TEST_P(NormalizeHeader, ReducesToItsKey) {
  EXPECT_EQ(normalize_header(GetParam().header), GetParam().key) << GetParam().header;
}

INSTANTIATE_TEST_SUITE_P(
    Conventions, NormalizeHeader,
    ::testing::Values(
        Normalised{"Surface bâtie (m²)", "surface batie"},
        Normalised{"SURFACE BATIE", "surface batie"},
        Normalised{"surface_batie_m2", "surface batie"},
        Normalised{"surface-batie", "surface batie"}, Normalised{"surface.batie", "surface batie"},
        Normalised{"surfaceBatieM2", "surface batie"}, Normalised{"SurfaceBâtie", "surface batie"},
        Normalised{"Surface bâtie en m²", "surface batie"},
        Normalised{"Surface bâtie (m2)", "surface batie"}, Normalised{"surface_m2", "surface"},
        Normalised{"Loyer (€/mois)", "loyer"}, Normalised{"loyer_eur_mois", "loyer"},
        Normalised{"Loyer par mois", "loyer"}, Normalised{"Loyer max (€/mois)", "loyer max"},
        Normalised{"Loyer HC", "loyer"}, Normalised{"Prix TTC", "prix"},
        Normalised{"prix_ht", "prix"}, Normalised{"Prix (€)", "prix"},
        Normalised{"prix_eur", "prix"}, Normalised{"Loyer (€/m²/an)", "loyer m2 an"},
        Normalised{"Loyer annuel (€)", "loyer annuel"}, Normalised{"prix_m2", "prix m2"},
        Normalised{"Rayon (km)", "rayon km"}, Normalised{"La commune", "commune"},
        Normalised{"L'adresse", "adresse"}, Normalised{"Le Type", "type"},
        Normalised{"Réf.", "ref"}, Normalised{"N°", "n"}, Normalised{"Prix (négociable)", "prix"},
        Normalised{"Surface (ha)", "surface ha"}, Normalised{"codeINSEE", "code insee"}));

struct Synonym {
  ImportKind kind;
  const char* header;
  const char* field;
};

class SynonymFeedsField : public ::testing::TestWithParam<Synonym> {};

TEST_P(SynonymFeedsField, WithoutAMappingFile) {
  Mapping m = Mapping::load(GetParam().kind, std::nullopt);
  m.bind({"autre chose", GetParam().header}, "test.csv");
  auto column = m.column(GetParam().field);
  ASSERT_TRUE(column.has_value()) << GetParam().header << " should feed " << GetParam().field;
  EXPECT_EQ(*column, 1u);
  ASSERT_EQ(m.reading().size(), 2u);
  EXPECT_EQ(m.reading()[1].field.value_or(""), GetParam().field);
}

constexpr auto O = ImportKind::opportunities;
constexpr auto N = ImportKind::needs;
constexpr auto R = ImportKind::requests;

INSTANTIATE_TEST_SUITE_P(
    French, SynonymFeedsField,
    ::testing::Values(
        // built surface
        Synonym{O, "Surface", "built_surface_m2"}, Synonym{O, "Superficie", "built_surface_m2"},
        Synonym{O, "Surface de plancher", "built_surface_m2"},
        Synonym{O, "SDP", "built_surface_m2"}, Synonym{O, "SHON", "built_surface_m2"},
        Synonym{O, "Surface utile", "built_surface_m2"},
        Synonym{O, "Surface bâtie", "built_surface_m2"},
        Synonym{O, "Surface du bâti", "built_surface_m2"},
        Synonym{O, "surface_m2", "built_surface_m2"},
        Synonym{O, "surface_batie_m2", "built_surface_m2"},
        // land surface
        Synonym{O, "Surface du terrain", "land_surface_m2"},
        Synonym{O, "Surface parcelle", "land_surface_m2"},
        Synonym{O, "Emprise foncière", "land_surface_m2"},
        Synonym{O, "Unité foncière", "land_surface_m2"},
        Synonym{O, "surface_terrain_m2", "land_surface_m2"},
        // rents and prices
        Synonym{O, "Loyer", "rent_eur_month"}, Synonym{O, "Loyer mensuel", "rent_eur_month"},
        Synonym{O, "loyer_eur_mois", "rent_eur_month"},
        Synonym{O, "Loyer (€/mois) HC", "rent_eur_month"},
        Synonym{O, "Loyer annuel", "rent_eur_year"}, Synonym{O, "Loyer (€/an)", "rent_eur_year"},
        Synonym{O, "Loyer au m² par an", "rent_eur_m2_year"},
        Synonym{O, "Loyer (€/m²/an)", "rent_eur_m2_year"}, Synonym{O, "Prix", "price_eur"},
        Synonym{O, "Prix de vente", "price_eur"}, Synonym{O, "Valeur vénale", "price_eur"},
        Synonym{O, "prix_eur", "price_eur"},
        // tenures
        Synonym{O, "Modalité", "tenures"}, Synonym{O, "Modalités", "tenures"},
        Synonym{O, "Mode", "tenures"}, Synonym{O, "Type de bail", "tenures"},
        Synonym{N, "Modalités acceptées", "tenures_accepted"},
        Synonym{N, "modalites_acceptees", "tenures_accepted"},
        Synonym{N, "Baux acceptés", "tenures_accepted"},
        Synonym{N, "Modalités", "tenures_accepted"}, Synonym{N, "Modalité", "tenures_accepted"},
        Synonym{N, "Mode", "tenures_accepted"}, Synonym{N, "Type de bail", "tenures_accepted"},
        // a need's territory and radius
        Synonym{N, "Secteur", "territory"}, Synonym{N, "Secteur de recherche", "territory"},
        Synonym{N, "Territoire", "territory"}, Synonym{N, "Zone", "territory"},
        Synonym{N, "Rayon", "radius_km"}, Synonym{N, "Rayon (km)", "radius_km"},
        Synonym{N, "rayon_km", "radius_km"},
        // a need's surface as a range
        Synonym{N, "Surface recherchée", "surface_range"}, Synonym{N, "Surface", "surface_range"},
        // the rest, the same way
        Synonym{O, "Code INSEE", "commune_insee"}, Synonym{O, "code_insee", "commune_insee"},
        Synonym{O, "Nom de la commune", "commune_name"}, Synonym{O, "Intitulé", "title"},
        Synonym{O, "Type de bien", "kind"}, Synonym{O, "type_bien", "kind"},
        Synonym{O, "Date de disponibilité", "available_from"},
        Synonym{O, "Propriétaire", "owner_name"}, Synonym{O, "Réf.", "external_id"},
        Synonym{N, "Surface min (m²)", "surface_min_m2"},
        Synonym{N, "Loyer max (€/mois)", "rent_max_eur_month"},
        Synonym{N, "Budget achat (€)", "price_max_eur"},
        // requests, from the same catalogue
        Synonym{R, "Date de la demande", "received_on"}, Synonym{R, "DATE", "received_on"},
        Synonym{R, "Reçue le", "received_on"}, Synonym{R, "STRUCTURE", "organisation"},
        Synonym{R, "Structure ou organisation", "organisation"},
        Synonym{R, "Demandeuse", "requester"}, Synonym{R, "canal", "channel"},
        Synonym{R, "Code INSEE", "commune"}, Synonym{R, "Ville", "commune"},
        Synonym{R, "Objet de la demande", "subject"}, Synonym{R, "État", "status"},
        Synonym{R, "Suite donnée", "orientation"}, Synonym{R, "Besoin lié", "need_id"},
        Synonym{R, "Lieu", "place_id"}, Synonym{R, "Coordonnées", "contact"},
        Synonym{R, "Remarques", "notes"}, Synonym{R, "Réf.", "external_id"}));

TEST(HeaderReading, NamesEachColumnAndSuggestsCloseFields) {
  Mapping m = Mapping::load(ImportKind::opportunities, std::nullopt);
  m.bind({"Réf.", "surf_bat", "Couleur", "Type"}, "test.csv");
  const auto& r = m.reading();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].field.value_or(""), "external_id");
  EXPECT_FALSE(r[1].field);
  EXPECT_EQ(r[1].suggestion.value_or(""), "Surface bâtie (m²)");
  EXPECT_FALSE(r[2].field);
  EXPECT_FALSE(r[2].suggestion);  // nothing close: no suggestion
  EXPECT_EQ(describe_column(r[0]), "'Réf.' -> external_id");
  EXPECT_EQ(describe_column(r[1]),
            "'surf_bat' -> colonne ignorée (gardée dans attributes) ; vouliez-vous dire « Surface "
            "bâtie (m²) » ?");
  EXPECT_EQ(describe_column(r[2]), "'Couleur' -> colonne ignorée (gardée dans attributes)");
}

TEST(HeaderReading, SuggestsOnlyFieldsNoOtherColumnFeeds) {
  Mapping m = Mapping::load(ImportKind::opportunities, std::nullopt);
  m.bind({"Surface bâtie", "surface batimnt"}, "test.csv");
  EXPECT_FALSE(m.reading()[1].suggestion);
}

TEST(HeaderReading, TypingMistakesAreSuggested) {
  Mapping m = Mapping::load(ImportKind::needs, std::nullopt);
  m.bind({"Modalites aceptees", "Terirtoire"}, "test.csv");
  EXPECT_EQ(m.reading()[0].suggestion.value_or(""), "Modalités acceptées");
  EXPECT_EQ(m.reading()[1].suggestion.value_or(""), "Secteur de recherche");
}

TEST(HeaderReading, NoDefaultHeaderFeedsTwoFieldsOfOneKind) {
  for (auto kind : {ImportKind::places, ImportKind::opportunities, ImportKind::needs}) {
    for (const auto& f : field_names(kind)) {
      Mapping m = Mapping::load(kind, std::nullopt);
      // A header of the field's own name feeds that one field, or none.
      m.bind({f}, "test.csv");
      if (auto got = m.reading()[0].field) {
        EXPECT_EQ(*got, f);
      }
    }
  }
}

TEST(CnigProfile, RecognisedFromTheHeaderWithoutAMapping) {
  Mapping m = Mapping::load(ImportKind::opportunities, std::nullopt);
  m.bind(cnig_schema_columns(), "friches.csv");
  EXPECT_EQ(m.profile(), Mapping::Profile::cnig);
  EXPECT_EQ(*m.column("external_id"), 0u);  // site_id
  EXPECT_EQ(*m.column("title"), 1u);        // site_nom
  EXPECT_TRUE(m.column("built_surface_m2"));
  EXPECT_TRUE(m.column("land_surface_m2"));
  EXPECT_TRUE(m.column("wkt"));
  EXPECT_EQ(m.constant("kind").value_or(""), "friche");
  EXPECT_EQ(m.translate("status", "friche avec projet"), "en discussion");
  EXPECT_EQ(m.translate("status", "friche reconvertie"), "retirée");
  EXPECT_EQ(m.translate("status", "Friche sans projet"), "disponible");
  // site_type stays under its CNIG name in attributes.
  EXPECT_FALSE(m.reading()[2].field);
}

}  // namespace
}  // namespace terrier::importers
