// Limits on a whole batch, on top of each record's (proto/README.md,
// "Ranges"): the tokens of all its records together, and of its records of
// any one UTC day (its author's day: a batch carries one author's records).
// With them, and the checked sums of the report engine, no legal batch can
// wrap a total (docs/SECURITY.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "collector/store/author_day_limit.hpp"
#include "proto/wire_batch.hpp"

namespace codepulse::collector {

// A backlog of weeks sent at once stays far under the batch limit. The
// limit per author and UTC day (kMaxAuthorDayTokens) is the store's too,
// across batches (author_day_limit.hpp).
inline constexpr int64_t kMaxBatchTokens = 100'000'000'000;  // 10^11

// Why the batch is over a limit (for a 413: the tracker halves the batch and
// sends again), or nullopt.
std::optional<std::string> over_batch_limits(const proto::DecodedBatch& batch);

}  // namespace codepulse::collector
