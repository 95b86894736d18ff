#pragma once

// A Mapbox vector tile (MVT 2.1) of one layer of points, written directly in
// protobuf's wire format: the opportunities' tiles computed in memory
// (clusters, and points with the value types ST_AsMVT gives their columns:
// uint for a non-negative integer, double for float8, bool, string).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace terrier::api {

class MvtLayer {
 public:
  explicit MvtLayer(std::string name, std::uint32_t extent = 4096);

  // A new point feature at (x, y) in the tile's extent; its attributes
  // follow with add().
  void point(int x, int y, std::optional<std::uint64_t> id = std::nullopt);
  void add(std::string_view key, std::uint64_t value);
  void add(std::string_view key, double value);
  void add(std::string_view key, std::string_view value);
  void add_bool(std::string_view key, bool value);  // named apart: a char* would convert to bool

  bool empty() const { return features_.empty() && current_.empty(); }
  // The whole tile: this layer alone.
  std::string tile();

 private:
  void add_value(std::string_view key, std::string encoded_value);
  void close_feature();

  std::string name_;
  std::uint32_t extent_;
  std::string features_;  // encoded Feature messages, each with its tag and length
  std::string current_;   // the open feature, without its tags
  std::vector<std::uint32_t> tags_;
  std::map<std::string, std::uint32_t, std::less<>> keys_;
  std::map<std::string, std::uint32_t> values_;  // encoded Value -> index
  std::vector<std::string> key_order_, value_order_;
};

}  // namespace terrier::api
