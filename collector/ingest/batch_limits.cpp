#include "collector/ingest/batch_limits.hpp"

#include <map>

#include "common/time.hpp"

namespace codepulse::collector {

// A batch holds at most DecodeLimits::max_records (10^5) records of under
// 10^9 tokens each (record_tokens): the sums below cannot overflow.
std::optional<std::string> over_batch_limits(const proto::DecodedBatch& batch) {
  int64_t total = 0;
  std::map<int64_t, int64_t> by_day;
  for (const proto::WireRecord& wr : batch.records) {
    const int64_t tokens = record_tokens(wr.usage);
    total += tokens;
    by_day[utc_day_ms(wr.usage.timestamp_ms)] += tokens;
  }
  if (total > kMaxBatchTokens)
    return "its records hold " + std::to_string(total) + " tokens, over the limit of " +
           std::to_string(kMaxBatchTokens) + " per batch; send smaller batches";
  for (const auto& [day, tokens] : by_day)
    if (tokens > kMaxAuthorDayTokens)
      return "its records of " + format_iso8601_utc_ms(day).substr(0, 10) + " hold " +
             std::to_string(tokens) + " tokens, over the limit of " +
             std::to_string(kMaxAuthorDayTokens) + " per author and UTC day";
  return std::nullopt;
}

}  // namespace codepulse::collector
