// parse: finding short ASCII markers ("usage", "tool_use_id") in a line
// without parsing it. The classifier asks this for every line it sees, so it
// is the scan's hottest search; see marker_search.cpp for how it is fast.
#pragma once

#include <cstddef>
#include <string_view>

namespace codepulse::tracker {

// Offset of the first occurrence of `needle` in `hay`, or npos. Any needle
// works; needles of 4 bytes or more take the vectorised path.
size_t find_marker(std::string_view hay, std::string_view needle);

inline bool has_marker(std::string_view hay, std::string_view needle) {
  return find_marker(hay, needle) != std::string_view::npos;
}

}  // namespace codepulse::tracker
