// Impossible values and injection payloads in files that can be read: each
// bad value is rejected by line and column, the rest stored verbatim.

#include "tests/reliability/reliability_fixture.hpp"

namespace terrier::test {
namespace {

// Rows with impossible values are rejected one by one, by line and column;
// when every row is bad, nothing is written.
TEST_F(Reliability, ImpossibleValuesAreRejectedByLineAndColumn) {
  BadFiles files;
  const std::string before = model();
  auto surfaces = import("opportunities " + bad("bad_surfaces.csv"));
  EXPECT_EQ(surfaces.exit_code, 0) << surfaces.output;
  for (int line = 2; line <= 6; ++line) {
    EXPECT_NE(surfaces.output.find(fmt::format(
                  "bad_surfaces.csv:line {}: rejected: column 'Surface bâtie (m²)'", line)),
              std::string::npos)
        << surfaces.output;
  }
  EXPECT_NE(surfaces.output.find("rejected 5"), std::string::npos);

  auto coordinates = import("opportunities " + bad("bad_coordinates.csv"));
  EXPECT_EQ(coordinates.exit_code, 0) << coordinates.output;
  for (int line = 2; line <= 7; ++line) {
    EXPECT_NE(coordinates.output.find(
                  fmt::format("bad_coordinates.csv:line {}: rejected: column '", line)),
              std::string::npos)
        << coordinates.output;
  }
  EXPECT_NE(coordinates.output.find("rejected 6"), std::string::npos);

  std::string million = files.million_vertices();
  auto need = import("needs " + million);
  EXPECT_NE(need.output.find("le polygone a 1000001 sommets, au plus 100000 : simplifiez-le"),
            std::string::npos)
      << need.output;
  auto territory = import("territories --level epci --code-field code " + million);
  EXPECT_NE(territory.output.find("le polygone a 1000001 sommets, au plus 100000"),
            std::string::npos)
      << territory.output;
  EXPECT_EQ(model(), before);
  expect_serving();
}

// SQL and HTML metacharacters in every text field are data: stored and
// served back exactly, and no table is touched.
TEST_F(Reliability, InjectionPayloadsAreStoredAndServedVerbatim) {
  const long long needs = count("SELECT count(*) FROM needs");
  auto r = import("opportunities " + bad("injection.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("inserted 7"), std::string::npos) << r.output;
  const std::vector<std::string> payloads = {"'; DROP TABLE opportunities; --",
                                             "Robert'); DELETE FROM needs; --",
                                             "<script>alert('x')</script>",
                                             "<img src=x onerror=alert(1)>",
                                             "\" OR \"1\"=\"1",
                                             "$1 $$ \\x00 %s %n {0} ${jndi:ldap://x}",
                                             "=HYPERLIEN(\"http://x\")"};
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    SCOPED_TRACE(payloads[i]);
    pqxx::read_transaction t(*conn_);
    auto row = t.exec_params1("SELECT title, address FROM opportunities WHERE external_id = $1",
                              "I-" + std::to_string(i + 1));
    EXPECT_EQ(row[0].as<std::string>(), payloads[i]);
    EXPECT_EQ(row[1].as<std::string>(), payloads[i]);
  }
  EXPECT_EQ(count("SELECT count(*) FROM needs"), needs);
  // Searched through the API as typed.
  auto found = get(
      "/ogcapi/collections/opportunities/items?q=%27%3B%20DROP%20TABLE%20opportunities%3B%20--");
  ASSERT_EQ(found.status, 200) << found.body;
  auto page = json::parse(found.body);
  ASSERT_EQ(page["numberMatched"], 1);
  EXPECT_EQ(page["features"][0]["properties"]["title"], payloads[0]);
  // JSON escapes nothing away and the browser is told not to sniff.
  EXPECT_EQ(found.header("X-Content-Type-Options"), "nosniff");
  expect_serving();
}

}  // namespace
}  // namespace terrier::test
