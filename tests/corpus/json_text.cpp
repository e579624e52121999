// JSON text pieces: integers, escaped strings, UTC days and timestamps.
#include "tests/corpus/json_text.hpp"

#include <charconv>
#include <cstddef>

namespace codepulse::bench::corpus {
namespace {

// civil_from_days (H. Hinnant), days since 1970-01-01 -> y/m/d
void civil(int64_t days, int64_t& y, unsigned& m, unsigned& d) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

void append_2(std::string& o, unsigned v) {
  o += static_cast<char>('0' + v / 10);
  o += static_cast<char>('0' + v % 10);
}

}  // namespace

void append_int(std::string& o, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  o.append(buf, r.ptr);
}

std::string itos(int64_t v) {
  std::string s;
  append_int(s, v);
  return s;
}

// JSON string escaping as JSON.stringify does it (non-ASCII bytes pass through unchanged).
void escape_into(std::string& o, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    o.append(s.data() + start, i - start);
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\t':
        o += "\\t";
        break;
      case '\r':
        o += "\\r";
        break;
      default:
        o += "\\u00";
        o += kHex[c >> 4];
        o += kHex[c & 15];
        break;
    }
    start = i + 1;
  }
  o.append(s.data() + start, s.size() - start);
}

std::string escaped(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 16);
  escape_into(o, s);
  return o;
}

std::string json_string(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 18);
  o += '"';
  escape_into(o, s);
  o += '"';
  return o;
}

void append_day(std::string& o, int64_t ms) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civil(ms / kDayMs, y, m, d);
  append_int(o, y);
  o += '-';
  append_2(o, m);
  o += '-';
  append_2(o, d);
}

// "2026-02-12T16:05:13.088Z"
void append_ts(std::string& o, int64_t ms) {
  append_day(o, ms);
  const int64_t in_day = ms % kDayMs;
  const auto secs = static_cast<unsigned>(in_day / 1000);
  const auto millis = static_cast<unsigned>(in_day % 1000);
  o += 'T';
  append_2(o, secs / 3600);
  o += ':';
  append_2(o, (secs / 60) % 60);
  o += ':';
  append_2(o, secs % 60);
  o += '.';
  o += static_cast<char>('0' + millis / 100);
  append_2(o, millis % 100);
  o += 'Z';
}

}  // namespace codepulse::bench::corpus
