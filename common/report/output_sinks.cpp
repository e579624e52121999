// The terminal and CSV sinks (output_sinks.hpp).
#include "common/report/output_sinks.hpp"

#include <cstdio>

#include "common/text_controls.hpp"
#include "common/utf8.hpp"

namespace codepulse::report {
namespace {

// "\xHH" for a byte, "\uHHHH" for a code point.
void append_byte_escape(std::string& out, unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  out += buf;
}
void append_code_point_escape(std::string& out, char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
  out += buf;
}

// True when some byte of `s` may need escaping (any control or non-ASCII).
bool needs_a_look(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (is_c0_or_del(u) || u >= 0x80) return true;
  }
  return false;
}

}  // namespace

std::string terminal_text(std::string_view s) {
  if (!needs_a_look(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\n')
        out += "\\n";
      else if (c == '\r')
        out += "\\r";
      else if (c == '\t')
        out += "\\t";
      else if (is_c0_or_del(c))
        append_byte_escape(out, c);
      else
        out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const size_t n = utf8_sequence_length(s.substr(i));
    if (n == 0) {  // a byte of invalid UTF-8
      append_byte_escape(out, c);
      ++i;
      continue;
    }
    if (starts_with_c1(s.substr(i)) || starts_with_bidi_control(s.substr(i)))
      append_code_point_escape(out, utf8_code_point(s.substr(i), n));
    else
      out.append(s, i, n);
    i += n;
  }
  return out;
}

std::string csv_text_cell(std::string_view s) {
  std::string cell = terminal_text(s);
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                        cell[0] == '\t' || cell[0] == '\r'))
    cell.insert(cell.begin(), '\'');
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (const char c : cell) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

}  // namespace codepulse::report
