#pragma once

// The API fixture with a need matched to the opportunities of
// cp1252_french.csv (T-1 public, T-2 réseau, T-3 confidentiel), tokens for
// every role and a writer: shared by the follow-up, request and re-import
// tests.

#include <fstream>

#include "tests/api/api_fixture.hpp"

namespace terrier::test {

class FollowupTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    need_ = add_matched_need();
    admin_ = token("admin");
    animator_ = token("animator", "lille-59350", "test-animator");
  }

  // The match of need N-1 with an opportunity, by the opportunity's reference.
  std::string match_of(const std::string& ref) {
    return value(
        "SELECT m.id FROM matches m JOIN opportunities o ON o.id = m.opportunity_id "
        "WHERE o.external_id = '" +
        ref + "'");
  }

  std::string need_, admin_, animator_;
};

}  // namespace terrier::test
