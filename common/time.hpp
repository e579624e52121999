// UTC instants as milliseconds since the Unix epoch, civil-date arithmetic and
// the strict ISO-8601 form Claude Code writes ("2026-02-12T16:05:13.088Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace codepulse {

struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
};

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t days_from_civil(CivilDate d);
CivilDate civil_from_days(int64_t days);

// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (fraction of 1-9 digits, kept to ms).
// Anything else, including an impossible date, is nullopt.
std::optional<int64_t> parse_iso8601_utc_ms(std::string_view text);

// Parses a user-given bound: "YYYY-MM-DD", "YYYYMMDD" or a full ISO instant.
// A bare date is the start of that day at the given offset from UTC (seconds).
std::optional<int64_t> parse_date_bound_ms(std::string_view text, int32_t utc_offset_s);

// "2026-02-12T16:05:13.088Z"
std::string format_iso8601_utc_ms(int64_t ms);
// "2026-02-12"
std::string format_date(CivilDate d);

int64_t now_utc_ms();

}  // namespace codepulse
