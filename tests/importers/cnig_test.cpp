// The CNIG Friches standard in and out, against real PostGIS: a CNIG file
// is recognised without a mapping, its values kept, its latitude-first WKT
// read and flagged; the export validates against the standard's
// schema.json with the schema's own rules (types, required, enum, pattern,
// missingValues), checked by a small Table Schema validator below.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "api/cnig_export.hpp"
#include "importers/csv_reader.hpp"
#include "tests/importers/import_fixture.hpp"

namespace terrier::test {
namespace {

namespace fs = std::filesystem;
using importers::french;
using importers::ImportKind;
using importers::Reason;
using importers::ReasonCode;
using importers::RowIssue;

// The standard's own files (schema-friches v1.0.6, Licence Ouverte 2.0).
std::string shared_cnig(const std::string& name) {
  return fixture("cnig/" + name);
}

const RowIssue* issue_for_column(const importers::ImportReport& r, std::size_t pos,
                                 const std::string& column) {
  for (const auto& i : r.issues) {
    if (i.position == pos && i.column == column) return &i;
  }
  return nullptr;
}

// A Frictionless Table Schema validator for what schema.json uses: field
// order, missingValues, required, type (string, integer, date with its
// format), enum, pattern (matched against the whole value).
class TableSchema {
 public:
  explicit TableSchema(const std::string& path) {
    std::ifstream in(path);
    schema_ = nlohmann::json::parse(in);
    for (const auto& m : schema_.at("missingValues")) missing_.push_back(m.get<std::string>());
  }

  std::vector<std::string> validate(const std::string& csv) const {
    std::vector<std::string> errors;
    importers::CsvReader reader(csv);
    const auto& fields = schema_.at("fields");
    if (reader.header().size() != fields.size()) errors.push_back("wrong number of columns");
    for (std::size_t i = 0; i < fields.size() && i < reader.header().size(); ++i) {
      if (reader.header()[i] != fields[i].at("name")) {
        errors.push_back("column " + std::to_string(i + 1) + " is " + reader.header()[i]);
      }
    }
    importers::CsvRecord record;
    while (reader.next(record)) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        std::string v = i < record.fields.size() ? record.fields[i] : "";
        if (auto e = check(fields[i], v)) {
          errors.push_back("line " + std::to_string(record.line) + " " +
                           fields[i].at("name").get<std::string>() + " '" + v + "': " + *e);
        }
      }
    }
    return errors;
  }

 private:
  std::optional<std::string> check(const nlohmann::json& field, const std::string& v) const {
    const auto& c = field.value("constraints", nlohmann::json::object());
    bool missing = std::find(missing_.begin(), missing_.end(), v) != missing_.end();
    if (missing) {
      if (c.value("required", false)) return "required";
      return std::nullopt;
    }
    std::string type = field.at("type");
    if (type == "integer" && !std::regex_match(v, std::regex(R"([+-]?\d+)")))
      return "not an integer";
    if (type == "date") {
      std::string format = field.value("format", "%Y-%m-%d");
      if (format == "%Y" && !std::regex_match(v, std::regex(R"(\d{4})"))) return "not a year";
      if (format == "%Y-%m-%d") {
        std::smatch m;
        if (!std::regex_match(v, m, std::regex(R"((\d{4})-(\d{2})-(\d{2}))"))) return "not a date";
        int month = std::stoi(m[2]), day = std::stoi(m[3]);
        if (month < 1 || month > 12 || day < 1 || day > 31) return "not a date";
      }
    }
    if (c.contains("enum")) {
      bool found = false;
      for (const auto& e : c.at("enum")) found = found || e.get<std::string>() == v;
      if (!found) return "not in the enum";
    }
    if (c.contains("pattern") &&
        !std::regex_match(v, std::regex(c.at("pattern").get<std::string>()))) {
      return "does not match the pattern";
    }
    return std::nullopt;
  }

  nlohmann::json schema_;
  std::vector<std::string> missing_;
};

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) out += e + "\n";
  return out;
}

std::string temp_file(const std::string& name) {
  return (fs::temp_directory_path() / ("terrier-cnig-" + std::to_string(getpid()) + "-" + name))
      .string();
}

TEST(CnigSchemaValidator, AcceptsTheStandardsOwnExampleAndRefusesABrokenCopy) {
  TableSchema schema(shared_cnig("schema.json"));
  EXPECT_EQ(joined(schema.validate(shared_cnig("fichier-valide.csv"))), "");

  std::ifstream in(shared_cnig("fichier-valide.csv"));
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  auto broken = [&](const std::string& from, const std::string& to) {
    std::string path = temp_file("broken.csv");
    std::string r = row;
    r.replace(r.find(from), from.size(), to);
    std::ofstream(path) << header << "\n" << r << "\n";
    auto errors = schema.validate(path);
    fs::remove(path);
    return errors.size();
  };
  EXPECT_EQ(broken("12083_22-12.0017,", "NA,"), 1u);                 // required + missingValues
  EXPECT_EQ(broken("friche avec projet", "friche en sommeil"), 1u);  // enum
  EXPECT_EQ(broken("2003-05-18", "18/05/2003"), 1u);                 // date format
  EXPECT_EQ(broken(",2400,", ",2400.5,"), 1u);                       // integer
  EXPECT_EQ(broken("B05.10Z|V89.04Z", "B0510Z"), 1u);                // pattern
}

TEST_F(ImportTest, CnigFileIsRecognisedWithoutAMappingAndKeepsItsValues) {
  auto r = opportunities(fixture("real/cnig_friches.csv"));
  EXPECT_EQ(r.inserted, 3) << (r.issues.empty() ? "" : french(r.issues.back().reason));
  EXPECT_EQ(r.rejected, 0);
  auto q = [&](const std::string& ref, const std::string& expr) {
    return value("SELECT " + expr +
                 " FROM opportunities o LEFT JOIN opportunity_private p ON "
                 "p.opportunity_id = o.id WHERE o.external_id = '" +
                 ref + "'");
  };
  EXPECT_EQ(q("59350_FR-0001",
              "title || '|' || kind || '|' || status || '|' || source_status || '|' || "
              "built_surface_m2 || '|' || land_surface_m2 || '|' || p.owner_name"),
            "Filature Le Blan|friche|disponible|friche sans projet|2400|16750|SCI Le Blan");
  EXPECT_EQ(q("59009_FR-0002", "status || '|' || source_status"),
            "en discussion|friche avec projet");
  EXPECT_EQ(q("59350_FR-0003", "status || '|' || source_status || '|' || GeometryType(geom)"),
            "retirée|friche reconvertie|MULTIPOLYGON");
  // The standard's example writes latitude first: read, and flagged.
  EXPECT_EQ(
      q("59350_FR-0001", "round(ST_X(geom)::numeric, 4) || ' ' || round(ST_Y(geom)::numeric, 4)"),
      "3.0850 50.6300");
  EXPECT_EQ(q("59350_FR-0001", "attributes->'axis_order'->>'wkt'"), "latitude longitude");
  EXPECT_NE(issue_for_column(r, 2, "geompoint"), nullptr);
  EXPECT_EQ(
      q("59009_FR-0002",
        "round(ST_X(geom)::numeric, 4) || ' ' || coalesce(attributes->>'axis_order', 'lon lat')"),
      "3.1490 lon lat");
  // The other CNIG fields, under their CNIG names.
  EXPECT_EQ(q("59350_FR-0001",
              "attributes->>'site_type' || '|' || (attributes->>'urba_zaer') || '|' || "
              "(attributes->>'activite_code')"),
            "friche industrielle|non|B05.10Z|V89.04Z");
}

TEST_F(ImportTest, CnigExportValidatesAgainstTheSchemaAndRoundTrips) {
  opportunities(fixture("real/cnig_friches.csv"));
  opportunities(fixture("real/qgis_snake_case.csv"));  // not friches: exported as "autre"
  TableSchema schema(shared_cnig("schema.json"));
  std::string out = temp_file("export.csv");
  auto cli = run_terrier("export --format cnig -o " + out, "TERRIER_DATABASE_URL=" + db_.url());
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(joined(schema.validate(out)), "");

  importers::CsvReader reader(out);
  std::map<std::string, std::map<std::string, std::string>> rows;
  importers::CsvRecord record;
  while (reader.next(record)) {
    auto& row = rows[record.fields[0]];
    for (std::size_t i = 0; i < reader.header().size(); ++i)
      row[reader.header()[i]] = record.fields[i];
  }
  ASSERT_EQ(rows.size(), 5u);
  auto& blan = rows.at("59350_FR-0001");
  EXPECT_EQ(blan["site_nom"], "Filature Le Blan");
  EXPECT_EQ(blan["site_type"], "friche industrielle");
  EXPECT_EQ(blan["site_statut"], "friche sans projet");
  EXPECT_EQ(blan["bati_surface"], "2400");
  EXPECT_EQ(blan["unite_fonciere_surface"], "16750");
  EXPECT_EQ(blan["proprio_nom"], "SCI Le Blan");  // the command line is trusted
  EXPECT_EQ(blan["geompoint"], "POINT(3.085000 50.630000)");
  EXPECT_EQ(blan["site_identif_date"], "2003-05-18");
  EXPECT_EQ(blan["comm_insee"], "59350");
  EXPECT_EQ(rows.at("59350_FR-0003")["site_statut"], "friche reconvertie");
  EXPECT_NE(rows.at("59350_FR-0003")["geomsurf"].find("POLYGON"), std::string::npos);
  EXPECT_EQ(rows.at("Q-1")["site_type"], "autre");
  EXPECT_EQ(rows.at("Q-1")["site_statut"], "friche sans projet");  // disponible
  EXPECT_EQ(rows.at("Q-1")["bati_surface"], "421");                // 420.5, an integer in CNIG

  // Round trip: the export read back as a CNIG file gives the same sites.
  fs::path back = fs::path(out).parent_path() / "terrier-cnig-round-trip.csv";
  fs::copy_file(out, back, fs::copy_options::overwrite_existing);
  auto again = opportunities(back.string(), [](auto& o) { o.source = "cnig-retour"; });
  EXPECT_EQ(again.rejected, 0);
  EXPECT_EQ(again.inserted, 5);
  EXPECT_EQ(
      value("SELECT string_agg(status || ' ' || built_surface_m2, ',' ORDER BY external_id) FROM "
            "opportunities WHERE source = 'cnig-retour' AND external_id LIKE '59%'"),
      "en discussion 800,disponible 2400");
  fs::remove(out);
  fs::remove(back);
}

TEST_F(ImportTest, CnigExportLeavesOwnersOutForRolesThatMayNotReadThem) {
  opportunities(fixture("real/cnig_friches.csv"));
  TableSchema schema(shared_cnig("schema.json"));
  for (Role role : {Role::anonymous, Role::member, Role::animator}) {
    std::string out = temp_file("role.csv");
    api::write_cnig_export(*conn_, role, "", out);
    EXPECT_EQ(joined(schema.validate(out)), "");
    std::ifstream in(out);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(all.find("SCI Le Blan"), std::string::npos) << role_name(role);
    EXPECT_EQ(all.find("Commune de Lille"), std::string::npos) << role_name(role);
    // The sites are "réseau" (the default visibility): none for the public.
    if (role == Role::anonymous) {
      EXPECT_EQ(all.find("Filature"), std::string::npos);
    } else {
      EXPECT_NE(all.find("Filature"), std::string::npos) << role_name(role);
    }
    fs::remove(out);
  }
}

}  // namespace
}  // namespace terrier::test
