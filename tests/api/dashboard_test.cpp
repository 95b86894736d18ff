// A territory's dashboard (GET /api/territories/{slug}/dashboard) against a
// real server and PostGIS: each role's counts equal SQL counts written here
// apart (the visibilities each role reads spelled out), the surface found
// and the median time to an agreement follow the follow-up's history, the
// CSV holds the same figures under French labels, bad parameters are
// refused.

#include <fmt/core.h>

#include <map>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

// What each role reads of the opportunities, written out here rather than
// taken from core/roles.
const std::map<std::string, std::string> kVisible = {
    {"public", "'{public}'"},
    {"member", "'{public,réseau}'"},
    {"animator", "'{public,réseau}'"},
    {"foundation", "'{public,réseau,confidentiel}'"}};

class Dashboard : public ApiTest {
 protected:
  Dashboard() : ApiTest(demo_template(/*with_friches=*/false, api_opportunities())) {}

  void SetUp() override {
    ApiTest::SetUp();
    match_all();
    animator_ = token("animator", "mel");
  }

  json dashboard(const std::string& slug, const std::string& bearer) {
    auto r = get("/api/territories/" + slug + "/dashboard", bearer);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200)
      throw std::runtime_error("dashboard: " + std::to_string(r.status) + " " + r.body);
    return json::parse(r.body);
  }

  // count(*) grouped by one column, as {value: n}.
  std::map<std::string, long long> grouped(const std::string& sql) {
    pqxx::read_transaction r(*conn_);
    std::map<std::string, long long> out;
    for (const auto& row : r.exec(sql))
      out[row.at(0).as<std::string>()] = row.at(1).as<long long>();
    return out;
  }

  static std::map<std::string, long long> non_zero(const json& object) {
    std::map<std::string, long long> out;
    for (const auto& [k, v] : object.items()) {
      if (v.get<long long>() != 0) out[k] = v.get<long long>();
    }
    return out;
  }

  std::string in_circle(const std::string& slug, const std::string& role) {
    return fmt::format(
        " FROM opportunities o JOIN territories t ON t.slug = '{}' AND ST_Intersects(t.geom, "
        "o.point) WHERE o.visibility::text = ANY({}::text[]) ",
        slug, kVisible.at(role));
  }

  std::string animator_;
};

TEST_F(Dashboard, EachRoleCountsWhatItReadsAsSqlCountsItApart) {
  // The follow-up moves some pairs along, so that every stage is counted.
  pqxx::read_transaction list(*conn_);
  auto pairs = list.exec(
      "SELECT m.id FROM matches m JOIN opportunities o ON o.id = m.opportunity_id "
      "JOIN territories t ON t.slug = 'mel' AND ST_Intersects(t.geom, o.point) ORDER BY m.id "
      "LIMIT 3");
  list.commit();
  ASSERT_EQ(pairs.size(), 3u) << "the demo data make matches in the MEL";
  for (auto [i, status] : {std::pair{0, "contacté"}, {1, "visite"}, {2, "refusé"}}) {
    auto r = send("PATCH", "/api/matches/" + pairs[i][0].as<std::string>(),
                  fmt::format(R"({{"status":"{}"}})", status), foundation_);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  int compared = 0;
  for (const std::string slug : {"mel", "littoral"}) {
    for (auto [role, bearer] : {std::pair<std::string, std::string>{"public", ""},
                                {"member", member_},
                                {"animator", animator_},
                                {"foundation", foundation_}}) {
      const json d = dashboard(slug, bearer);
      const std::string scope = slug + " / " + role;
      EXPECT_EQ(non_zero(d["opportunities"]["by_status"]),
                grouped("SELECT o.status, count(*)" + in_circle(slug, role) + "GROUP BY 1"))
          << scope;
      EXPECT_EQ(non_zero(d["opportunities"]["by_kind"]),
                grouped("SELECT o.kind, count(*)" + in_circle(slug, role) + "GROUP BY 1"))
          << scope;
      EXPECT_EQ(d["opportunities"]["by_status"].size(), 4u);  // every status, 0 included
      EXPECT_EQ(d["to_reverify"].get<long long>(),
                count("SELECT count(*)" + in_circle(slug, role) +
                      "AND coalesce(o.last_verified, o.created_at::date) < current_date - "
                      "interval '6 months'"))
          << scope;
      EXPECT_EQ(
          non_zero(d["needs"]["by_status"]),
          grouped(fmt::format(
              "SELECT n.status, count(*) FROM needs n JOIN territories t ON t.slug = '{}' "
              "AND ST_Intersects(t.geom, coalesce(n.search_center, ST_PointOnSurface(coalesce("
              "n.search_polygon, (SELECT geom FROM territories s WHERE s.id = "
              "n.search_territory_id), ST_Buffer(n.search_center::geography, "
              "n.search_radius_m)::geometry)))) GROUP BY 1",
              slug)))
          << scope;
      if (role == "public") {
        // The follow-up is the network's: a visitor reads none of it.
        EXPECT_TRUE(d["matches"].is_null()) << d.dump();
        EXPECT_TRUE(d["surface_found_m2"].is_null());
        EXPECT_TRUE(d["median_days_proposed_to_agreement"].is_null());
      } else {
        EXPECT_EQ(
            non_zero(d["matches"]["by_stage"]),
            grouped("SELECT m.status, count(*) FROM matches m JOIN opportunities o ON o.id "
                    "= m.opportunity_id JOIN territories t ON t.slug = '" +
                    slug + "' AND ST_Intersects(t.geom, o.point) WHERE o.visibility::text = ANY(" +
                    kVisible.at(role) +
                    "::text[]) AND (m.still_valid OR m.status <> 'proposé') GROUP BY 1"))
            << scope;
        EXPECT_EQ(d["surface_found_m2"], 0.0);  // no agreement yet
        EXPECT_TRUE(d["median_days_proposed_to_agreement"].is_null());
      }
      ++compared;
    }
  }
  EXPECT_EQ(compared, 8);
  // The three pairs moved along are counted (the demo data made the MEL's
  // figures something).
  json mel = dashboard("mel", foundation_);
  EXPECT_GE(mel["matches"]["by_stage"]["contacté"].get<long long>(), 1);
  EXPECT_GE(mel["matches"]["by_stage"]["visite"].get<long long>(), 1);
  EXPECT_GE(mel["matches"]["by_stage"]["refusé"].get<long long>(), 1);
  EXPECT_GT(mel["opportunities"]["by_status"]["disponible"].get<long long>(), 0);
  // The fixture's T-2 (réseau) and T-3 (confidentiel) lie in the MEL: a
  // visitor counts fewer buildings than a member, a member fewer than a
  // foundation.
  auto total = [](const json& d) {
    long long n = 0;
    for (const auto& [k, v] : d["opportunities"]["by_status"].items()) n += v.get<long long>();
    return n;
  };
  EXPECT_LT(total(dashboard("mel", "")), total(dashboard("mel", member_)));
  EXPECT_LT(total(dashboard("mel", member_)), total(mel));
}

TEST_F(Dashboard, SurfaceAndMedianDelayFollowTheAgreements) {
  // Two buildings of the MEL that members read (public or réseau) reach an
  // agreement, proposed 10 and 4 days ago: the median is 7 days, the surface
  // the sum of both. (The demo has one such public building: the second is
  // a network one.)
  pqxx::read_transaction list(*conn_);
  auto pairs = list.exec(
      "SELECT DISTINCT ON (o.id) m.id, o.id, CASE WHEN o.kind IN ('terrain', 'friche') THEN "
      "o.land_surface_m2 ELSE o.built_surface_m2 END FROM matches m JOIN opportunities o ON o.id "
      "= m.opportunity_id JOIN territories t ON t.slug = 'mel' AND ST_Intersects(t.geom, "
      "o.point) WHERE o.visibility IN ('public', 'réseau') AND o.built_surface_m2 IS NOT NULL AND "
      "o.kind NOT IN "
      "('terrain', 'friche') "
      "ORDER BY o.id, m.id LIMIT 2");
  list.commit();
  ASSERT_EQ(pairs.size(), 2u);
  double surface = 0;
  int days = 10;
  for (const auto& p : pairs) {
    {
      pqxx::work w(*conn_);
      w.exec_params(
          "UPDATE matches SET first_computed_at = now() - make_interval(days => $2) "
          "WHERE id = $1",
          p[0].as<long long>(), days);
      w.commit();
    }
    days = 4;
    auto r =
        send("PATCH", "/api/matches/" + p[0].as<std::string>(), R"({"status":"accord"})", member_);
    ASSERT_EQ(r.status, 200) << r.body;
    surface += p[2].as<double>();
  }
  // A later change of the note does not move the date of the agreement.
  auto r = send("PATCH", "/api/matches/" + pairs[0][0].as<std::string>(),
                R"({"note":"signature chez le notaire"})", member_);
  ASSERT_EQ(r.status, 200) << r.body;
  for (const auto& bearer : {member_, animator_, foundation_}) {
    json d = dashboard("mel", bearer);
    EXPECT_EQ(d["matches"]["by_stage"]["accord"], 2);
    EXPECT_DOUBLE_EQ(d["surface_found_m2"].get<double>(), surface);
    EXPECT_NEAR(d["median_days_proposed_to_agreement"].get<double>(), 7.0, 0.11) << d.dump();
  }
  // The CSV: the same figures, French labels and decimal commas.
  auto csv = get("/api/territories/mel/dashboard?format=csv", member_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.header("content-disposition").find("terrier-mel-tableau-de-bord-"),
            std::string::npos);
  json d = dashboard("mel", member_);
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBFRubrique;Clé;Valeur\r\n", 0), 0u) << csv.body;
  EXPECT_NE(csv.body.find(fmt::format("\"Opportunités par statut\";\"disponible\";{}\r\n",
                                      d["opportunities"]["by_status"]["disponible"].get<int>())),
            std::string::npos)
      << csv.body;
  EXPECT_NE(csv.body.find("\"Correspondances par étape du suivi\";\"accord\";2\r\n"),
            std::string::npos)
      << csv.body;
  std::string median = fmt::format("{}", d["median_days_proposed_to_agreement"].get<double>());
  std::replace(median.begin(), median.end(), '.', ',');
  EXPECT_NE(csv.body.find(";" + median + "\r\n"), std::string::npos) << csv.body;
  // One line per figure: 4 statuses, 8 kinds, 3 needs' statuses, 6 stages,
  // surface, median, to re-verify, and the header.
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 1 + 4 + 8 + 3 + 6 + 3);
  // A visitor's CSV has no follow-up.
  auto visitor = get("/api/territories/mel/dashboard?format=csv");
  EXPECT_EQ(visitor.body.find("Correspondances"), std::string::npos) << visitor.body;
  EXPECT_EQ(visitor.body.find("Surface trouvée"), std::string::npos) << visitor.body;
}

TEST_F(Dashboard, RefusesWhatItCannotAnswer) {
  auto r = get("/api/territories/mel/dashboard?format=pdf");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("format"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("json ou csv"), std::string::npos) << r.body;
  EXPECT_EQ(get("/api/territories/mel/dashboard?circle=mel").status, 400);
  EXPECT_EQ(get("/api/territories/atlantide/dashboard").status, 404);
  EXPECT_EQ(get("/api/territories/mel/dashboard?format=csv").status, 200);
}

}  // namespace
}  // namespace terrier::test
