#include "api/mvt.hpp"

#include <cstring>

namespace terrier::api {
namespace {

void varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::uint32_t zigzag(int v) {
  return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}

// Field `field` of wire type 2 (length-delimited).
void bytes_field(std::string& out, int field, std::string_view data) {
  varint(out, static_cast<std::uint64_t>(field) << 3 | 2);
  varint(out, data.size());
  out.append(data);
}

void varint_field(std::string& out, int field, std::uint64_t v) {
  varint(out, static_cast<std::uint64_t>(field) << 3);
  varint(out, v);
}

std::string packed(const std::vector<std::uint32_t>& values) {
  std::string out;
  for (auto v : values) varint(out, v);
  return out;
}

}  // namespace

MvtLayer::MvtLayer(std::string name, std::uint32_t extent)
    : name_(std::move(name)), extent_(extent) {}

void MvtLayer::close_feature() {
  if (current_.empty()) return;
  bytes_field(current_, 2, packed(tags_));
  bytes_field(features_, 2, current_);
  current_.clear();
  tags_.clear();
}

void MvtLayer::point(int x, int y, std::optional<std::uint64_t> id) {
  close_feature();
  if (id) varint_field(current_, 1, *id);
  varint_field(current_, 3, 1);  // POINT
  // MoveTo, once, then the point relative to the tile's corner.
  bytes_field(current_, 4, packed({(1u << 3) | 1u, zigzag(x), zigzag(y)}));
}

void MvtLayer::add_value(std::string_view key, std::string encoded_value) {
  auto k = keys_.find(key);
  if (k == keys_.end()) {
    k = keys_.emplace(std::string(key), static_cast<std::uint32_t>(key_order_.size())).first;
    key_order_.emplace_back(key);
  }
  auto v = values_.find(encoded_value);
  if (v == values_.end()) {
    v = values_.emplace(encoded_value, static_cast<std::uint32_t>(value_order_.size())).first;
    value_order_.push_back(std::move(encoded_value));
  }
  tags_.push_back(k->second);
  tags_.push_back(v->second);
}

void MvtLayer::add(std::string_view key, std::uint64_t value) {
  std::string v;
  varint_field(v, 5, value);
  add_value(key, std::move(v));
}

void MvtLayer::add(std::string_view key, double value) {
  std::string v;
  varint(v, 3 << 3 | 1);  // double, fixed 64 bits, little-endian
  char raw[8];
  std::memcpy(raw, &value, 8);
  v.append(raw, 8);
  add_value(key, std::move(v));
}

void MvtLayer::add(std::string_view key, std::string_view value) {
  std::string v;
  bytes_field(v, 1, value);
  add_value(key, std::move(v));
}

void MvtLayer::add_bool(std::string_view key, bool value) {
  std::string v;
  varint_field(v, 7, value ? 1 : 0);
  add_value(key, std::move(v));
}

std::string MvtLayer::tile() {
  close_feature();
  std::string layer;
  varint_field(layer, 15, 2);  // version
  bytes_field(layer, 1, name_);
  layer += features_;
  for (const auto& k : key_order_) bytes_field(layer, 3, k);
  for (const auto& v : value_order_) bytes_field(layer, 4, v);
  varint_field(layer, 5, extent_);
  std::string out;
  bytes_field(out, 3, layer);
  return out;
}

}  // namespace terrier::api
