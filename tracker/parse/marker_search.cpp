#include "tracker/parse/marker_search.hpp"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace codepulse::tracker {
namespace {

// From `from` on, one position at a time: short needles, short haystacks,
// and the last positions the vector loops leave.
size_t find_scalar(std::string_view hay, std::string_view needle, size_t from) {
  const size_t k = needle.size();
  if (k == 0) return from <= hay.size() ? from : std::string_view::npos;
  if (hay.size() < k) return std::string_view::npos;
  for (size_t i = from; i + k <= hay.size(); ++i) {
    if (hay[i] == needle.front() && std::memcmp(hay.data() + i, needle.data(), k) == 0) return i;
  }
  return std::string_view::npos;
}

// The last match starting before `end`, one position at a time, backwards.
size_t rfind_scalar(std::string_view hay, std::string_view needle, size_t end) {
  const size_t k = needle.size();
  if (k == 0) return hay.size();
  if (hay.size() < k) return std::string_view::npos;
  for (size_t i = std::min(end, hay.size() - k + 1); i-- > 0;) {
    if (hay[i] == needle.front() && std::memcmp(hay.data() + i, needle.data(), k) == 0) return i;
  }
  return std::string_view::npos;
}

}  // namespace

namespace marker_search_internal {

// Three bytes of the needle are compared at 16 (or 32) positions at once,
// and only where all match is the whole needle compared. The three are the
// first, the second and the second-to-last: markers start and end with a
// quote, the commonest byte in JSON, while their letters are rare at a fixed
// distance apart; and two letters alone ('u' and 'e' four apart) matched
// often enough in prose that checking the candidates cost a sixth of the
// search. This runs at several bytes per cycle where memmem goes about one
// at a time. Forwards the lowest candidate is checked first, backwards (a
// request line's "usage" sits a few hundred bytes before its end) the
// highest.
#if defined(__x86_64__)
namespace {

// The needle's three compared bytes, broadcast; candidates(p) has bit j set
// where a match could start at p + j.
struct Filter128 {
  size_t a, b;
  __m128i v0, va, vb;
  explicit Filter128(std::string_view needle)
      : a(1),
        b(needle.size() - 2),
        v0(_mm_set1_epi8(needle[0])),
        va(_mm_set1_epi8(needle[a])),
        vb(_mm_set1_epi8(needle[b])) {}
  unsigned candidates(const char* p) const {
    const __m128i ca = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + a));
    const __m128i cb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + b));
    const __m128i c0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(
        _mm_and_si128(_mm_cmpeq_epi8(ca, va), _mm_cmpeq_epi8(cb, vb)), _mm_cmpeq_epi8(c0, v0))));
  }
};

struct Filter256 {
  size_t a, b;
  __m256i v0, va, vb;
  __attribute__((target("avx2"))) explicit Filter256(std::string_view needle)
      : a(1),
        b(needle.size() - 2),
        v0(_mm256_set1_epi8(needle[0])),
        va(_mm256_set1_epi8(needle[a])),
        vb(_mm256_set1_epi8(needle[b])) {}
  __attribute__((target("avx2"))) unsigned candidates(const char* p) const {
    const __m256i ca = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + a));
    const __m256i cb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + b));
    const __m256i c0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return static_cast<unsigned>(_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(ca, va), _mm256_cmpeq_epi8(cb, vb)),
                         _mm256_cmpeq_epi8(c0, v0))));
  }
};

// The first match among the candidates at p (bits of `mask`), lowest first.
size_t first_of(unsigned mask, const char* p, std::string_view needle) {
  for (; mask != 0; mask &= mask - 1) {
    const auto bit = static_cast<size_t>(__builtin_ctz(mask));
    if (std::memcmp(p + bit, needle.data(), needle.size()) == 0) return bit;
  }
  return std::string_view::npos;
}

// The last match among the candidates at p, highest first.
size_t last_of(unsigned mask, const char* p, std::string_view needle) {
  while (mask != 0) {
    const auto bit = static_cast<size_t>(31 - __builtin_clz(mask));
    if (std::memcmp(p + bit, needle.data(), needle.size()) == 0) return bit;
    mask &= ~(1u << bit);
  }
  return std::string_view::npos;
}

// Forwards / backwards over the start offsets [0, hay.size() - k], `Width`
// at a time; the offsets the vector loop leaves are searched one by one.
template <size_t Width, class Filter>
__attribute__((always_inline)) inline size_t find_with(const Filter& f, std::string_view hay,
                                                       std::string_view needle) {
  const char* p = hay.data();
  const size_t starts = hay.size() - needle.size() + 1;
  size_t i = 0;
  for (; i + Width <= starts; i += Width)
    if (const size_t at = first_of(f.candidates(p + i), p + i, needle);
        at != std::string_view::npos)
      return i + at;
  return find_scalar(hay, needle, i);
}

template <size_t Width, class Filter>
__attribute__((always_inline)) inline size_t find_last_with(const Filter& f, std::string_view hay,
                                                            std::string_view needle) {
  const char* p = hay.data();
  size_t end = hay.size() - needle.size() + 1;  // starts below `end` are still to check
  for (; end >= Width; end -= Width)
    if (const size_t at = last_of(f.candidates(p + end - Width), p + end - Width, needle);
        at != std::string_view::npos)
      return end - Width + at;
  return rfind_scalar(hay, needle, end);
}

}  // namespace
#endif

size_t find_marker_sse2(std::string_view hay, std::string_view needle) {
#if defined(__x86_64__)
  if (needle.size() < 4 || hay.size() < needle.size() + 16) return find_scalar(hay, needle, 0);
  return find_with<16>(Filter128(needle), hay, needle);
#else
  return find_scalar(hay, needle, 0);
#endif
}

size_t find_last_marker_sse2(std::string_view hay, std::string_view needle) {
#if defined(__x86_64__)
  if (needle.size() < 4 || hay.size() < needle.size() + 16)
    return rfind_scalar(hay, needle, hay.size());
  return find_last_with<16>(Filter128(needle), hay, needle);
#else
  return rfind_scalar(hay, needle, hay.size());
#endif
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) size_t find_marker_avx2(std::string_view hay,
                                                        std::string_view needle) {
  if (needle.size() < 4 || hay.size() < needle.size() + 32) return find_marker_sse2(hay, needle);
  return find_with<32>(Filter256(needle), hay, needle);
}

__attribute__((target("avx2"))) size_t find_last_marker_avx2(std::string_view hay,
                                                             std::string_view needle) {
  if (needle.size() < 4 || hay.size() < needle.size() + 32)
    return find_last_marker_sse2(hay, needle);
  return find_last_with<32>(Filter256(needle), hay, needle);
}
#endif

bool has_avx2() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx2") != 0;
#else
  return false;
#endif
}

}  // namespace marker_search_internal

size_t find_marker(std::string_view hay, std::string_view needle) {
  using namespace marker_search_internal;
#if defined(__x86_64__)
  // Which loop this CPU runs, decided once (a constant after that).
  static const bool avx2 = has_avx2();
  if (avx2) return find_marker_avx2(hay, needle);
#endif
  return find_marker_sse2(hay, needle);
}

size_t find_last_marker(std::string_view hay, std::string_view needle) {
  using namespace marker_search_internal;
#if defined(__x86_64__)
  static const bool avx2 = has_avx2();
  if (avx2) return find_last_marker_avx2(hay, needle);
#endif
  return find_last_marker_sse2(hay, needle);
}

}  // namespace codepulse::tracker
