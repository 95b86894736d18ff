// Fuzzes what POST and PATCH /api/{opportunities,needs} do with a body
// before any database work: JSON parsing, the GeoJSON geometry to WKB
// (OGR), the merge of a PATCH into the stored row, and the importers' row
// builders. importers::validate_json_row reads communes, the region outline
// and ids from a ReferenceStore; this target runs the same steps with a fixed
// in-memory context instead (a few communes, a coarse region outline).
//
// The first byte picks the kind and whether the body is a create (the body
// alone) or an update (merged into a stored row); the rest is the body.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "geo/gdal.hpp"
#include "importers/json_rows.hpp"
#include "importers/location.hpp"
#include "importers/mapping.hpp"
#include "importers/rows.hpp"

namespace {

using json = nlohmann::json;
using namespace terrier;
using importers::ImportKind;

void check(bool condition, const char* promise) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_geojson_body: broken promise: %s\n", promise);
    std::abort();
  }
}

// Walks at most `left` levels down: deeper documents must never get past
// parse_json, whose depth bound is what keeps dump() and copies off the end
// of the stack.
bool depth_at_most(const json& v, int left) {
  if (!v.is_structured()) return true;
  if (left == 0) return false;
  for (const auto& e : v) {
    if (!depth_at_most(e, left - 1)) return false;
  }
  return true;
}

struct Fixture {
  importers::CommuneIndex communes;
  std::optional<std::string> region;
  std::map<std::string, long long> territory_ids{{"mel", 1}, {"lille", 2}};
  std::map<std::string, long long> place_ids{{"tl-1", 10}};
  std::unique_ptr<importers::LocationResolver> resolver;

  Fixture() {
    log::set_level(log::Level::off);  // OGR's reasons for refusing each input
    geo::init_gdal();
    communes.add(
        {"59350", "Lille", {"59000", "59160", "59260", "59777", "59800"}, 3.0586, 50.6311});
    communes.add({"59512", "Roubaix", {"59100"}, 3.1746, 50.6942});
    communes.add({"62041", "Arras", {"62000"}, 2.7775, 50.2910});
    communes.add({"80021", "Amiens", {"80000", "80080", "80090"}, 2.2958, 49.8941});
    region = geo::geojson_geometry_to_wkb(
        R"({"type":"Polygon","coordinates":[[[1.3,48.8],[4.3,48.8],[4.3,51.1],[1.3,51.1],[1.3,48.8]]]})");
    resolver = std::make_unique<importers::LocationResolver>(communes, region,
                                                             importers::LocationOptions{});
  }
};

// importers::validate_json_row against the fixed in-memory context: the
// same steps the write endpoints run, without a database.
void validate(const Fixture& fx, ImportKind kind, const std::string& body) {
  importers::RowContext ctx{*fx.resolver, fx.territory_ids, fx.place_ids};
  auto out = importers::validate_json_row(kind, body, ctx);  // refusals throw Error
  if (out.row && out.row->content_hash.size() != 64) std::abort();
}

// A stored opportunity as RowWriteStore::row_json gives it, for PATCH.
constexpr const char* kStored =
    R"({"title":"Ancienne filature","kind":"friche","tenure":"bcus","status":"disponible",)"
    R"("built_surface_m2":1250.5,"lon":3.06,"lat":50.63,"commune_insee":"59350"})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Fixture fixture;
  if (size == 0) return 0;
  const ImportKind kinds[] = {ImportKind::opportunities, ImportKind::needs, ImportKind::places};
  ImportKind kind = kinds[data[0] % 3];
  bool update = (data[0] & 0x80) != 0;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    json parsed = parse_json(body);
    check(depth_at_most(parsed, kMaxJsonDepth), "parse_json bounds the depth");
    if (update) body = importers::merge_json_objects(kStored, body);
    validate(fixture, kind, body);
  } catch (const Error&) {
    // ImportError, GeometryError...: a 400 naming the problem.
  } catch (const JsonTooDeep&) {
    // Refused before anything walks the document: a 400.
  } catch (const json::exception&) {
    // "the body is not a JSON object of fields, or a GeoJSON Feature": 400.
  }
  return 0;
}
