#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace terrier::text {
namespace {

bool is_space_at(std::string_view s, std::size_t i, std::size_t* width) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
    *width = 1;
    return true;
  }
  // U+00A0 no-break space, U+202F narrow no-break space (French thousands).
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
    *width = 2;
    return true;
  }
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0xAF) {
    *width = 3;
    return true;
  }
  return false;
}

// Base letters for U+00C0..U+00FF (lower-cased).
constexpr std::string_view kLatin1Fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "x", "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "/", "o", "u", "u", "u", "u", "y", "th", "y"};

}  // namespace

std::string trim(std::string_view s) {
  std::size_t begin = 0;
  std::size_t w = 0;
  while (begin < s.size() && is_space_at(s, begin, &w)) begin += w;
  std::size_t end = s.size();
  while (end > begin) {
    // Look back for a 1-, 2- or 3-byte space ending at `end`.
    bool found = false;
    for (std::size_t width : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
      if (end >= begin + width && is_space_at(s, end - width, &w) && w == width) {
        end -= width;
        found = true;
        break;
      }
    }
    if (!found) break;
  }
  return std::string(s.substr(begin, end - begin));
}

std::string fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      continue;
    }
    if (c == 0xC3 && i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0xBF) {
        out += kLatin1Fold[d - 0x80];
        ++i;
        continue;
      }
    }
    if (c == 0xC5 && i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if (d == 0x92 || d == 0x93) {  // Œ œ
        out += "oe";
        ++i;
        continue;
      }
      if (d == 0xB8) {  // Ÿ
        out += "y";
        ++i;
        continue;
      }
    }
    if (c == 0xC2 && i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if (d == 0xA0) {  // no-break space
        out += ' ';
        ++i;
        continue;
      }
      if (d == 0xB2) {  // superscript two, as in m²
        out += '2';
        ++i;
        continue;
      }
    }
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
      auto d = static_cast<unsigned char>(s[i + 2]);
      if (d == 0x99 || d == 0x98) {  // curly apostrophes
        out += '\'';
        i += 2;
        continue;
      }
      if (d == 0x93 || d == 0x94) {  // en and em dashes
        out += '-';
        i += 2;
        continue;
      }
      if (d == 0xAF) {  // narrow no-break space
        out += ' ';
        i += 2;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

std::string slugify(std::string_view s) {
  std::string folded = fold(s);
  std::string out;
  out.reserve(folded.size());
  bool dash = false;
  for (char ch : folded) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && !out.empty()) out += '-';
      out += static_cast<char>(c);
      dash = false;
    } else {
      dash = true;
    }
  }
  return out;
}

std::vector<std::string> split_any(std::string_view s, const std::vector<std::string>& seps) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t matched = 0;
    if (i < s.size()) {
      for (const auto& sep : seps) {
        if (!sep.empty() && s.substr(i, sep.size()) == sep) {
          matched = sep.size();
          break;
        }
      }
    }
    if (i == s.size() || matched > 0) {
      std::string piece = trim(s.substr(start, i - start));
      if (!piece.empty()) parts.push_back(std::move(piece));
      if (i == s.size()) break;
      i += matched;
      start = i;
    } else {
      ++i;
    }
  }
  return parts;
}

std::string pg_array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::size_t utf8_length(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Reject overlong encodings, surrogates and code points past U+10FFFF.
    static constexpr std::array<std::uint32_t, 4> kMin = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
    i += n + 1;
  }
  return true;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  if (from.empty()) return s;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace terrier::text
