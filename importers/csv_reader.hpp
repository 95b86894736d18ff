#pragma once

// A streaming reader for CSV files as French spreadsheets export them:
// ';' or ',' or tab separated (detected from the header line), RFC 4180
// quoting with fields spanning lines, UTF-8 with or without BOM or
// Windows-1252 (detected over the whole file, never assumed), CRLF or LF.
// Every record knows the physical line it starts on, for error messages.
//
// GDAL's CSV driver is not used for .csv files because it knows neither
// Windows-1252 nor physical line numbers; all other formats go through GDAL.

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace terrier::importers {

enum class Encoding { utf8, utf8_bom, windows1252 };

const char* encoding_name(Encoding e);  // "UTF-8", "UTF-8 (BOM)", "Windows-1252"

struct CsvRecord {
  std::size_t line = 0;             // physical line (1-based) where the record starts
  std::vector<std::string> fields;  // UTF-8, as written (not trimmed)
};

class CsvReader {
 public:
  // Opens the file, detects its encoding (one pass over the bytes) and
  // separator, and reads the header. Throws ImportError naming the file
  // (and line, byte) when it cannot be read as a whole as text CSV: missing
  // or empty, NUL bytes (binary), a byte undefined in Windows-1252 when the
  // file is not UTF-8, an empty header.
  explicit CsvReader(const std::string& path);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  const std::string& path() const { return path_; }
  Encoding encoding() const { return encoding_; }
  char separator() const { return separator_; }
  const std::vector<std::string>& header() const { return header_; }  // trimmed, UTF-8
  std::size_t header_line() const { return 1; }

  // Reads the next record; false at the end of the file. Lines that hold
  // only separators and blanks are skipped. A quote in the middle of an
  // unquoted field is kept as a literal character. Throws ImportError when
  // the file ends inside a quoted field ("<file>: line N: the quoted field of
  // column 'X' opened at line N is never closed: the file looks truncated").
  bool next(CsvRecord& out);

  // Bytes consumed so far and total size, for progress reports.
  std::size_t bytes_read() const { return bytes_read_; }
  std::size_t size() const { return size_; }

 private:
  bool read_raw_record(CsvRecord& out);

  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  Encoding encoding_ = Encoding::utf8;
  char separator_ = ';';
  std::vector<std::string> header_;
  std::size_t line_ = 1;  // current physical line
  std::size_t bytes_read_ = 0;
  std::size_t size_ = 0;
};

// Converts Windows-1252 bytes to UTF-8. Throws ImportError for the five
// bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D).
std::string windows1252_to_utf8(std::string_view bytes);

}  // namespace terrier::importers
