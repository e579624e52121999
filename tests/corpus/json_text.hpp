// JSON text pieces the generator writes by hand: integers, escaped strings (as JSON.stringify
// escapes them) and UTC days and timestamps.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace codepulse::bench::corpus {

constexpr int64_t kDayMs = 86'400'000;

void append_int(std::string& o, int64_t v);
std::string itos(int64_t v);

// JSON string escaping as JSON.stringify does it (non-ASCII bytes pass through unchanged).
void escape_into(std::string& o, std::string_view s);
std::string escaped(std::string_view s);
// The JSON string value of s: escaped, in double quotes.
std::string json_string(std::string_view s);

// "2026-02-12", the UTC day of ms since the epoch
void append_day(std::string& o, int64_t ms);
// "2026-02-12T16:05:13.088Z"
void append_ts(std::string& o, int64_t ms);

}  // namespace codepulse::bench::corpus
