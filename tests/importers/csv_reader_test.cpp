#include "importers/csv_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace terrier::importers {
namespace {

using Fields = std::vector<std::string>;

std::string data(const std::string& name) {
  return std::string(TERRIER_TEST_DATA) + "/importers/csv/" + name;
}

std::vector<CsvRecord> read_all(CsvReader& reader) {
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (reader.next(record)) records.push_back(record);
  return records;
}

// The message of the ImportError the constructor throws, or "" if none.
std::string open_error(const std::string& name) {
  try {
    CsvReader reader(data(name));
  } catch (const ImportError& e) {
    return e.what();
  }
  return "";
}

TEST(CsvReader, ReadsUtf8WithoutBom) {
  CsvReader reader(data("utf8.csv"));
  EXPECT_EQ(reader.encoding(), Encoding::utf8);
  EXPECT_EQ(reader.separator(), ';');
  EXPECT_EQ(reader.header(), (Fields{"Nom", "Commune", "Surface bâtie (m²)"}));
  auto records = read_all(reader);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 2u);
  EXPECT_EQ(records[0].fields, (Fields{"Atelier Fives", "Lille", "420"}));
  EXPECT_EQ(records[1].line, 3u);
  EXPECT_EQ(records[1].fields, (Fields{"Hangar", "Béthune", "1 250,5"}));
  EXPECT_EQ(reader.bytes_read(), reader.size());
}

TEST(CsvReader, SkipsUtf8BomSoThatTheFirstHeaderNameIsClean) {
  CsvReader reader(data("utf8_bom.csv"));
  EXPECT_EQ(reader.encoding(), Encoding::utf8_bom);
  EXPECT_EQ(reader.header(), (Fields{"Nom", "Commune"}));
  auto records = read_all(reader);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"Friche", "Liévin"}));
}

TEST(CsvReader, DetectsWindows1252AndConvertsToUtf8) {
  CsvReader reader(data("cp1252.csv"));
  EXPECT_EQ(reader.encoding(), Encoding::windows1252);
  EXPECT_EQ(reader.header(), (Fields{"Nom", "Surface (m²)", "Prix"}));
  auto records = read_all(reader);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"Cœur de Béthune", "1\u00a0250", "185\u00a0000 €"}));
}

// Writes a generated file too large to commit, in the test's temporary folder.
std::string write_temp(const std::string& name, const std::string& bytes) {
  std::string path = testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(CsvReader, DetectsUtf8WhenCharactersStraddleReadBuffers) {
  // "é" is two bytes: after an odd-sized prefix, one of them ends a 64 KiB
  // buffer and the other starts the next; a run with no ASCII byte spans
  // whole buffers.
  std::string bytes = "Nom;Commune\nA;" + std::string(65535 - 14, 'x');
  for (int i = 0; i < 70000; ++i) bytes += "é";
  bytes += "\nB;Lille\n";
  CsvReader reader(write_temp("straddle.csv", bytes));
  EXPECT_EQ(reader.encoding(), Encoding::utf8);
  auto records = read_all(reader);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].line, 3u);
  EXPECT_EQ(records[1].fields, (Fields{"B", "Lille"}));
}

TEST(CsvReader, DetectsWindows1252FromByteFarDownTheFile) {
  std::string bytes = "Nom;Commune\r\n";
  for (int i = 0; i < 20000; ++i) bytes += "Atelier;Lille\r\n";
  bytes += "Hangar;B\xE9thune\r\n";
  CsvReader reader(write_temp("late_cp1252.csv", bytes));
  EXPECT_EQ(reader.encoding(), Encoding::windows1252);
  auto records = read_all(reader);
  ASSERT_EQ(records.size(), 20001u);
  EXPECT_EQ(records.back().line, 20002u);
  EXPECT_EQ(records.back().fields, (Fields{"Hangar", "Béthune"}));
  EXPECT_EQ(reader.bytes_read(), bytes.size());
}

TEST(CsvReader, NamesEncodings) {
  EXPECT_STREQ(encoding_name(Encoding::utf8), "UTF-8");
  EXPECT_STREQ(encoding_name(Encoding::utf8_bom), "UTF-8 (BOM)");
  EXPECT_STREQ(encoding_name(Encoding::windows1252), "Windows-1252");
}

TEST(CsvReader, Windows1252ToUtf8MapsTheWholeTable) {
  EXPECT_EQ(windows1252_to_utf8("\x80\x82\x8C\x92\x96\x9C\x9F"), "€‚Œ’–œŸ");
  EXPECT_EQ(windows1252_to_utf8("\xA0\xB2\xE9\xFF"), "\u00a0²éÿ");
  EXPECT_EQ(windows1252_to_utf8("plain"), "plain");
  for (char undefined : {'\x81', '\x8D', '\x8F', '\x90', '\x9D'}) {
    EXPECT_THROW(windows1252_to_utf8(std::string(1, undefined)), ImportError);
  }
}

struct SeparatorCase {
  const char* file;
  char separator;
  Fields first_record;
};

class CsvReaderSeparator : public testing::TestWithParam<SeparatorCase> {};

TEST_P(CsvReaderSeparator, DetectsTheMostFrequentSeparatorOfTheHeader) {
  CsvReader reader(data(GetParam().file));
  EXPECT_EQ(reader.separator(), GetParam().separator);
  CsvRecord record;
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.fields, GetParam().first_record);
}

INSTANTIATE_TEST_SUITE_P(
    Files, CsvReaderSeparator,
    testing::Values(SeparatorCase{"utf8.csv", ';', {"Atelier Fives", "Lille", "420"}},
                    SeparatorCase{"comma.csv", ',', {"A", "Lille", "x;y"}},
                    SeparatorCase{"tab.csv", '\t', {"A", "Lille", "x,y;z"}},
                    SeparatorCase{"semicolon_tie.csv", ';', {"1", "2,3"}}));

TEST(CsvReader, QuotedFieldKeepsSeparatorsNewlinesAndEscapedQuotes) {
  CsvReader reader(data("quoted.csv"));
  auto records = read_all(reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 2u);
  EXPECT_EQ(records[0].fields,
            (Fields{"Atelier", "Grand local; lumineux\r\nsecond \"bloc\" au fond", "10"}));
  // The quoted field spans lines 2 and 3, so the next record starts on 4.
  EXPECT_EQ(records[1].line, 4u);
  EXPECT_EQ(records[1].fields, (Fields{"Bureau", "simple", "20"}));
  // Text after a closing quote is kept; a quote inside an unquoted field is literal.
  EXPECT_EQ(records[2].line, 5u);
  EXPECT_EQ(records[2].fields, (Fields{"Local", "ab", "ca \"marche\""}));
}

TEST(CsvReader, SkipsBlankRecordsAndKeepsShortOrLongOnes) {
  CsvReader reader(data("blank_lines.csv"));
  auto records = read_all(reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 5u);
  EXPECT_EQ(records[0].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(records[1].line, 7u);
  EXPECT_EQ(records[1].fields, (Fields{"4", "5"}));
  EXPECT_EQ(records[2].line, 8u);
  EXPECT_EQ(records[2].fields, (Fields{"6", "7", "8", "9"}));
}

TEST(CsvReader, ReadsLastRecordWithoutFinalNewline) {
  CsvReader reader(data("no_final_newline.csv"));
  auto records = read_all(reader);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].line, 3u);
  EXPECT_EQ(records[1].fields, (Fields{"3", "4"}));
  CsvRecord record;
  EXPECT_FALSE(reader.next(record));
}

TEST(CsvReader, AcceptsLoneCarriageReturnsAsLineEnds) {
  CsvReader reader(data("lone_cr.csv"));
  EXPECT_EQ(reader.header(), (Fields{"a", "b"}));
  auto records = read_all(reader);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].line, 3u);
  EXPECT_EQ(records[1].fields, (Fields{"3", "4"}));
}

TEST(CsvReader, RefusesFileEndingInsideQuotedField) {
  CsvReader reader(data("truncated.csv"));
  CsvRecord record;
  ASSERT_TRUE(reader.next(record));
  try {
    reader.next(record);
    FAIL() << "expected an ImportError";
  } catch (const ImportError& e) {
    EXPECT_EQ(std::string(e.what()),
              data("truncated.csv") +
                  ": ligne 5 : le champ entre guillemets de la colonne « Description », ouvert "
                  "ligne 3, n'est jamais fermé : le fichier semble tronqué");
  }
}

TEST(CsvReader, RefusesBinaryFileWithNulBytes) {
  EXPECT_EQ(open_error("binary.csv"),
            data("binary.csv") + ": l'octet 10 est nul : ce n'est pas un fichier CSV texte");
}

TEST(CsvReader, RefusesByteUndefinedInWindows1252WhenNotUtf8) {
  EXPECT_EQ(
      open_error("undefined_cp1252.csv"),
      data("undefined_cp1252.csv") +
          ": ligne 3 : l'octet 0x81 n'existe pas en Windows-1252 et le fichier n'est pas en UTF-8");
}

TEST(CsvReader, RefusesMissingFile) {
  std::string message = open_error("does_not_exist.csv");
  EXPECT_NE(message.find(
                "does_not_exist.csv: ouverture impossible : le fichier ou le dossier n'existe pas"),
            std::string::npos)
      << message;
}

TEST(CsvReader, RefusesEmptyFile) {
  EXPECT_EQ(open_error("empty.csv"), data("empty.csv") + ": le fichier est vide");
}

TEST(CsvReader, RefusesEmptyHeader) {
  std::string message = open_error("empty_header.csv");
  EXPECT_NE(message.find("header"), std::string::npos) << message;
}

}  // namespace
}  // namespace terrier::importers
