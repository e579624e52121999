// RFC 4180 CSV cells, one line at a time: the reader the collector's CSV
// imports share (provider usage, the people directory).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse {

// The cells of the line starting at `pos` (moved past it); quoted cells may
// hold commas, doubled quotes and line breaks. `line` names the line in the
// error ("line 7: a quoted cell is not closed").
Result<std::vector<std::string>> next_csv_line(std::string_view text, size_t& pos, size_t line);

}  // namespace codepulse
