#include "matching/assignment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace terrier::matching {
namespace {

Match scored_pair(long long need, long long opp, double score) {
  Match m;
  m.need_id = need;
  m.opportunity_id = opp;
  m.score = score;
  return m;
}

struct Chosen {
  long long need, opp;
  bool operator==(const Chosen&) const = default;
};

std::vector<Chosen> chosen_pairs(const std::vector<Match>& matches) {
  std::vector<Chosen> out;
  for (const auto& m : matches) out.push_back({m.need_id, m.opportunity_id});
  return out;
}

std::string describe(const std::vector<Match>& pairs) {
  std::string s;
  for (const auto& p : pairs) {
    s += "(" + std::to_string(p.need_id) + "," + std::to_string(p.opportunity_id) + "," +
         std::to_string(p.score) + ") ";
  }
  return s;
}

long long in_hundredths(double score) {
  return std::llround(score * 100);
}

// The best total of any partial one-to-one assignment, in hundredths: every
// need either takes a free opportunity it is paired with, or none.
long long brute_force_best(const std::vector<Match>& pairs, const std::vector<long long>& needs,
                           std::size_t next_need, std::set<long long>& taken) {
  if (next_need == needs.size()) return 0;
  long long best = brute_force_best(pairs, needs, next_need + 1, taken);
  for (const auto& p : pairs) {
    if (p.need_id != needs[next_need] || taken.count(p.opportunity_id)) continue;
    taken.insert(p.opportunity_id);
    best = std::max(best,
                    in_hundredths(p.score) + brute_force_best(pairs, needs, next_need + 1, taken));
    taken.erase(p.opportunity_id);
  }
  return best;
}

long long brute_force_best(const std::vector<Match>& pairs) {
  std::set<long long> ids;
  for (const auto& p : pairs) ids.insert(p.need_id);
  std::vector<long long> needs(ids.begin(), ids.end());
  std::set<long long> taken;
  return brute_force_best(pairs, needs, 0, taken);
}

TEST(Assignment, EmptyInputGivesEmptyOutput) {
  EXPECT_TRUE(assign({}).empty());
  EXPECT_EQ(total_score({}), 0);
}

TEST(Assignment, GivesTheContestedBuildingToOneNeedAndTheOtherItsSecondChoice) {
  // Both needs like building 100 best; 1 -> 101 and 2 -> 100 totals 165,
  // more than 1 -> 100 and 2 -> 101 (130).
  std::vector<Match> pairs = {scored_pair(1, 100, 90), scored_pair(1, 101, 80),
                              scored_pair(2, 100, 85), scored_pair(2, 101, 40)};
  auto result = assign(pairs);
  EXPECT_EQ(chosen_pairs(result), (std::vector<Chosen>{{2, 100}, {1, 101}}));
  EXPECT_EQ(total_score(result), 16500);
}

TEST(Assignment, KeepsTheBestPairWhenTheSecondChoiceIsTooPoor) {
  // 1 -> 100 and 2 -> 101 totals 110; 1 -> 101 and 2 -> 100 only 105.
  std::vector<Match> pairs = {scored_pair(1, 100, 90), scored_pair(1, 101, 20),
                              scored_pair(2, 100, 85), scored_pair(2, 101, 20)};
  auto result = assign(pairs);
  EXPECT_EQ(chosen_pairs(result), (std::vector<Chosen>{{1, 100}, {2, 101}}));
}

TEST(Assignment, LeavesANeedWithoutBuildingRatherThanLowerTheTotal) {
  // One building, two needs: only one of them gets it, the better one.
  std::vector<Match> pairs = {scored_pair(1, 100, 60.5), scored_pair(2, 100, 72.25)};
  auto result = assign(pairs);
  EXPECT_EQ(chosen_pairs(result), (std::vector<Chosen>{{2, 100}}));
  EXPECT_DOUBLE_EQ(result[0].score, 72.25);
}

TEST(Assignment, TotalScoreCountsInHundredths) {
  EXPECT_EQ(total_score(
                {scored_pair(1, 100, 12.34), scored_pair(2, 101, 0.01), scored_pair(3, 102, 100)}),
            11235);
}

TEST(Assignment, MatchesBruteForceOnRandomInstances) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> count(1, 6);
  std::uniform_int_distribution<int> hundredths(0, 10000);
  std::bernoulli_distribution present(0.6);
  std::size_t non_trivial = 0;
  for (int instance = 0; instance < 200; ++instance) {
    int needs = count(rng), opps = count(rng);
    std::vector<Match> pairs;
    for (int n = 1; n <= needs; ++n) {
      for (int o = 1; o <= opps; ++o) {
        if (present(rng)) pairs.push_back(scored_pair(n, 100 + o, hundredths(rng) / 100.0));
      }
    }
    auto result = assign(pairs);
    const std::string where = "instance " + std::to_string(instance) + ": " + describe(pairs);
    EXPECT_EQ(total_score(result), brute_force_best(pairs)) << where;
    if (result.size() > 1) ++non_trivial;

    std::set<long long> needs_seen, opps_seen;
    for (const auto& m : result) {
      EXPECT_TRUE(needs_seen.insert(m.need_id).second) << "need twice, " << where;
      EXPECT_TRUE(opps_seen.insert(m.opportunity_id).second) << "opportunity twice, " << where;
      bool is_input = std::any_of(pairs.begin(), pairs.end(), [&](const Match& p) {
        return p.need_id == m.need_id && p.opportunity_id == m.opportunity_id && p.score == m.score;
      });
      EXPECT_TRUE(is_input) << where;
    }
    for (std::size_t i = 1; i < result.size(); ++i) {
      EXPECT_GE(result[i - 1].score, result[i].score) << "not best first, " << where;
    }
  }
  EXPECT_GT(non_trivial, 50u);
}

}  // namespace
}  // namespace terrier::matching
