// What reaches people, neutralised once per sink (docs/SECURITY.md, "Output
// to people"): text for a terminal and the cells of CSV. JSON is escaped by
// JsonWriter, and the dashboard writes text nodes, never HTML.
#pragma once

#include <string>
#include <string_view>

namespace codepulse::report {

// `s` safe to print on a terminal: control characters (C0, DEL, C1; see
// common/text_controls.hpp) and the bidirectional overrides and isolates
// (U+202A to U+202E, U+2066 to U+2069) are shown escaped ("\n", "\r", "\t",
// "\x1b", "\u0085", "\u202e"), so is every byte of invalid UTF-8 ("\xff");
// the rest is kept as it is. One line in, one line out.
std::string terminal_text(std::string_view s);

// A CSV cell holding the string `s` (RFC 4180): escaped like terminal_text
// (so a row is one line), prefixed with ' when it begins with = + - @ (or a
// tab or CR) so no spreadsheet reads it as a formula (OWASP, "CSV
// Injection"), and quoted when it holds a comma or a double quote. Numbers
// are written as they are, never through here.
std::string csv_text_cell(std::string_view s);

}  // namespace codepulse::report
