// The field table's labels, as the importers' suggestions and the page's
// forms (through the API's refusals) name each field. No database.

#include "importers/field_table.hpp"

#include <gtest/gtest.h>

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
TEST(FormLabel, EveryOpportunityAndNeedFieldHasAFrenchLabel) {
  for (ImportKind kind : {ImportKind::opportunities, ImportKind::needs}) {
    for (const auto& f : table_for(kind)) {
      EXPECT_NE(form_label(kind, f.field), f.field) << f.field;
    }
  }
}

}  // namespace
}  // namespace terrier::importers
