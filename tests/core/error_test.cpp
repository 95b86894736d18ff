#include "core/error.hpp"

#include <gtest/gtest.h>

namespace terrier {
namespace {

TEST(Error, RedactsPasswordsInUris) {
  EXPECT_EQ(redact_database_url("postgresql://terrier:s3cr3t@127.0.0.1:55432/terrier"),
            "postgresql://terrier:***@127.0.0.1:55432/terrier");
  EXPECT_EQ(redact_database_url("postgres://u@h/db?password=abc&sslmode=disable"),
            "postgres://u@h/db?password=***&sslmode=disable");
  EXPECT_EQ(redact_database_url("host=h password=abc dbname=x"), "host=h password=*** dbname=x");
}

TEST(Error, FirstLineDropsSeverityAndDetail) {
  EXPECT_EQ(first_line("ERROR:  relation \"x\" does not exist\nLINE 1: SELECT\n"),
            "relation \"x\" does not exist");
}

}  // namespace
}  // namespace terrier
