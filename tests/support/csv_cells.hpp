// Reading CSV as a spreadsheet would (RFC 4180): the tests of the CSV sinks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace codepulse::test {

// The rows of `csv`: cells split at commas outside double quotes, "" inside
// quotes read as one ", rows ending at a line break outside quotes. Throws
// std::runtime_error on a quote that is never closed.
std::vector<std::vector<std::string>> parse_csv(std::string_view csv);

}  // namespace codepulse::test
