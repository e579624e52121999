#include "tracker/parse/marker_search.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace codepulse::tracker {
namespace {

size_t find_plain(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (hay.size() < needle.size() || from > hay.size() - needle.size())
    return std::string_view::npos;
  const void* hit = memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
  return hit ? static_cast<size_t>(static_cast<const char*>(hit) - hay.data())
             : std::string_view::npos;
}

}  // namespace

// Two bytes of the needle are compared at 16 positions at once, and only
// where both match is the whole needle compared. The two bytes are the second
// and the second-to-last: markers start and end with a quote, the commonest
// byte in JSON, while their letters are rare at a fixed distance apart. This
// runs at several bytes per cycle where memmem goes about one at a time.
size_t find_marker(std::string_view hay, std::string_view needle) {
#if defined(__SSE2__)
  const size_t k = needle.size();
  if (k < 4 || hay.size() < k) return find_plain(hay, needle, 0);
  const size_t a = 1, b = k - 2;
  const __m128i va = _mm_set1_epi8(needle[a]);
  const __m128i vb = _mm_set1_epi8(needle[b]);
  const char* p = hay.data();
  const size_t last_start = hay.size() - k;  // the last offset a match can start at
  size_t i = 0;
  for (; i + 16 <= last_start + 1; i += 16) {
    const __m128i ca = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + a));
    const __m128i cb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + b));
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(ca, va), _mm_cmpeq_epi8(cb, vb))));
    while (mask != 0) {
      const auto bit = static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(p + i + bit, needle.data(), k) == 0) return i + bit;
      mask &= mask - 1;
    }
  }
  return find_plain(hay, needle, i);
#else
  return find_plain(hay, needle, 0);
#endif
}

}  // namespace codepulse::tracker
