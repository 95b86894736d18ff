// The assignment (one building per collective, best total score) on a small
// world: through the API and through `terrier match --assign` without a
// territory, each need and each building at most once, and a total equal to
// the optimum found by trying every assignment of the ranked pairs.

#include <functional>
#include <set>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {
namespace {

struct Pair {
  long long need, opportunity;
  double score;
};

// The best total over every way to give each need one of its pairs' buildings
// (or none), no building twice.
double brute_force_optimum(const std::map<long long, std::vector<Pair>>& by_need) {
  std::vector<const std::vector<Pair>*> needs;
  for (const auto& [id, pairs] : by_need) needs.push_back(&pairs);
  std::set<long long> used;
  std::function<double(std::size_t)> best = [&](std::size_t i) -> double {
    if (i == needs.size()) return 0.0;
    double top = best(i + 1);  // this need gets nothing
    for (const auto& p : *needs[i]) {
      if (used.count(p.opportunity)) continue;
      used.insert(p.opportunity);
      top = std::max(top, p.score + best(i + 1));
      used.erase(p.opportunity);
    }
    return top;
  };
  return best(0);
}

// The JSON array in a command's output (after any log line).
json json_array_in(const std::string& output) {
  auto begin = output.find('['), end = output.rfind(']');
  if (begin == std::string::npos || end == std::string::npos) return json::array();
  return json::parse(output.substr(begin, end - begin + 1));
}

}  // namespace

class AssignmentWorld : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();  // T-1 (Lille, 1250 m²) is available too
    std::string opps = "/tmp/terrier-world-opps-" + db_.name() + ".csv";
    std::ofstream(opps)
        << "Réf.;Intitulé;Type de bien;Latitude;Longitude;Surface bâtie (m²);"
           "Mode de mise à disposition;Statut;Visibilité\n"
           "O-1;Local 150;bâtiment mixte;50,6310;3,0550;150;location;disponible;public\n"
           "O-2;Local 300;bâtiment mixte;50,6340;3,0600;300;location;disponible;public\n"
           "O-3;Local 600;bâtiment mixte;50,6300;3,0650;600;location;disponible;public\n"
           "O-4;Local 1000;bâtiment mixte;50,6360;3,0520;1000;location;disponible;réseau\n"
           "O-5;Local 2000;bâtiment mixte;50,6280;3,0700;2000;location;disponible;public\n";
    ASSERT_EQ(opportunities(opps).rejected, 0);
    std::remove(opps.c_str());
    std::string needs = "/tmp/terrier-world-needs-" + db_.name() + ".csv";
    std::ofstream(needs)
        << "Réf.;Collectif;Surface min (m²);Surface idéale (m²);Surface max (m²);"
           "Types recherchés;Modes acceptés;Latitude;Longitude;Rayon (km)\n"
           "B-1;Collectif un;100;300;700;bâtiment mixte;location;50,633;3,06;5\n"
           "B-2;Collectif deux;250;600;1200;bâtiment mixte;location;50,633;3,06;5\n"
           "B-3;Collectif trois;500;1000;2500;bâtiment mixte;location;50,633;3,06;5\n"
           "B-4;Collectif quatre;100;200;400;bâtiment mixte;location;50,633;3,06;5\n";
    ASSERT_EQ(run(importers::ImportKind::needs, needs).rejected, 0);
    std::remove(needs.c_str());
  }

  CommandResult terrier(const std::string& args) {
    return run_terrier(args, "TERRIER_DATABASE_URL=" + db_.url());
  }

  // Every need's ranked pairs, as `terrier match --need ID --json` scores them.
  std::map<long long, std::vector<Pair>> ranked_pairs() {
    std::map<long long, std::vector<Pair>> out;
    for (const char* ref : {"B-1", "B-2", "B-3", "B-4"}) {
      long long need =
          std::stoll(value(std::string("SELECT id FROM needs WHERE external_id = '") + ref + "'"));
      auto r = terrier("match --need " + std::to_string(need) + " --limit 50 --json");
      EXPECT_EQ(r.exit_code, 0) << r.output;
      for (const auto& m : json_array_in(r.output)) {
        out[need].push_back({need, m["opportunity_id"].get<long long>(), m["score"].get<double>()});
      }
    }
    return out;
  }

  // Checks an assignment: each need and building once, pairs that exist,
  // and the optimum's total.
  void expect_optimal(const json& assignment, const std::map<long long, std::vector<Pair>>& pairs) {
    std::set<long long> needs, buildings;
    double total = 0;
    for (const auto& a : assignment) {
      long long n = a["need_id"].get<long long>(), o = a["opportunity_id"].get<long long>();
      EXPECT_TRUE(needs.insert(n).second) << "need " << n << " twice";
      EXPECT_TRUE(buildings.insert(o).second) << "building " << o << " twice";
      bool known = false;
      for (const auto& p : pairs.count(n) ? pairs.at(n) : std::vector<Pair>{})
        known |= p.opportunity == o;
      EXPECT_TRUE(known) << "need " << n << " was given a building it does not fit: " << o;
      total += a["score"].get<double>();
    }
    EXPECT_NEAR(total, brute_force_optimum(pairs), 1e-6) << assignment.dump();
  }
};

TEST_F(AssignmentWorld, TheWorldHasCompetingPairs) {
  auto pairs = ranked_pairs();
  ASSERT_EQ(pairs.size(), 4u);
  std::size_t all = 0;
  for (const auto& [need, list] : pairs) all += list.size();
  EXPECT_GE(all, 10u);  // more pairs than needs: the choice matters
}

TEST_F(AssignmentWorld, TheApiAssignmentIsABruteForceOptimum) {
  auto pairs = ranked_pairs();
  auto r = get("/api/assignment?territory=lille-59350", foundation_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto assignment = json::parse(r.body)["assignment"];
  EXPECT_EQ(assignment.size(), 4u) << r.body;
  expect_optimal(assignment, pairs);
}

TEST_F(AssignmentWorld, TheCommandWithoutTerritoryAssignsTheWholeRegionOptimally) {
  auto pairs = ranked_pairs();
  auto r = terrier("match --assign --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto assignment = json_array_in(r.output);
  EXPECT_EQ(assignment.size(), 4u) << r.output;
  expect_optimal(assignment, pairs);
  // The table form names the collectives.
  auto table = terrier("match --assign");
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("Local"), std::string::npos) << table.output;
}

}  // namespace terrier::test
