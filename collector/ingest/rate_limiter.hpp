// Per-token rate limit: a token bucket of `burst` batches refilled at `rate`
// batches per second. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace codepulse::collector {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double rate_per_s, double burst) : rate_(rate_per_s), burst_(burst) {}

  // 0 when the batch may go ahead (and takes a token); otherwise the seconds
  // until one is available (for Retry-After), at least 1.
  int64_t acquire(int64_t token_id, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last{};
  };
  const double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<int64_t, Bucket> buckets_;
};

}  // namespace codepulse::collector
