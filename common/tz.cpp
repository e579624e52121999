#include "common/tz.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <system_error>

#include "common/c_handles.hpp"

namespace codepulse {
namespace {

using tz_detail::PosixTz;
using tz_detail::RuleDate;

constexpr int64_t kDay = 86400;
constexpr int32_t kMaxOffset = 26 * 3600;           // bound on |UTC offset| we accept
constexpr int64_t kFooterLimit = int64_t{1} << 50;  // ~35 million years; keeps years in int
constexpr off_t kMaxFileSize = 1 << 20;             // real TZif files are a few KiB

Error file_error(std::string_view origin, const std::string& what) {
  return make_error("time zone file " + std::string(origin) + ": " + what);
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

// Big-endian reads over the file bytes; callers check left() first.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : b_(bytes) {}
  size_t left() const { return b_.size() - pos_; }
  std::string_view take(size_t n) {
    const std::string_view s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint8_t u8() { return static_cast<uint8_t>(b_[pos_++]); }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v = (v << 8) | u8();
    return v;
  }
  int64_t time(int size) {
    if (size == 4) return static_cast<int32_t>(u32());
    const uint64_t hi = u32();
    return static_cast<int64_t>((hi << 32) | u32());
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

struct Header {
  uint8_t version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

  uint64_t data_size(uint64_t time_size) const {
    return timecnt * (time_size + 1) + uint64_t{typecnt} * 6 + charcnt + leapcnt * (time_size + 4) +
           isstdcnt + isutcnt;
  }
};

Result<Header> read_header(Reader& r, std::string_view origin) {
  if (r.left() < 44) {
    return file_error(origin, "truncated header (" + std::to_string(r.left()) + " of 44 bytes)");
  }
  if (r.take(4) != "TZif") return file_error(origin, "not a TZif file (bad magic)");
  Header h;
  h.version = r.u8();
  if (h.version != 0 && h.version < '2') return file_error(origin, "unknown TZif version byte");
  r.take(15);
  h.isutcnt = r.u32();
  h.isstdcnt = r.u32();
  h.leapcnt = r.u32();
  h.timecnt = r.u32();
  h.typecnt = r.u32();
  h.charcnt = r.u32();
  if (h.typecnt == 0) return file_error(origin, "no local time types");
  if (h.isutcnt != 0 && h.isutcnt != h.typecnt) return file_error(origin, "bad isutcnt");
  if (h.isstdcnt != 0 && h.isstdcnt != h.typecnt) return file_error(origin, "bad isstdcnt");
  return h;
}

// ---- POSIX TZ strings (the TZif footer) ----

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  bool parse(PosixTz& out) {
    int32_t off = 0;
    if (!name() || !hms(24, off)) return false;
    out.std_offset = -off;  // POSIX offsets count west of UTC
    if (done()) return true;
    if (!name()) return false;
    out.has_dst = true;
    out.dst_offset = out.std_offset + 3600;
    if (!done() && peek() != ',') {
      if (!hms(24, off)) return false;
      out.dst_offset = -off;
    }
    if (done()) {  // no rules given: the traditional US default
      out.start = RuleDate{RuleDate::Kind::kMonthWeekDay, 3, 2, 0, 7200};
      out.end = RuleDate{RuleDate::Kind::kMonthWeekDay, 11, 1, 0, 7200};
      return true;
    }
    return eat(',') && rule(out.start) && eat(',') && rule(out.end) && done();
  }

 private:
  bool done() const { return i_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  static bool alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // "CET" (3+ letters) or "<+0545>" (3+ of [A-Za-z0-9+-] in angle brackets).
  bool name() {
    const bool quoted = eat('<');
    const size_t start = i_;
    while (!done() &&
           (alpha(s_[i_]) || (quoted && (digit(s_[i_]) || s_[i_] == '+' || s_[i_] == '-')))) {
      ++i_;
    }
    const size_t len = i_ - start;
    return len >= 3 && (!quoted || eat('>'));
  }

  bool num(int lo, int hi, int& out) {
    if (!digit(peek())) return false;
    int v = 0;
    while (digit(peek())) {
      v = v * 10 + (s_[i_++] - '0');
      if (v > hi) return false;
    }
    out = v;
    return v >= lo;
  }

  // [+-]hh[:mm[:ss]] in seconds, |hh| <= max_hours.
  bool hms(int max_hours, int32_t& out) {
    int sign = 1;
    if (eat('-')) {
      sign = -1;
    } else {
      eat('+');
    }
    int h = 0, m = 0, sec = 0;
    if (!num(0, max_hours, h)) return false;
    if (eat(':') && (!num(0, 59, m) || (eat(':') && !num(0, 59, sec)))) return false;
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool rule(RuleDate& r) {
    if (eat('J')) {
      r.kind = RuleDate::Kind::kJulianNoLeap;
      if (!num(1, 365, r.day)) return false;
    } else if (eat('M')) {
      r.kind = RuleDate::Kind::kMonthWeekDay;
      if (!num(1, 12, r.month) || !eat('.') || !num(1, 5, r.week) || !eat('.') ||
          !num(0, 6, r.day)) {
        return false;
      }
    } else {
      r.kind = RuleDate::Kind::kZeroBasedDay;
      if (!num(0, 365, r.day)) return false;
    }
    r.time = 7200;
    return !eat('/') || hms(167, r.time);
  }

  std::string_view s_;
  size_t i_ = 0;
};

int64_t jan1(int year) {
  return days_from_civil(CivilDate{year, 1, 1});
}

// Days since the epoch of the local date the rule names in `year`.
int64_t rule_day(const RuleDate& r, int year) {
  switch (r.kind) {
    case RuleDate::Kind::kJulianNoLeap: {  // Feb 29 is never counted
      const bool leap = days_from_civil(CivilDate{year, 3, 1}) - jan1(year) == 60;
      return jan1(year) + r.day - 1 + (leap && r.day >= 60 ? 1 : 0);
    }
    case RuleDate::Kind::kZeroBasedDay:
      return jan1(year) + r.day;
    case RuleDate::Kind::kMonthWeekDay: {
      const auto month = static_cast<unsigned>(r.month);
      const int64_t first = days_from_civil(CivilDate{year, month, 1});
      const int64_t next =
          month == 12 ? jan1(year + 1) : days_from_civil(CivilDate{year, month + 1, 1});
      const int64_t first_weekday = ((first % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday
      int64_t d = first + (r.day - first_weekday + 7) % 7 + 7 * (r.week - 1);
      while (d >= next)
        d -= 7;  // week 5 means the last such weekday
      return d;
    }
  }
  return jan1(year);
}

struct Event {
  int64_t at;      // UTC instant
  int32_t offset;  // in effect from `at`
};

// DST start then DST end of `year`, as UTC instants.
std::array<Event, 2> year_events(const PosixTz& z, int year) {
  return {Event{rule_day(z.start, year) * kDay + z.start.time - z.std_offset, z.dst_offset},
          Event{rule_day(z.end, year) * kDay + z.end.time - z.dst_offset, z.std_offset}};
}

int local_year(const PosixTz& z, int64_t utc_seconds) {
  const int64_t t = std::clamp(utc_seconds, -kFooterLimit, kFooterLimit);
  return civil_from_days(floor_div(t + z.std_offset, kDay)).year;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/') return false;
  if (name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '-' || c == '/';
  });
}

std::string errno_text(int err) {
  return std::generic_category().message(err);
}

}  // namespace

TimeZone TimeZone::utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

Result<TimeZone> TimeZone::load(std::string_view name, std::string_view zoneinfo_dir) {
  if (!valid_name(name)) return make_error("invalid time zone name '" + std::string(name) + "'");
  std::string path(zoneinfo_dir.empty() ? "/usr/share/zoneinfo" : zoneinfo_dir);
  if (path.back() != '/') path += '/';
  path += name;

  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    const int err = errno;
    if (err == ENOENT && (name == "UTC" || name == "Etc/UTC")) {  // no tzdata installed
      TimeZone z = utc();
      z.name_ = std::string(name);
      return z;
    }
    return make_error("time zone '" + std::string(name) + "': cannot open " + path + ": " +
                      errno_text(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return file_error(path, "fstat: " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) return file_error(path, "not a regular file");
  if (st.st_size > kMaxFileSize) return file_error(path, "too large for a TZif file");

  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_error(path, "read: " + errno_text(errno));
    if (n == 0) break;  // shrank while reading; the parser reports truncation
    got += static_cast<size_t>(n);
  }
  bytes.resize(got);
  return from_tzif(std::string(name), bytes, path);
}

Result<TimeZone> TimeZone::from_tzif(std::string name, std::string_view bytes,
                                     std::string_view origin) {
  Reader r(bytes);
  auto header = read_header(r, origin);
  if (!header) return header.error();
  Header h = *header;
  int time_size = 4;
  if (h.version != 0) {  // skip the 32-bit block; v2+ repeat everything with 64-bit times
    if (h.data_size(4) > r.left()) return file_error(origin, "truncated version 1 data block");
    r.take(static_cast<size_t>(h.data_size(4)));
    header = read_header(r, origin);
    if (!header) return header.error();
    if (header->version != h.version) return file_error(origin, "second header version differs");
    h = *header;
    time_size = 8;
  }
  const uint64_t need = h.data_size(static_cast<uint64_t>(time_size));
  if (need > r.left()) {
    return file_error(origin, "truncated data block (" + std::to_string(r.left()) + " of " +
                                  std::to_string(need) + " bytes)");
  }
  if (h.leapcnt != 0) return file_error(origin, "leap-second zones (right/...) are not supported");

  TimeZone z;
  z.name_ = std::move(name);
  z.transitions_.reserve(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    z.transitions_.push_back(r.time(time_size));
    if (i > 0 && z.transitions_[i] <= z.transitions_[i - 1]) {
      return file_error(origin, "transition times not ascending at index " + std::to_string(i));
    }
  }
  std::vector<uint8_t> type_of(h.timecnt);
  for (uint8_t& t : type_of) {
    t = r.u8();
    if (t >= h.typecnt) return file_error(origin, "transition names a missing time type");
  }
  std::vector<int32_t> type_offsets(h.typecnt);
  for (int32_t& off : type_offsets) {
    off = static_cast<int32_t>(r.u32());
    const uint8_t isdst = r.u8();
    const uint8_t desig = r.u8();
    if (off < -kMaxOffset || off > kMaxOffset) {
      return file_error(origin, "implausible UTC offset " + std::to_string(off));
    }
    if (isdst > 1 || desig >= h.charcnt) return file_error(origin, "corrupt local time type");
  }
  r.take(size_t{h.charcnt} + h.isstdcnt + h.isutcnt);  // designations and flags: unused

  z.initial_offset_ = type_offsets[0];
  z.offsets_.reserve(h.timecnt);
  for (uint8_t t : type_of)
    z.offsets_.push_back(type_offsets[t]);

  if (h.version != 0) {  // footer: "\n<POSIX TZ string>\n"
    const std::string_view rest = r.take(r.left());
    const size_t end = rest.find('\n', 1);
    if (rest.empty() || rest[0] != '\n' || end == std::string_view::npos) {
      return file_error(origin, "missing or unterminated TZ string footer");
    }
    const std::string_view tz = rest.substr(1, end - 1);
    if (!tz.empty()) {
      if (!PosixParser(tz).parse(z.footer_)) {
        return file_error(origin, "bad TZ string footer '" + std::string(tz) + "'");
      }
      z.has_footer_ = true;
    }
  }
  return z;
}

int32_t TimeZone::offset_at(int64_t utc_seconds) const {
  if (transitions_.empty()) return has_footer_ ? footer_offset(utc_seconds) : initial_offset_;
  if (utc_seconds < transitions_.front()) return initial_offset_;
  if (has_footer_ && utc_seconds > transitions_.back()) return footer_offset(utc_seconds);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int32_t TimeZone::footer_offset(int64_t utc_seconds) const {
  if (!footer_.has_dst) return footer_.std_offset;
  const int64_t t = std::clamp(utc_seconds, -kFooterLimit, kFooterLimit);
  const int year = local_year(footer_, t);
  // The latest rule event at or before t decides; on a tie the later-listed
  // event wins, so "all year DST" rules (end of one year == start of the next)
  // stay in DST.
  int32_t offset = footer_.std_offset;
  int64_t latest = std::numeric_limits<int64_t>::min();
  for (int y = year - 2; y <= year + 1; ++y) {
    for (const Event& e : year_events(footer_, y)) {
      if (e.at <= t && e.at >= latest) {
        latest = e.at;
        offset = e.offset;
      }
    }
  }
  return offset;
}

std::vector<int64_t> TimeZone::changes_between(int64_t from, int64_t to) const {
  std::vector<int64_t> out(std::upper_bound(transitions_.begin(), transitions_.end(), from),
                           std::upper_bound(transitions_.begin(), transitions_.end(), to));
  if (has_footer_ && footer_.has_dst) {
    const int64_t after = transitions_.empty() ? from : std::max(from, transitions_.back());
    for (int y = local_year(footer_, from) - 1; y <= local_year(footer_, to) + 1; ++y) {
      for (const Event& e : year_events(footer_, y)) {
        if (e.at > after && e.at <= to) out.push_back(e.at);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t TimeZone::local_day_start_utc(CivilDate day) const {
  const int64_t midnight = days_from_civil(day) * kDay;  // as if local time were UTC
  // Any instant whose local time is near midnight lies within kMaxOffset of
  // it. Walk the constant-offset segments of that window and return the first
  // instant whose local time is at or past midnight.
  const int64_t from = midnight - kMaxOffset;
  const int64_t to = midnight + kMaxOffset;
  const std::vector<int64_t> changes = changes_between(from, to);
  for (size_t i = 0; i <= changes.size(); ++i) {
    const int64_t start = i == 0 ? from : changes[i - 1];
    const int64_t end = i < changes.size() ? changes[i] : to + 1;
    const int64_t candidate = std::max(start, midnight - offset_at(start));
    if (candidate < end) return candidate;
  }
  return midnight - offset_at(midnight);  // unreachable: offsets are bounded by kMaxOffset
}

}  // namespace codepulse
