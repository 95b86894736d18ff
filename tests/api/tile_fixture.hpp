#pragma once

// What the tiles' tests share: the region's territories and the demo
// opportunities (T-1 public, T-2 réseau, T-3 confidentiel among them, in
// Lille and Roubaix), and the filters tried on both paths of a tile.

#include <string>
#include <vector>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {

class TileTest : public ApiTest {
 protected:
  // ImportTest's database with the region and the demo opportunities, no
  // server yet.
  void load_region_and_demo() {
    ImportTest::SetUp();
    territories("departements_hdf.geojson", "departement");
    territories("epci_hdf.geojson", "epci");
    territories("communes_hdf.geojson", "commune");
    opportunities(data_file("opportunites_demo.csv"));
    opportunities(fixture("conventions/cp1252_french.csv"));
  }
};

// The in-memory copy evaluates all but the last two, which SQL evaluates.
inline std::vector<std::string> tile_test_filters() {
  return {"",
          "kind=bureau,atelier",
          "surface_min=500",
          "surface_max=800&status=disponible",
          "tenure=location",
          "rent_max=1000",
          "price_max=200000",
          "available_before=2025-01-01",
          "to_reverify=true",
          "territory=nord",
          "q=atelier"};
}

}  // namespace terrier::test
