#pragma once

// The batch endpoint of IGN's Géoplateforme geocoder (POST
// {url}/search/csv, multipart: data=a CSV of the addresses, columns=the
// columns making an address, citycode=the INSEE column), through libcurl,
// for `terrier import … --geocode`. Only the addresses and communes leave:
// no row's other field.

#include <string>
#include <vector>

#include "importers/geocode.hpp"

namespace terrier::api {

// One answer per query, in order; throws terrier::Error naming the
// geocoder's address when it cannot be reached or answers other than 200
// with the CSV asked for.
std::vector<importers::GeocodeAnswer> geocode_batch(
    const std::string& url, const std::vector<importers::GeocodeQuery>& queries);

}  // namespace terrier::api
