// The per-token rate limit on a clock the test sets: a bucket of `burst`
// batches refilled at `rate` a second, counted exactly.
#include "collector/ingest/rate_limiter.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using codepulse::collector::RateLimiter;
using namespace std::chrono_literals;

namespace {
const RateLimiter::Clock::time_point t0{std::chrono::hours(1000)};
}

TEST_CASE("a full bucket lets the burst through, then refuses with the wait", "[collector][unit]") {
  RateLimiter limiter(1, 2);
  CHECK(limiter.acquire(7, t0) == 0);
  CHECK(limiter.acquire(7, t0) == 0);
  CHECK(limiter.acquire(7, t0) == 1);           // empty: one batch a second, Retry-After 1
  CHECK(limiter.acquire(7, t0 + 1000ms) == 0);  // refilled by one
  CHECK(limiter.acquire(7, t0 + 1000ms) == 1);
  CHECK(limiter.acquire(8, t0) == 0);
  CHECK(limiter.acquire(8, t0) == 0);
  CHECK(limiter.acquire(8, t0 + 999ms) == 1);  // not quite a batch yet
}

TEST_CASE("a refused batch takes nothing, and the bucket never holds more than the burst",
          "[collector][unit]") {
  RateLimiter limiter(2, 3);
  for (int i = 0; i < 3; ++i)
    CHECK(limiter.acquire(1, t0) == 0);
  for (int i = 0; i < 10; ++i)
    CHECK(limiter.acquire(1, t0) > 0);
  CHECK(limiter.acquire(1, t0 + 500ms) == 0);  // 2 a second: one after half a second
  // An hour of quiet refills it to the burst, no more.
  int passed = 0;
  for (int i = 0; i < 10; ++i)
    passed += limiter.acquire(1, t0 + 1h) == 0;
  CHECK(passed == 3);
}

TEST_CASE("the wait is rounded up to whole seconds, at least one", "[collector][unit]") {
  RateLimiter slow(0.25, 1);  // one batch every 4 s
  CHECK(slow.acquire(1, t0) == 0);
  CHECK(slow.acquire(1, t0) == 4);
  CHECK(slow.acquire(1, t0 + 1500ms) == 3);
  RateLimiter fast(1000, 1);
  CHECK(fast.acquire(1, t0) == 0);
  CHECK(fast.acquire(1, t0) == 1);
}

TEST_CASE("each token has its own bucket, and rate 0 is no limit", "[collector][unit]") {
  RateLimiter limiter(1, 1);
  CHECK(limiter.acquire(1, t0) == 0);
  CHECK(limiter.acquire(1, t0) > 0);
  CHECK(limiter.acquire(2, t0) == 0);
  RateLimiter unlimited(0, 1);
  for (int i = 0; i < 1000; ++i)
    CHECK(unlimited.acquire(1, t0) == 0);
}
