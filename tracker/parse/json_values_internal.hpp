// parse: reading one simdjson on-demand value or object field, shared by the
// readers of a line's nested objects (message_reader, tool_result_reader,
// line_parser) and of the other assistants' records.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/line_fingerprint.hpp"

namespace codepulse::tracker::parse_internal {

namespace od = simdjson::ondemand;

// No request reads or writes a billion tokens (the largest context is a
// million): a bigger count is a broken line, and would overflow its price.
constexpr int64_t kMaxTokenCount = 1'000'000'000;

inline bool read_count(od::value v, int64_t& out) {
  int64_t x = 0;
  if (v.get_int64().get(x) || x < 0 || x > kMaxTokenCount) return false;
  out = x;
  return true;
}

// null reads as absent; anything else must be a count. (is_null() is asked
// with get(): on a broken token it is an error, not an exception.)
inline bool read_nullable_count(od::value v, int64_t& out) {
  bool null = false;
  if (v.is_null().get(null)) return false;
  return null || read_count(v, out);
}

// Line provenance: a string value's lines as a change's old or new text
// (nothing without a fingerprinter, or when it is no string).
inline void read_before(od::value v, const LineFingerprinter* fp, WrittenLines& change) {
  std::string_view text;
  if (fp != nullptr && !v.get_string().get(text)) change.add_before(text);
}
inline void read_after(od::value v, const LineFingerprinter* fp, WrittenLines& change) {
  std::string_view text;
  if (fp != nullptr && !v.get_string().get(text)) change.add_after(text);
}

inline bool read_string(od::value v, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s)) return false;
  out.assign(s);
  return true;
}

// A boolean; anything else leaves `out` as it was.
inline void read_bool(od::value v, bool& out) {
  bool b = false;
  if (!v.get_bool().get(b)) out = b;
}

// The lines of a text: its newlines, plus one for an unterminated last line.
inline int64_t count_lines(std::string_view text) {
  if (text.empty()) return 0;
  int64_t n = 0;
  for (char c : text)
    n += (c == '\n');
  return text.back() == '\n' ? n : n + 1;
}

// The key and value of the field an object iteration is at; false when
// either is a broken token (the value is then not read).
inline bool read_field(simdjson::simdjson_result<od::field>& field, od::raw_json_string& key,
                       od::value& value) {
  return !field.key().get(key) && !field.value().get(value);
}

}  // namespace codepulse::tracker::parse_internal
