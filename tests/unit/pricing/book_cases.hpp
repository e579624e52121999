// Hand-computed cases priced with a book: one request's tokens, time, speed and
// geo, the list cost expected in nano-dollars (nullopt: unpriced), and the
// check that prices each case and compares it.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <span>

#include "common/pricing/pricer.hpp"

namespace codepulse::test {

// Tokens in disjoint buckets, cache writes after the remainder rule.
struct CaseUsage {
  int64_t input, output, c5m, c1h, read, web_search = 0;
};

struct BookCase {
  int number;
  const char* model;
  const char* time;
  CaseUsage u;
  bool fast;
  const char* geo;
  std::optional<int64_t> expect;  // nullopt: unpriced
  bool speed_unpriced = false;
};

inline PricedUsage price_case(const Pricer& pricer, const BookCase& c) {
  const auto ts = parse_effective_time(c.time);
  REQUIRE(ts);
  UsageToPrice u;
  u.model = c.model;
  u.ts_ms = *ts;
  u.input = c.u.input;
  u.output = c.u.output;
  u.cache_write_5m = c.u.c5m;
  u.cache_write_1h = c.u.c1h;
  u.cache_read = c.u.read;
  u.web_search = c.u.web_search;
  u.fast = c.fast;
  u.inference_geo = c.geo;
  return pricer.price(u);
}

inline void check_book_cases(const Pricer& pricer, std::span<const BookCase> cases) {
  for (const BookCase& c : cases) {
    INFO("case " << c.number << ": " << c.model << " at " << c.time);
    const PricedUsage p = price_case(pricer, c);
    CHECK(p.list_nanos == c.expect);
    CHECK(p.speed_unpriced == c.speed_unpriced);
  }
}

}  // namespace codepulse::test
