#pragma once

// A reader of Mapbox vector tiles for the tests: each feature's id, first
// point and attributes, decoded from protobuf's wire format without the
// server's code (api/mvt writes them; PostGIS's ST_AsMVT too).

#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace terrier::test {

struct MvtFeature {
  std::uint64_t id = 0;
  int type = 0;
  int x = 0, y = 0;  // first point
  std::map<std::string, std::variant<std::string, double, std::int64_t>> properties;
  // Each property's Value field: 1 string, 2 float, 3 double, 4 int, 5 uint,
  // 6 sint, 7 bool (ST_AsMVT picks it by the column's type).
  std::map<std::string, int> value_types;
  bool has(const std::string& key) const { return properties.count(key) > 0; }
  double number(const std::string& key) const {
    auto it = properties.find(key);
    if (it == properties.end()) return 0;
    if (auto* d = std::get_if<double>(&it->second)) return *d;
    if (auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<double>(*i);
    throw std::runtime_error(key + " is a string");
  }
  std::string text(const std::string& key) const {
    auto it = properties.find(key);
    return it == properties.end() ? "" : std::get<std::string>(it->second);
  }
};

class ProtoReader {
 public:
  explicit ProtoReader(std::string_view data) : data_(data) {}
  bool next() {
    if (at_ >= data_.size()) return false;
    auto key = varint();
    field_ = static_cast<int>(key >> 3);
    wire_ = static_cast<int>(key & 7);
    return true;
  }
  int field() const { return field_; }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (at_ >= data_.size()) throw std::runtime_error("truncated varint");
      auto b = static_cast<std::uint8_t>(data_[at_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  std::string_view bytes() {
    auto n = varint();
    if (at_ + n > data_.size()) throw std::runtime_error("truncated field");
    auto out = data_.substr(at_, n);
    at_ += n;
    return out;
  }
  double fixed64_double() {
    double d;
    std::memcpy(&d, data_.data() + at_, 8);
    at_ += 8;
    return d;
  }
  float fixed32_float() {
    float f;
    std::memcpy(&f, data_.data() + at_, 4);
    at_ += 4;
    return f;
  }
  void skip() {
    if (wire_ == 0)
      varint();
    else if (wire_ == 1)
      at_ += 8;
    else if (wire_ == 2)
      bytes();
    else if (wire_ == 5)
      at_ += 4;
    else
      throw std::runtime_error("unknown wire type");
  }
  int wire() const { return wire_; }

 private:
  std::string_view data_;
  std::size_t at_ = 0;
  int field_ = 0, wire_ = 0;
};

inline std::vector<std::uint64_t> packed_varints(std::string_view data) {
  std::vector<std::uint64_t> out;
  std::size_t at = 0;
  while (at < data.size()) {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      auto b = static_cast<std::uint8_t>(data[at++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    out.push_back(v);
  }
  return out;
}

// The features of one layer of a tile (none when the tile is empty).
inline std::vector<MvtFeature> read_mvt_layer(std::string_view tile, const std::string& name) {
  ProtoReader t(tile);
  while (t.next()) {
    if (t.field() != 3) {
      t.skip();
      continue;
    }
    ProtoReader layer(t.bytes());
    std::string layer_name;
    std::vector<std::string> keys;
    std::vector<std::variant<std::string, double, std::int64_t>> values;
    std::vector<int> value_fields;
    std::vector<std::string_view> raw_features;
    while (layer.next()) {
      switch (layer.field()) {
        case 1:
          layer_name = layer.bytes();
          break;
        case 2:
          raw_features.push_back(layer.bytes());
          break;
        case 3:
          keys.emplace_back(layer.bytes());
          break;
        case 4: {
          ProtoReader v(layer.bytes());
          while (v.next()) {
            value_fields.push_back(v.field());
            switch (v.field()) {
              case 1:
                values.emplace_back(std::string(v.bytes()));
                break;
              case 2:
                values.emplace_back(static_cast<double>(v.fixed32_float()));
                break;
              case 3:
                values.emplace_back(v.fixed64_double());
                break;
              case 4:
              case 5:
                values.emplace_back(static_cast<std::int64_t>(v.varint()));
                break;
              case 6: {
                auto u = v.varint();
                values.emplace_back(static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1)));
                break;
              }
              case 7:
                values.emplace_back(static_cast<std::int64_t>(v.varint()));
                break;
              default:
                v.skip();
            }
          }
          break;
        }
        default:
          layer.skip();
      }
    }
    if (layer_name != name) continue;
    std::vector<MvtFeature> out;
    for (auto raw : raw_features) {
      MvtFeature f;
      ProtoReader fr(raw);
      while (fr.next()) {
        switch (fr.field()) {
          case 1:
            f.id = fr.varint();
            break;
          case 2: {
            auto tags = packed_varints(fr.bytes());
            for (std::size_t i = 0; i + 1 < tags.size(); i += 2) {
              f.properties[keys.at(tags[i])] = values.at(tags[i + 1]);
              f.value_types[keys.at(tags[i])] = value_fields.at(tags[i + 1]);
            }
            break;
          }
          case 3:
            f.type = static_cast<int>(fr.varint());
            break;
          case 4: {
            auto g = packed_varints(fr.bytes());
            auto unzig = [](std::uint64_t u) {
              return static_cast<int>((u >> 1) ^ (~(u & 1) + 1));
            };
            if (g.size() >= 3) f.x = unzig(g[1]), f.y = unzig(g[2]);
            break;
          }
          default:
            fr.skip();
        }
      }
      out.push_back(std::move(f));
    }
    return out;
  }
  return {};
}

}  // namespace terrier::test
