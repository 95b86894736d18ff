#pragma once

// One-to-one assignment of needs to opportunities that maximises the total
// score, so that two collectives are not sent to the same building. Solved
// as a maximum-weight matching with LEMON.

#include <vector>

#include "matching/model.hpp"

namespace terrier::matching {

// pairs: every valid (need, opportunity) pair with its score. Returns the
// chosen pairs, each need and each opportunity at most once, best first.
std::vector<Match> assign(const std::vector<Match>& pairs);

// Total score of a set of pairs, in hundredths (the solver's integer weights).
long long total_score(const std::vector<Match>& pairs);

}  // namespace terrier::matching
