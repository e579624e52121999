// IANA time zones read from the system's compiled TZif files (RFC 8536).
// GCC 12 has no std::chrono::tzdb, and the process-wide TZ environment and
// localtime() are global mutable state, so zones are parsed here and carried
// around as plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"

namespace codepulse {

namespace tz_detail {

// One rule date of a POSIX TZ string: "Jn", "n" or "Mm.w.d", plus "/time".
struct RuleDate {
  enum class Kind : uint8_t { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay };
  Kind kind = Kind::kMonthWeekDay;
  int month = 0;        // Mm.w.d: 1..12
  int week = 0;         // Mm.w.d: 1..5 (5 = last)
  int day = 0;          // Jn: 1..365, n: 0..365, Mm.w.d: weekday 0..6 (Sunday = 0)
  int32_t time = 7200;  // seconds after local midnight, -167h..167h (RFC 8536)
};

// A parsed POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3".
struct PosixTz {
  int32_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int32_t dst_offset = 0;  // seconds east of UTC
  RuleDate start;          // DST starts, given in local standard time
  RuleDate end;            // DST ends, given in local daylight time
};

}  // namespace tz_detail

class TimeZone {
 public:
  static TimeZone utc();

  // Loads <zoneinfo_dir>/<name>, e.g. "Europe/Berlin". Callers that honour
  // $TZDIR pass its value as zoneinfo_dir. Rejects names that are empty, start
  // with '/', contain ".." or characters outside [A-Za-z0-9_+-/].
  static Result<TimeZone> load(std::string_view name,
                               std::string_view zoneinfo_dir = "/usr/share/zoneinfo");

  // Parses the bytes of a TZif file (versions 1 to 4); `origin` names the
  // source (a path) in error messages.
  static Result<TimeZone> from_tzif(std::string name, std::string_view bytes,
                                    std::string_view origin);

  const std::string& name() const { return name_; }

  // Offset east of UTC, in seconds, in effect at the UTC instant (seconds since epoch).
  int32_t offset_at(int64_t utc_seconds) const;

  // The UTC instant (seconds) of local midnight starting the given local civil
  // day. When midnight is skipped by a forward jump, the first existing instant
  // of that day (the transition); when it occurs twice, the earlier one.
  int64_t local_day_start_utc(CivilDate day) const;

 private:
  TimeZone() = default;

  int32_t footer_offset(int64_t utc_seconds) const;
  // The instants in (from, to] at which the offset may change.
  std::vector<int64_t> changes_between(int64_t from, int64_t to) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // strictly ascending UTC instants
  std::vector<int32_t> offsets_;      // offsets_[i] is in effect from transitions_[i]
  int32_t initial_offset_ = 0;        // before the first transition (time type 0)
  bool has_footer_ = false;           // footer_ applies after the last transition
  tz_detail::PosixTz footer_;
};

}  // namespace codepulse
