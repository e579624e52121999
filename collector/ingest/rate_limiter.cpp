#include "collector/ingest/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace codepulse::collector {

int64_t RateLimiter::acquire(int64_t token_id, Clock::time_point now) {
  if (rate_ <= 0) return 0;  // unlimited
  std::lock_guard lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(token_id);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = burst_;
  } else {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
  }
  b.last = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / rate_)));
}

}  // namespace codepulse::collector
