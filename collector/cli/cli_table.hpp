// Aligned text tables for the commands' table output.
#pragma once

#include <string>
#include <vector>

namespace codepulse::collector {

// Rows (the first is the header) as lines of columns two spaces apart, each
// line without trailing spaces and ending in '\n'. Every cell is shown
// through report::terminal_text: no control character reaches the terminal.
std::string render_text_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace codepulse::collector
