// The token limits of a whole batch (issue 22): a batch over the per-batch
// or per author-day limit is refused with its reason (a 413: the tracker
// halves it), one within them passes.
#include "collector/ingest/batch_limits.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "proto/wire_batch.hpp"

using namespace codepulse;

namespace {

constexpr int64_t kT0 = 1'770'912'000'000;  // 2026-02-12T16:00:00Z
constexpr int64_t kMax = proto::kMaxTokensPerField;
constexpr int64_t kDayMs = 86'400'000;

// `records` records of `tokens_each` cache reads, `step_ms` apart.
proto::DecodedBatch batch_of(int64_t records, int64_t tokens_each, int64_t step_ms) {
  proto::DecodedBatch b;
  for (int64_t i = 0; i < records; ++i) {
    proto::WireRecord wr;
    wr.record_uid = "u" + std::to_string(i);
    wr.usage.timestamp_ms = kT0 + i * step_ms;
    wr.usage.cache_read = tokens_each;
    b.records.push_back(std::move(wr));
  }
  return b;
}

}  // namespace

TEST_CASE("a batch over the per-batch or per author-day token limit is refused",
          "[collector][ingest][overflow]") {
  // Within both limits: 10 days of 99 records at 10^8 (just under 10^10 a day).
  CHECK_FALSE(collector::over_batch_limits(batch_of(990, kMax, kDayMs / 99)));
  // One day over 10^10.
  const auto day = collector::over_batch_limits(batch_of(101, kMax, 0));
  REQUIRE(day);
  CHECK(day->find("per author and UTC day") != std::string::npos);
  CHECK(day->find("2026-02-12") != std::string::npos);
  // The worst legal batch: 100,000 records at 10^8 tokens, over 10^11.
  const auto total = collector::over_batch_limits(batch_of(100'000, kMax, kDayMs));
  REQUIRE(total);
  CHECK(total->find("per batch") != std::string::npos);
}
