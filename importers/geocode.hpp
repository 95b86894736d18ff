#pragma once

// What an import asks an address geocoder (`terrier import … --geocode`):
// one query per row that has an address and a commune but no coordinates,
// sent in batches; the geocoder itself (IGN's batch endpoint, through
// libcurl) is api/geocoder_client, given to the import as a function so
// that the importers know no HTTP.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace terrier::importers {

struct GeocodeQuery {
  std::string address;
  std::string commune;  // its name, if the row gave one
  std::string insee;    // its INSEE code, if the row gave one
  std::string postcode;
};

struct GeocodeAnswer {
  std::optional<double> lon, lat;  // none: not found
  double score = 0;                // 0 to 1, the geocoder's own
  std::string label;               // the address it found
};

// One answer per query, in order; throws (terrier::Error) when the
// geocoder fails.
using GeocodeBatch = std::function<std::vector<GeocodeAnswer>(const std::vector<GeocodeQuery>&)>;

// Rows sent to the geocoder at once.
inline constexpr std::size_t kGeocodeChunk = 500;

}  // namespace terrier::importers
