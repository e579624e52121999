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
// Offset of the last occurrence (string_view::rfind), searched from the end.
size_t find_last_marker(std::string_view hay, std::string_view needle);

// The loops find_marker chooses between, by what the CPU has; for tests.
namespace marker_search_internal {
size_t find_marker_sse2(std::string_view hay, std::string_view needle);
size_t find_last_marker_sse2(std::string_view hay, std::string_view needle);
#if defined(__x86_64__)
size_t find_marker_avx2(std::string_view hay, std::string_view needle);
size_t find_last_marker_avx2(std::string_view hay, std::string_view needle);
#endif
bool has_avx2();
}  // namespace marker_search_internal

inline bool has_marker(std::string_view hay, std::string_view needle) {
  return find_marker(hay, needle) != std::string_view::npos;
}
// The same answer, searched from the end: for markers usually near it.
inline bool has_marker_near_end(std::string_view hay, std::string_view needle) {
  return find_last_marker(hay, needle) != std::string_view::npos;
}

}  // namespace codepulse::tracker
