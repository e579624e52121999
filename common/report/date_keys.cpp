// The date dimension's keys: a local day, its ISO week or its month.
#include "common/report/date_keys.hpp"

#include <cstdio>
#include <string>

#include "common/time.hpp"

namespace codepulse::report {

int64_t local_day(int64_t sec, const TimeZone& tz) {
  const int64_t local = sec + tz.offset_at(sec);
  return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

std::string date_key(int64_t local_days, Granularity g) {
  const CivilDate d = civil_from_days(local_days);
  char buf[16];
  switch (g) {
    case Granularity::kDay:
      return format_date(d);
    case Granularity::kMonth:
      std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(d.year),
                    static_cast<int>(d.month));
      return buf;
    case Granularity::kWeek: {
      // ISO 8601 week: the week with the year's first Thursday is week 1.
      const int64_t weekday = ((local_days % 7) + 7 + 3) % 7;  // Monday = 0 (1970-01-01: Thursday)
      const int64_t thursday = local_days - weekday + 3;
      const CivilDate th = civil_from_days(thursday);
      const int64_t jan1 = days_from_civil({th.year, 1, 1});
      const int64_t week = (thursday - jan1) / 7 + 1;
      std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(th.year),
                    static_cast<int>(week));
      return buf;
    }
  }
  return format_date(d);
}

std::string date_key_at(int64_t ts_ms, const TimeZone& tz, Granularity g) {
  const int64_t sec = ts_ms >= 0 ? ts_ms / 1000 : (ts_ms - 999) / 1000;
  return date_key(local_day(sec, tz), g);
}

}  // namespace codepulse::report
