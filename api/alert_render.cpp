#include "api/alert_render.hpp"

#include <fmt/core.h>

#include <cmath>
#include <string_view>

#include "core/text.hpp"
#include "core/vocabulary.hpp"
#include "importers/field_table.hpp"

namespace terrier::api {
namespace {

using nlohmann::json;

// A whole number with French thousands ("1 200", narrow no-break spaces).
std::string french_number(double v) {
  long long n = std::llround(v);
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u202f";
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

const importers::PageField* opportunity_field(std::string_view name) {
  for (const auto& f : importers::page_fields("opportunity")) {
    if (name == f.field) return &f;
  }
  return nullptr;
}

// "statut", "loyer": a field's label, in lower case where it starts a word
// people read in a sentence.
std::string field_word(std::string_view name) {
  const auto* f = opportunity_field(name);
  if (!f) return std::string(name);
  std::string label = f->label;
  if (!label.empty() && label[0] >= 'A' && label[0] <= 'Z')
    label[0] = static_cast<char>(label[0] - 'A' + 'a');
  return label;
}

std::string text_of(const json& props, const char* key) {
  auto it = props.find(key);
  return it != props.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> number_of(const json& props, const char* key) {
  auto it = props.find(key);
  if (it == props.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string item_title(const db::AlertItem& item) {
  std::string title = text_of(item.properties, "title");
  return title.empty() ? fmt::format("Opportunité {}", item.id) : title;
}

std::string item_link(const db::AlertItem& item, const std::string& base_url) {
  if (item.match_id) return fmt::format("{}/?match={}", base_url, *item.match_id);
  return fmt::format("{}/?opportunity={}", base_url, item.id);
}

// An item's one paragraph: what changed, its facts, for a match its score.
std::string item_summary(const db::AlertItem& item) {
  std::string s = item_change(item);
  std::string facts = item_facts(item);
  if (!facts.empty()) s += " — " + facts;
  if (item.score) s += fmt::format(" — score {}/100", french_number(*item.score));
  return s;
}

std::string feed_title(const db::Feed& feed) {
  if (feed.search) return "Terrier — " + feed.search->name;
  return fmt::format("Terrier — propositions pour « {} »", feed.need_name);
}

}  // namespace

std::string item_facts(const db::AlertItem& item) {
  const json& p = item.properties;
  std::vector<std::string> parts;
  if (auto kind = text_of(p, "kind"); !kind.empty()) {
    parts.push_back(capitalised(std::string(vocabulary::label(kind))));
  }
  if (item.commune) parts.push_back(*item.commune);
  const bool land = text_of(p, "kind") == "terrain" || text_of(p, "kind") == "friche";
  auto surface = number_of(p, land ? "land_surface_m2" : "built_surface_m2");
  if (!surface) surface = number_of(p, land ? "built_surface_m2" : "land_surface_m2");
  if (surface) parts.push_back(french_number(*surface) + "\u00a0m²");
  if (auto it = p.find("tenures"); it != p.end() && it->is_array() && !it->empty()) {
    std::string tenures;
    for (const auto& t : *it) {
      if (!t.is_string()) continue;
      if (!tenures.empty()) tenures += ", ";
      tenures += std::string(vocabulary::label(t.get<std::string>()));
    }
    parts.push_back(tenures);
  }
  if (auto rent = number_of(p, "rent_eur_month")) {
    parts.push_back(french_number(*rent) + "\u00a0€/mois");
  }
  if (auto price = number_of(p, "price_eur")) parts.push_back(french_number(*price) + "\u00a0€");
  if (auto status = text_of(p, "status"); !status.empty()) parts.push_back(status);
  if (auto owner = text_of(p, "owner_name"); !owner.empty()) {
    const auto* field = opportunity_field("owner_name");
    parts.push_back(fmt::format("{} : {}", field ? field->label : "Propriétaire", owner));
  }
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += " · ";
    out += part;
  }
  return out;
}

std::string item_change(const db::AlertItem& item) {
  if (item.match_id) return "Nouvelle proposition";
  if (item.changes.empty()) return "Nouvelle opportunité";
  std::string words;
  for (const auto& c : item.changes) {
    if (!words.empty()) words += ", ";
    words += field_word(c);
  }
  return "Modifiée : " + words;
}

std::string atom_feed(const db::Feed& feed, const std::vector<db::AlertItem>& items,
                      const std::string& base_url, const std::string& self) {
  // A feed's updated is its latest entry's, or the search's creation.
  std::string updated = !items.empty() ? items.front().changed_at
                        : feed.search  ? feed.search->created_at
                                       : std::string("1970-01-01T00:00:00Z");
  std::string page = feed.search ? base_url + "/?" + feed.search->query
                                 : fmt::format("{}/?need={}", base_url, feed.need_id);
  std::string id = feed.search ? fmt::format("{}/feeds/search-{}", base_url, feed.search->id)
                               : fmt::format("{}/feeds/need-{}", base_url, feed.need_id);
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n";
  out += fmt::format("  <title>{}</title>\n", text::xml_escape(feed_title(feed)));
  out += fmt::format(
      "  <subtitle>{}</subtitle>\n",
      text::xml_escape(
          feed.search ? "Les opportunités nouvelles ou modifiées qui répondent à cette recherche"
                      : "Les nouvelles opportunités proposées pour ce besoin"));
  out += fmt::format("  <id>{}</id>\n", text::xml_escape(id));
  out += fmt::format("  <updated>{}</updated>\n", updated);
  out += fmt::format("  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
                     text::xml_escape(self));
  out += fmt::format("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                     text::xml_escape(page));
  out += "  <author><name>Terrier — groupe foncier du réseau</name></author>\n";
  out += "  <generator>Terrier</generator>\n";
  for (const auto& item : items) {
    std::string entry_id =
        item.match_id ? fmt::format("{}/?match={}", base_url, *item.match_id)
                      : fmt::format("{}/?opportunity={}#{}", base_url, item.id, item.changed_at);
    out += "  <entry>\n";
    out += fmt::format("    <title>{}</title>\n", text::xml_escape(item_title(item)));
    out += fmt::format("    <id>{}</id>\n", text::xml_escape(entry_id));
    out += fmt::format("    <updated>{}</updated>\n", item.changed_at);
    out += fmt::format("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                       text::xml_escape(item_link(item, base_url)));
    out += fmt::format("    <summary type=\"text\">{}</summary>\n",
                       text::xml_escape(item_summary(item)));
    out += "  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

DigestMail digest_mail(
    const db::AlertOwner& owner,
    const std::vector<std::pair<db::SavedSearch, std::vector<db::AlertItem>>>& searches,
    const std::string& base_url) {
  std::size_t total = 0;
  for (const auto& [search, items] : searches) total += items.size();
  DigestMail mail;
  mail.subject = total == 1
                     ? "Terrier : 1 opportunité nouvelle ou modifiée"
                     : fmt::format("Terrier : {} opportunités nouvelles ou modifiées", total);
  std::string hello = owner.name.empty() ? "Bonjour," : fmt::format("Bonjour {},", owner.name);
  mail.text = hello +
              "\n\nVoici ce qui a changé depuis votre dernier envoi dans vos recherches "
              "enregistrées.\n";
  mail.html = "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>" +
              text::xml_escape(mail.subject) + "</title></head><body>\n<p>" +
              text::xml_escape(hello) +
              "</p>\n<p>Voici ce qui a changé depuis votre dernier envoi dans vos recherches "
              "enregistrées.</p>\n";
  for (const auto& [search, items] : searches) {
    std::string page = base_url + "/?" + search.query;
    mail.text += fmt::format("\n== {} ({}) ==\n{}\n", search.name, items.size(), page);
    mail.html += fmt::format("<h2><a href=\"{}\">{}</a> ({})</h2>\n<ul>\n", text::xml_escape(page),
                             text::xml_escape(search.name), items.size());
    for (const auto& item : items) {
      mail.text += fmt::format("\n- {}\n  {}\n  {}\n", item_title(item), item_summary(item),
                               item_link(item, base_url));
      mail.html += fmt::format(
          "<li><a href=\"{}\">{}</a><br>{}</li>\n", text::xml_escape(item_link(item, base_url)),
          text::xml_escape(item_title(item)), text::xml_escape(item_summary(item)));
    }
    mail.html += "</ul>\n";
  }
  const std::string account = base_url + "/";
  mail.text += fmt::format(
      "\nPour ne plus recevoir ces messages, décochez « Recevoir par e-mail » dans « Mon compte » "
      ": {}\n",
      account);
  mail.html += fmt::format(
      "<p>Pour ne plus recevoir ces messages, décochez « Recevoir par e-mail » dans <a "
      "href=\"{}\">Mon compte</a>.</p>\n</body></html>\n",
      text::xml_escape(account));
  return mail;
}

}  // namespace terrier::api
