// Counts with their noun as people read them: singular for exactly one, with
// thousands separators, and the unpriced line built from them.
#include <catch2/catch.hpp>

#include "common/report/report.hpp"

using namespace codepulse::report;

TEST_CASE("counted says 1 day and 2 days, with thousands separators", "[report][counted]") {
  CHECK(counted(0, "record") == "0 records");
  CHECK(counted(1, "record") == "1 record");
  CHECK(counted(2, "day") == "2 days");
  CHECK(counted(1234567, "token") == "1,234,567 tokens");
  CHECK(counted(1, "batch", "batches") == "1 batch");
  CHECK(counted(3, "batch", "batches") == "3 batches");
  CHECK(counted(1, "repository", "repositories") == "1 repository");
  CHECK(counted(-1, "day") == "-1 days");
}
