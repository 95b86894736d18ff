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
    std::string file = "/tmp/terrier-followup-needs-" + db_.name() + ".csv";
    std::ofstream(file) << "Réf.;Collectif;Contact;Surface min (m²);Surface max (m²);Latitude;"
                           "Longitude;Rayon (km)\n"
                           "N-1;Collectif du Nord;06 00 00 00 00;50;3000;50,64;3,07;20\n";
    run(importers::ImportKind::needs, file);
    std::remove(file.c_str());
    auto r = run_terrier("match --all", "TERRIER_DATABASE_URL=" + db_.url());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    need_ = value("SELECT id FROM needs WHERE external_id = 'N-1'");
    admin_ = token("admin");
    auto t =
        run_terrier("token create --role animator --territory lille-59350 --name test-animator",
                    "TERRIER_DATABASE_URL=" + db_.url())
            .output;
    while (!t.empty() && t.back() == '\n') t.pop_back();
    animator_ = t.substr(t.rfind('\n') + 1);
  }

  HttpResponse send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& bearer, const std::string& extra_header = "") {
    std::string headers =
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n" + (bearer.empty() ? "" : "Authorization: Bearer " + bearer + "\r\n") +
        (extra_header.empty() ? "" : extra_header + "\r\n");
    return http_request(port_, method, target, headers, body);
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
