// What pricing needs of a usage record (common/record/usage_record.hpp).
#pragma once

#include "common/pricing/pricer.hpp"
#include "common/record/usage_record.hpp"

namespace codepulse {

// Views into `r`: valid while r is.
inline UsageToPrice to_price(const UsageRecord& r) {
  UsageToPrice u;
  u.model = r.model;
  u.ts_ms = r.timestamp_ms;
  u.input = r.input;
  u.output = r.output;
  u.cache_write_5m = r.cache_create_5m;
  u.cache_write_1h = r.cache_create_1h;
  u.cache_read = r.cache_read;
  u.web_search = r.web_search_requests;
  u.web_fetch = r.web_fetch_requests;
  u.fast = r.fast;
  u.inference_geo = r.inference_geo;
  return u;
}

}  // namespace codepulse
