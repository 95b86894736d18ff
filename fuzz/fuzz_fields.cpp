// Fuzzes what the importers do with the bytes of a CSV file: the streaming
// reader (encoding and separator detection, quoting) and the French field
// parsers applied to every cell. Besides crashes and sanitizer reports it
// checks the parsers' promises: numbers finite and below 1e15, real calendar
// dates that read back the same, vocabulary answers from the vocabulary, and
// UTF-8 cells whatever the file's encoding.

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/text.hpp"
#include "importers/csv_reader.hpp"
#include "importers/fields.hpp"

namespace {

using namespace terrier::importers;

constexpr std::size_t kChunk = 64 * 1024;  // CsvReader's read size

void check(bool condition, const char* promise) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_fields: broken promise: %s\n", promise);
    std::abort();
  }
}

const Vocabulary* const kVocabularies[] = {
    &opportunity_kinds(), &tenures(),       &owner_kinds(), &opportunity_statuses(),
    &visibilities(),      &need_statuses(), &place_kinds(), &location_precisions()};

bool in_vocabulary(const Vocabulary& v, const std::string& value) {
  for (const auto& known : v.values()) {
    if (known == value) return true;
  }
  return false;
}

void parse_cell(std::string_view cell) {
  auto number = parse_number(cell);
  check(number.ok() || !number.value, "a refused number has no value");
  if (number.value) {
    check(std::isfinite(*number.value) && std::fabs(*number.value) < 1e15,
          "parse_number gives a finite value below 1e15");
  }
  auto date = parse_date(cell);
  check(date.ok() || !date.value, "a refused date has no value");
  if (date.value) {
    auto again = parse_date(date.value->iso());
    check(again.value && *again.value == *date.value, "parse_date(d.iso()) == d");
  }
  auto flag = parse_bool(cell);
  check(flag.ok() || !flag.value, "a refused boolean has no value");
  for (const Vocabulary* v : kVocabularies) {
    auto one = v->parse(cell);
    if (one.value) check(in_vocabulary(*v, *one.value), "Vocabulary::parse answers a value");
    auto many = v->parse_list(cell);
    if (many.value) {
      for (const auto& value : *many.value) {
        check(in_vocabulary(*v, value), "Vocabulary::parse_list answers values");
      }
    }
  }
}

// CsvReader reads a path: the input goes to an in-memory file.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view bytes) : fd_(memfd_create("fuzz.csv", 0)) {
    if (fd_ < 0 || write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      std::abort();
    }
  }
  ~MemoryFile() { close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

void read_csv(std::string_view bytes) {
  MemoryFile file(bytes);
  try {
    CsvReader reader(file.path());
    for (const auto& name : reader.header()) {
      check(terrier::text::is_valid_utf8(name), "header names are UTF-8");
    }
    CsvRecord record;
    std::size_t last_line = 1;
    while (reader.next(record)) {
      check(record.line > last_line, "records start on increasing lines");
      last_line = record.line;
      for (const auto& field : record.fields) {
        check(terrier::text::is_valid_utf8(field), "fields are UTF-8");
        parse_cell(field);
      }
    }
    check(reader.bytes_read() == reader.size(), "the whole file is read");
  } catch (const terrier::ImportError&) {
    // The file cannot be read as a whole: an expected outcome.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The whole input as one cell, as the API's filters and mapping constants
  // pass text that never went through the reader.
  if (size <= 256) parse_cell(bytes);
  try {
    std::string utf8 = windows1252_to_utf8(bytes);
    check(terrier::text::is_valid_utf8(utf8), "windows1252_to_utf8 gives UTF-8");
  } catch (const terrier::ImportError&) {
  }
  read_csv(bytes);
  // The reader scans in 64 KiB chunks: an eighth of the inputs (picked by
  // length, so that no byte is spent on it) are read again behind a long
  // first column so that a chunk boundary falls 16 bytes into them.
  if (size % 8 == 0) read_csv(std::string(kChunk - 16, 'p') + std::string(bytes));
  return 0;
}
