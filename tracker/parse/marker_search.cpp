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
// at a time.
size_t find_marker_sse2(std::string_view hay, std::string_view needle) {
#if defined(__x86_64__)
  const size_t k = needle.size();
  if (k < 4 || hay.size() < k + 16) return find_scalar(hay, needle, 0);
  const size_t a = 1, b = k - 2;
  const __m128i va = _mm_set1_epi8(needle[a]);
  const __m128i vb = _mm_set1_epi8(needle[b]);
  const __m128i v0 = _mm_set1_epi8(needle[0]);
  const char* p = hay.data();
  const size_t last_start = hay.size() - k;  // the last offset a match can start at
  size_t i = 0;
  for (; i + 16 <= last_start + 1; i += 16) {
    const __m128i ca = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + a));
    const __m128i cb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + b));
    const __m128i c0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(
        _mm_and_si128(_mm_cmpeq_epi8(ca, va), _mm_cmpeq_epi8(cb, vb)), _mm_cmpeq_epi8(c0, v0))));
    while (mask != 0) {
      const auto bit = static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(p + i + bit, needle.data(), k) == 0) return i + bit;
      mask &= mask - 1;
    }
  }
  return find_scalar(hay, needle, i);
#else
  return find_scalar(hay, needle, 0);
#endif
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) size_t find_marker_avx2(std::string_view hay,
                                                        std::string_view needle) {
  const size_t k = needle.size();
  if (k < 4 || hay.size() < k + 32) return find_marker_sse2(hay, needle);
  const size_t a = 1, b = k - 2;
  const __m256i va = _mm256_set1_epi8(needle[a]);
  const __m256i vb = _mm256_set1_epi8(needle[b]);
  const __m256i v0 = _mm256_set1_epi8(needle[0]);
  const char* p = hay.data();
  const size_t last_start = hay.size() - k;
  size_t i = 0;
  for (; i + 32 <= last_start + 1; i += 32) {
    const __m256i ca = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + a));
    const __m256i cb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + b));
    const __m256i c0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    auto mask = static_cast<unsigned>(_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(ca, va), _mm256_cmpeq_epi8(cb, vb)),
                         _mm256_cmpeq_epi8(c0, v0))));
    while (mask != 0) {
      const auto bit = static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(p + i + bit, needle.data(), k) == 0) return i + bit;
      mask &= mask - 1;
    }
  }
  return find_scalar(hay, needle, i);
}

// The same three-byte filter, from the end backwards: a request line's
// "usage" sits a few hundred bytes before its end, where the forward search
// read the whole tail window first.
__attribute__((target("avx2"))) size_t find_last_marker_avx2(std::string_view hay,
                                                             std::string_view needle) {
  const size_t k = needle.size();
  if (k < 4 || hay.size() < k + 32) return find_last_marker_sse2(hay, needle);
  const size_t a = 1, b = k - 2;
  const __m256i va = _mm256_set1_epi8(needle[a]);
  const __m256i vb = _mm256_set1_epi8(needle[b]);
  const __m256i v0 = _mm256_set1_epi8(needle[0]);
  const char* p = hay.data();
  size_t end = hay.size() - k + 1;  // starts below `end` are still to check
  while (end >= 32) {
    const size_t i = end - 32;
    const __m256i ca = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + a));
    const __m256i cb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + b));
    const __m256i c0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    auto mask = static_cast<unsigned>(_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(ca, va), _mm256_cmpeq_epi8(cb, vb)),
                         _mm256_cmpeq_epi8(c0, v0))));
    while (mask != 0) {
      const auto bit = static_cast<size_t>(31 - __builtin_clz(mask));
      if (std::memcmp(p + i + bit, needle.data(), k) == 0) return i + bit;
      mask &= ~(1u << bit);
    }
    end = i;
  }
  return rfind_scalar(hay, needle, end);
}
#endif

size_t find_last_marker_sse2(std::string_view hay, std::string_view needle) {
#if defined(__x86_64__)
  const size_t k = needle.size();
  if (k < 4 || hay.size() < k + 16) return rfind_scalar(hay, needle, hay.size());
  const size_t a = 1, b = k - 2;
  const __m128i va = _mm_set1_epi8(needle[a]);
  const __m128i vb = _mm_set1_epi8(needle[b]);
  const __m128i v0 = _mm_set1_epi8(needle[0]);
  const char* p = hay.data();
  size_t end = hay.size() - k + 1;
  while (end >= 16) {
    const size_t i = end - 16;
    const __m128i ca = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + a));
    const __m128i cb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + b));
    const __m128i c0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(
        _mm_and_si128(_mm_cmpeq_epi8(ca, va), _mm_cmpeq_epi8(cb, vb)), _mm_cmpeq_epi8(c0, v0))));
    while (mask != 0) {
      const auto bit = static_cast<size_t>(31 - __builtin_clz(mask));
      if (std::memcmp(p + i + bit, needle.data(), k) == 0) return i + bit;
      mask &= ~(1u << bit);
    }
    end = i;
  }
  return rfind_scalar(hay, needle, end);
#else
  return rfind_scalar(hay, needle, hay.size());
#endif
}

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
