// The date dimension's keys of local days (date_key_at in report.hpp gives
// the key of an instant).
#pragma once

#include <cstdint>
#include <string>

#include "common/report/report.hpp"
#include "common/tz.hpp"

namespace codepulse::report {

// The local day number (days since 1970-01-01) in `tz` of an instant in
// seconds since the epoch.
int64_t local_day(int64_t sec, const TimeZone& tz);
// The key of a local day: the day "2026-02-12", its ISO week "2026-W07" or
// its month "2026-02".
std::string date_key(int64_t local_days, Granularity g);

}  // namespace codepulse::report
