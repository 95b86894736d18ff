#include "matching/assignment.hpp"

#include <lemon/list_graph.h>
#include <lemon/matching.h>

#include <cmath>
#include <map>

#include "matching/engine.hpp"

namespace terrier::matching {
namespace {
long long hundredths(double score) {
  return std::llround(score * 100);
}
}  // namespace

long long total_score(const std::vector<Match>& pairs) {
  long long total = 0;
  for (const auto& p : pairs) total += hundredths(p.score);
  return total;
}

std::vector<Match> assign(const std::vector<Match>& pairs) {
  lemon::ListGraph graph;
  lemon::ListGraph::EdgeMap<long long> weight(graph);
  lemon::ListGraph::EdgeMap<std::size_t> pair_of(graph);
  std::map<long long, lemon::ListGraph::Node> needs, opportunities;
  auto node = [&graph](std::map<long long, lemon::ListGraph::Node>& nodes, long long id) {
    auto it = nodes.find(id);
    if (it == nodes.end()) it = nodes.emplace(id, graph.addNode()).first;
    return it->second;
  };
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (hundredths(pairs[i].score) <= 0) continue;  // a zero pair adds nothing
    auto e =
        graph.addEdge(node(needs, pairs[i].need_id), node(opportunities, pairs[i].opportunity_id));
    weight[e] = hundredths(pairs[i].score);
    pair_of[e] = i;
  }
  lemon::MaxWeightedMatching<lemon::ListGraph, lemon::ListGraph::EdgeMap<long long>> solver(graph,
                                                                                            weight);
  solver.run();
  std::vector<Match> chosen;
  for (lemon::ListGraph::EdgeIt e(graph); e != lemon::INVALID; ++e) {
    if (solver.matching(e)) chosen.push_back(pairs[pair_of[e]]);
  }
  sort_matches(chosen);
  return chosen;
}

}  // namespace terrier::matching
