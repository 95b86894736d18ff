#include "importers/csv_reader.hpp"

#include <fmt/core.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "core/error.hpp"
#include "core/text.hpp"

namespace terrier::importers {
namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Code points of bytes 0x80..0x9F; 0 marks the five bytes Windows-1252
// leaves undefined.
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool is_cp1252_undefined(unsigned char c) {
  return c >= 0x80 && c <= 0x9F && kCp1252High[c - 0x80] == 0;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// What one pass over the whole file learns before anything is parsed: the
// encoding must be decided over all bytes because a spreadsheet often has
// its first accented letter thousands of lines down.
struct Scan {
  std::size_t size = 0;
  bool bom = false;
  bool utf8 = true;
  std::size_t line = 1;
  bool after_cr = false;
  std::size_t undefined_line = 0;  // first byte undefined in Windows-1252
  unsigned char undefined_byte = 0;
  std::string utf8_tail;  // bytes after the last ASCII byte of the previous chunk
  // UTF-8 encodings of Latin-1 letters (0xC3 then a continuation byte): in a
  // file that is not UTF-8 as a whole, they mean mixed encodings.
  std::size_t utf8_letters = 0;
  std::size_t utf8_letter_line = 0;
  unsigned char previous = 0;
  // Separators counted in the first record, outside quotes.
  bool in_header = true;
  bool in_quotes = false;
  std::size_t semicolons = 0, commas = 0, tabs = 0;
};

void scan_header_byte(Scan& s, unsigned char c) {
  if (c == '"') s.in_quotes = !s.in_quotes;  // "" toggles twice: still right
  if (s.in_quotes) return;
  if (c == '\r' || c == '\n') s.in_header = false;
  if (c == ';') ++s.semicolons;
  if (c == ',') ++s.commas;
  if (c == '\t') ++s.tabs;
}

void scan_bytes(Scan& s, const std::string& path, std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c == 0) {
      bool utf16 = s.size == 0 && bytes.size() >= 2 &&
                   ((bytes[0] == '\xFF' && bytes[1] == '\xFE') ||
                    (bytes[0] == '\xFE' && bytes[1] == '\xFF'));
      if (utf16) {
        throw ImportError(fmt::format(
            "{}: le fichier est du texte UTF-16 : enregistrez-le à nouveau en CSV UTF-8 (ou "
            "Windows-1252)",
            path));
      }
      throw ImportError(fmt::format("{}: l'octet {} est nul : ce n'est pas un fichier CSV texte",
                                    path, s.size + i + 1));
    }
    if (c == '\n') {
      if (!s.after_cr) ++s.line;
    } else if (c == '\r') {
      ++s.line;
    }
    s.after_cr = c == '\r';
    if (s.previous == 0xC3 && c >= 0x80 && c <= 0xBF && s.utf8_letters++ == 0) {
      s.utf8_letter_line = s.line;
    }
    s.previous = c;
    if (s.undefined_line == 0 && is_cp1252_undefined(c)) {
      s.undefined_line = s.line;
      s.undefined_byte = c;
    }
    if (s.in_header) scan_header_byte(s, c);
  }
  s.size += bytes.size();
  if (!s.utf8) return;
  // Multi-byte sequences never contain ASCII bytes, so validating up to the
  // last ASCII byte never cuts a character in two.
  std::size_t cut = bytes.size();
  while (cut > 0 && static_cast<unsigned char>(bytes[cut - 1]) >= 0x80) --cut;
  if (cut == 0) {
    s.utf8_tail.append(bytes);
    return;
  }
  s.utf8_tail.append(bytes.substr(0, cut));
  s.utf8 = text::is_valid_utf8(s.utf8_tail);
  s.utf8_tail.assign(bytes.substr(cut));
}

Scan scan_file(std::FILE* file, const std::string& path) {
  Scan s;
  std::string buffer(kChunk, '\0');
  bool first = true;
  for (;;) {
    std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file);
    if (n == 0) break;
    std::string_view bytes(buffer.data(), n);
    if (first && bytes.substr(0, kBom.size()) == kBom) {
      s.bom = true;
      bytes.remove_prefix(kBom.size());
      s.size = kBom.size();
    }
    first = false;
    scan_bytes(s, path, bytes);
  }
  if (std::ferror(file)) {
    throw ImportError(fmt::format("{}: lecture impossible : {}", path, file_error(errno)));
  }
  if (s.utf8 && !s.utf8_tail.empty()) s.utf8 = text::is_valid_utf8(s.utf8_tail);
  return s;
}

Encoding decide_encoding(const Scan& s, const std::string& path) {
  if (s.bom) {
    // A BOM promises UTF-8; Windows-1252 bytes after it mean a broken file
    // that no guess would import correctly.
    if (!s.utf8) {
      throw ImportError(
          fmt::format("{}: le fichier commence par la marque de l'UTF-8 (BOM) mais n'est pas "
                      "de l'UTF-8 valide",
                      path));
    }
    return Encoding::utf8_bom;
  }
  if (s.utf8) return Encoding::utf8;
  if (s.utf8_letters > 0) {
    // Reading it as Windows-1252 would turn every UTF-8 "é" into "Ã©".
    throw ImportError(
        fmt::format("{}: ligne {} : du texte en UTF-8 dans un fichier qui n'est pas tout en UTF-8 "
                    "(encodages mélangés) : enregistrez à nouveau le fichier dans un seul encodage",
                    path, s.utf8_letter_line));
  }
  if (s.undefined_line != 0) {
    throw ImportError(
        fmt::format("{}: ligne {} : l'octet 0x{:02X} n'existe pas en Windows-1252 et le fichier "
                    "n'est pas en UTF-8",
                    path, s.undefined_line, s.undefined_byte));
  }
  return Encoding::windows1252;
}

// The most frequent separator wins; ties favour ';' (French Excel), then ','.
char decide_separator(const Scan& s) {
  if (s.semicolons >= s.commas && s.semicolons >= s.tabs) return ';';
  if (s.commas >= s.tabs) return ',';
  return '\t';
}

// Reads bytes for the parser, counting them for progress reports.
struct ByteSource {
  std::FILE* file;
  std::size_t& bytes_read;

  int get() {
    int c = getc_unlocked(file);
    if (c != EOF) ++bytes_read;
    return c;
  }

  // Consumes the next byte only if it is `wanted`.
  bool next_is(int wanted) {
    int c = get();
    if (c == wanted) return true;
    if (c != EOF) {
      std::ungetc(c, file);
      --bytes_read;
    }
    return false;
  }
};

// Appends a quoted field's content, read after its opening quote, up to its
// closing quote; "" stands for one quote. Newlines are kept as written and
// counted so that the next record knows its physical line. False at the end
// of the file: the quote is never closed.
// No cell of a real spreadsheet comes near this; a longer field is a damaged
// file or not a CSV, and would cost seconds and memory for nothing.
constexpr std::size_t kMaxFieldBytes = 1 << 20;

bool read_quoted(ByteSource& source, std::string& field, std::size_t& line,
                 bool& ended_on_newline) {
  for (;;) {
    int c = source.get();
    if (c == EOF) return false;
    if (field.size() >= kMaxFieldBytes) return true;  // the caller reports it
    ended_on_newline = c == '\r' || c == '\n';
    if (c == '"') {
      if (!source.next_is('"')) return true;
      field += '"';
      continue;
    }
    field += static_cast<char>(c);
    if (c == '\r' && source.next_is('\n')) field += '\n';
    if (ended_on_newline) ++line;
  }
}

std::string never_closed(const std::string& path, std::size_t line,
                         const std::vector<std::string>& header, std::size_t column,
                         std::size_t opened_line) {
  std::string name = column < header.size() ? header[column] : fmt::format("#{}", column + 1);
  return fmt::format(
      "{}: ligne {} : le champ entre guillemets de la colonne « {} », ouvert ligne {}, n'est "
      "jamais fermé : le fichier semble tronqué",
      path, line, name, opened_line);
}

bool is_blank(const CsvRecord& record) {
  for (const auto& field : record.fields) {
    if (!text::trim(field).empty()) return false;
  }
  return true;
}

}  // namespace

const char* encoding_name(Encoding e) {
  switch (e) {
    case Encoding::utf8:
      return "UTF-8";
    case Encoding::utf8_bom:
      return "UTF-8 (BOM)";
    case Encoding::windows1252:
      return "Windows-1252";
  }
  return "unknown";
}

std::string windows1252_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else if (c >= 0xA0) {
      append_utf8(out, c);
    } else if (char32_t cp = kCp1252High[c - 0x80]; cp != 0) {
      append_utf8(out, cp);
    } else {
      throw ImportError(fmt::format("l'octet 0x{:02X} n'existe pas en Windows-1252", c));
    }
  }
  return out;
}

CsvReader::CsvReader(const std::string& path) : path_(path), file_(nullptr, &std::fclose) {
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (!file_) {
    throw ImportError(fmt::format("{}: ouverture impossible : {}", path, file_error(errno)));
  }
  std::setvbuf(file_.get(), nullptr, _IOFBF, kChunk);
  Scan scan = scan_file(file_.get(), path);
  if (scan.size == 0) throw ImportError(fmt::format("{}: le fichier est vide", path));
  size_ = scan.size;
  encoding_ = decide_encoding(scan, path);
  separator_ = decide_separator(scan);

  std::rewind(file_.get());
  if (scan.bom) {
    std::fseek(file_.get(), static_cast<long>(kBom.size()), SEEK_SET);
    bytes_read_ = kBom.size();
  }
  CsvRecord record;
  read_raw_record(record);
  if (is_blank(record)) {
    throw ImportError(
        fmt::format("{}: ligne 1 : l'en-tête (les noms des colonnes) est vide", path));
  }
  for (const auto& cell : record.fields) header_.push_back(text::trim(cell));
}

CsvReader::~CsvReader() = default;

bool CsvReader::next(CsvRecord& out) {
  while (read_raw_record(out)) {
    if (!is_blank(out)) return true;
  }
  return false;
}

bool CsvReader::read_raw_record(CsvRecord& out) {
  ByteSource source{file_.get(), bytes_read_};
  out.line = line_;
  out.fields.clear();
  int c = source.get();
  if (c == EOF) return false;
  std::string field;
  bool field_start = true;
  for (;; c = source.get()) {
    if (field.size() >= kMaxFieldBytes) {
      std::size_t column = out.fields.size();
      throw ImportError(fmt::format(
          "{}: ligne {} : la colonne « {} » contient plus de {} octets : le fichier est abîmé "
          "ou n'est pas un CSV",
          path_, out.line,
          column < header_.size() ? header_[column] : fmt::format("#{}", column + 1),
          kMaxFieldBytes));
    }
    if (field_start && c == '"') {
      std::size_t opened_line = line_;
      bool ended_on_newline = false;
      if (!read_quoted(source, field, line_, ended_on_newline)) {
        std::size_t last_line = ended_on_newline ? line_ - 1 : line_;
        throw ImportError(never_closed(path_, last_line, header_, out.fields.size(), opened_line));
      }
      field_start = false;
      continue;
    }
    if (c == EOF || c == '\r' || c == '\n' || c == separator_) {
      out.fields.push_back(encoding_ == Encoding::windows1252 ? windows1252_to_utf8(field)
                                                              : std::move(field));
      field.clear();
      if (c == separator_) {
        field_start = true;
        continue;
      }
      if (c == '\r') source.next_is('\n');
      if (c != EOF) ++line_;
      return true;
    }
    // A quote inside an unquoted field, or text after a closing quote, is
    // kept as written: spreadsheets produce both and the cell is still clear.
    field_start = false;
    field += static_cast<char>(c);
  }
}

}  // namespace terrier::importers
