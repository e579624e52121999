// Limits on a whole batch, on top of each record's (proto/README.md,
// "Ranges"): the tokens of all its records together, and of its records of
// any one UTC day (its author's day: a batch carries one author's records).
// With them, and the checked sums of the report engine, no legal batch can
// wrap a total (docs/SECURITY.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "proto/wire_batch.hpp"

namespace codepulse::collector {

// A heavy user's day is under 10^9 tokens (cache reads included); a backlog
// of weeks sent at once stays far under the batch limit.
inline constexpr int64_t kMaxBatchTokens = 100'000'000'000;     // 10^11
inline constexpr int64_t kMaxAuthorDayTokens = 10'000'000'000;  // 10^10, per UTC day

// The tokens of a record: input, output, both cache writes and cache reads.
int64_t record_tokens(const UsageRecord& r);

// Why the batch is over a limit (for a 413: the tracker halves the batch and
// sends again), or nullopt.
std::optional<std::string> over_batch_limits(const proto::DecodedBatch& batch);

}  // namespace codepulse::collector
