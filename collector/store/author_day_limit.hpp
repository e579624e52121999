// The token limit per author and UTC day, across batches (docs/SECURITY.md,
// "Sums that cannot overflow"): a batch's records of a day whose tokens,
// with what the store already holds of its author's day, would pass the
// limit are rejected alone, with the reason; the rest is stored.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "proto/wire_batch.hpp"

namespace codepulse::collector {

// A heavy user's day is under 10^9 tokens (cache reads included): the limit
// is ten times that, so an honest tracker never meets it.
inline constexpr int64_t kMaxAuthorDayTokens = 10'000'000'000;  // 10^10, per UTC day

// The tokens of a record: input, output, both cache writes and cache reads.
int64_t record_tokens(const UsageRecord& r);
// The start of the UTC day holding ts_ms.
int64_t utc_day_ms(int64_t ts_ms);

// The tokens the store holds of the batch author's UTC day starting at
// day_ms; without the records whose uid is in `excluding` when it is given
// (the batch's own: they are about to be replaced or kept as they are).
using StoredDayTokens =
    std::function<Result<int64_t>(int64_t day_ms, const std::vector<std::string>* excluding)>;

// The batch to store when some of its days are over the limit: those days'
// records moved to its rejections at the positions they held; nullopt when
// every day fits. Each day is one row the store keeps (author_day_tokens);
// a day near the limit is asked again without the batch's own uids, so a
// resent or revised record is never counted twice.
Result<std::optional<proto::DecodedBatch>> limit_author_days(const proto::DecodedBatch& batch,
                                                             const StoredDayTokens& stored);

}  // namespace codepulse::collector
