#pragma once

// Terrier's French vocabularies, in one place: the values the database
// stores (its domains in sql/ hold the same lists, and a database test,
// tests/db/vocabulary_test.cpp, compares the two) and their labels for
// people. The importers' synonyms (importers/fields), the API's checks,
// /api/map-config (hence the page) and the matching engine read them here.

#include <array>
#include <cstddef>
#include <string_view>

namespace terrier::vocabulary {

// A list of values (a view of one of the arrays below). Not std::span: the
// one matching file compiled as C++17 (LEMON) includes this header too.
class Values {
 public:
  template <std::size_t N>
  constexpr Values(const std::array<std::string_view, N>& values)  // NOLINT: implicit on purpose
      : first_(values.data()), size_(N) {}
  constexpr const std::string_view* begin() const { return first_; }
  constexpr const std::string_view* end() const { return first_ + size_; }
  constexpr std::size_t size() const { return size_; }

 private:
  const std::string_view* first_;
  std::size_t size_;
};

inline constexpr std::array<std::string_view, 8> kOpportunityKinds = {
    "bureau", "atelier", "entrepôt", "commerce", "terrain", "bâtiment mixte", "friche", "logement"};
inline constexpr std::array<std::string_view, 6> kTenures = {"vente",
                                                             "location",
                                                             "bcus",
                                                             "bail emphytéotique",
                                                             "occupation temporaire",
                                                             "mise à disposition"};
inline constexpr std::array<std::string_view, 6> kOwnerKinds = {
    "collectivité", "bailleur social", "état", "privé", "association", "foncière"};
inline constexpr std::array<std::string_view, 4> kOpportunityStatuses = {
    "disponible", "en discussion", "attribuée", "retirée"};
inline constexpr std::array<std::string_view, 3> kVisibilities = {"public", "réseau",
                                                                  "confidentiel"};
inline constexpr std::array<std::string_view, 3> kNeedStatuses = {"active", "satisfaite", "close"};
// The follow-up of a match: proposé → contacté → visite → accord, or given
// up (refusé, abandonné) at any step.
inline constexpr std::array<std::string_view, 6> kMatchStatuses = {
    "proposé", "contacté", "visite", "accord", "refusé", "abandonné"};
inline constexpr std::array<std::string_view, 11> kPlaceKinds = {
    "tiers-lieu",         "fablab",         "café associatif",
    "recyclerie",         "ressourcerie",   "coworking",
    "résidence seniors",  "jardin partagé", "lieu culturel",
    "épicerie solidaire", "autre"};
inline constexpr std::array<std::string_view, 3> kLocationPrecisions = {"exact", "adresse",
                                                                        "commune"};
inline constexpr std::array<std::string_view, 4> kTerritoryLevels = {"commune", "epci",
                                                                     "departement", "circle"};
inline constexpr std::array<std::string_view, 6> kRequestChannels = {
    "téléphone", "e-mail", "courrier", "rencontre", "formulaire", "autre"};
inline constexpr std::array<std::string_view, 3> kRequestStatuses = {"ouverte", "orientée",
                                                                     "close"};

// An account's state. Not a stored domain: read from its row (disabled, or
// no password chosen yet: db/user_rows), in the order of db::AccountStatus.
inline constexpr std::array<std::string_view, 3> kAccountStatuses = {"active", "invitée",
                                                                     "désactivée"};

// The one status under which a building can be matched.
inline constexpr std::string_view kAvailable = kOpportunityStatuses[0];

// The lists /api/map-config sends that no domain stores.
struct List {
  std::string_view list_name;
  Values values;
};
inline constexpr std::array<List, 1> kReadLists = {{{"account_statuses", kAccountStatuses}}};

// A database domain, the name /api/map-config gives its list (the field
// catalogue's "vocabulary"), and the values it allows.
struct Domain {
  std::string_view sql_name;
  std::string_view list_name;
  Values values;
};

inline constexpr std::array<Domain, 12> kDomains = {{
    {"opportunity_kind", "opportunity_kinds", kOpportunityKinds},
    {"tenure", "tenures", kTenures},
    {"owner_kind", "owner_kinds", kOwnerKinds},
    {"opportunity_status", "opportunity_statuses", kOpportunityStatuses},
    {"visibility", "visibilities", kVisibilities},
    {"need_status", "need_statuses", kNeedStatuses},
    {"match_status", "match_statuses", kMatchStatuses},
    {"place_kind", "place_kinds", kPlaceKinds},
    {"location_precision", "location_precisions", kLocationPrecisions},
    {"territory_level", "territory_levels", kTerritoryLevels},
    {"request_channel", "request_channels", kRequestChannels},
    {"request_status", "request_statuses", kRequestStatuses},
}};

// The label people read for a stored value: the value itself, but for the
// acronyms and the words the database keeps without accents.
constexpr std::string_view label(std::string_view value) {
  if (value == "bcus") return "BCUS";
  if (value == "epci") return "EPCI";
  if (value == "departement") return "département";
  if (value == "circle") return "cercle";
  return value;
}

// What an acronym stands for, where a legend has room to say it.
constexpr std::string_view description(std::string_view value) {
  if (value == "bcus") return "bail commercial d'utilité sociale";
  return {};
}

}  // namespace terrier::vocabulary
