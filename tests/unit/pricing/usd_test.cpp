// Dollars as text from exact nano-dollars (common/pricing/usd.hpp).
#include "common/pricing/usd.hpp"

#include <catch2/catch.hpp>
#include <cstdint>

using namespace codepulse;

TEST_CASE("dollars from nano-dollars, rounded half away from zero", "[pricing][usd]") {
  CHECK(format_usd(0) == "0.000000");
  CHECK(format_usd(1'500'000'000) == "1.500000");
  CHECK(format_usd(466'666'666) == "0.466667");
  CHECK(format_usd(466'666'499) == "0.466666");
  CHECK(format_usd(500) == "0.000001");  // half a micro-dollar rounds up
  CHECK(format_usd(499) == "0.000000");
  CHECK(format_usd(-500) == "-0.000001");
  CHECK(format_usd(-1'234'567'891'234) == "-1234.567891");
  CHECK(format_usd(1'994'999'999, 2) == "1.99");
  CHECK(format_usd(1'995'000'000, 2) == "2.00");
  CHECK(format_usd(7'000'000'001, 9) == "7.000000001");
  CHECK(format_usd(2'500'000'000, 0) == "3");
  CHECK(format_usd(INT64_MAX) == "9223372036.854776");
  CHECK(format_usd(INT64_MIN) == "-9223372036.854776");
}
