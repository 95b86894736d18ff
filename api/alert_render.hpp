#pragma once

// How alerts read: a saved search's or a need's Atom 1.0 feed, and the
// e-mail digest of a person's searches (text and HTML parts), in French,
// each item titled with the opportunity's title and linking to the page
// (/?opportunity=ID, /?match=ID). Items carry only what the owner's role
// reads (db/alert_store selects them so); this file only writes them.

#include <string>
#include <utility>
#include <vector>

#include "db/alert_store.hpp"

namespace terrier::api {

// `base_url` is scheme://host of the page; `self` the feed's own address.
std::string atom_feed(const db::Feed& feed, const std::vector<db::AlertItem>& items,
                      const std::string& base_url, const std::string& self);

// One line of facts about an item: "Bureau · Lens · 320 m² · location,
// BCUS · 1 200 €/mois · disponible".
std::string item_facts(const db::AlertItem& item);
// What changed: "Nouvelle opportunité", or "Modifiée : statut, loyer".
std::string item_change(const db::AlertItem& item);

struct DigestMail {
  std::string subject;
  std::string text;
  std::string html;
};

// The digest of one person's searches, each with its new items.
DigestMail digest_mail(
    const db::AlertOwner& owner,
    const std::vector<std::pair<db::SavedSearch, std::vector<db::AlertItem>>>& searches,
    const std::string& base_url);

}  // namespace terrier::api
