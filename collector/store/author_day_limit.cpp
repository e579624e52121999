#include "collector/store/author_day_limit.hpp"

#include <map>
#include <unordered_map>

#include "collector/store/batch_positions.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kDayMs = 86'400'000;

}  // namespace

int64_t utc_day_ms(int64_t ts_ms) {
  return (ts_ms >= 0 ? ts_ms : ts_ms - (kDayMs - 1)) / kDayMs * kDayMs;
}

// Each count is at most proto::kMaxTokensPerField (10^8): a record holds
// under 10^9 tokens, and a batch of at most 10^5 records under 10^14.
int64_t record_tokens(const UsageRecord& r) {
  return r.input + r.output + r.cache_create_5m + r.cache_create_1h + r.cache_read;
}

Result<std::optional<proto::DecodedBatch>> limit_author_days(const proto::DecodedBatch& batch,
                                                             const StoredDayTokens& stored) {
  // A uid sent twice in one batch is stored once, as its highest revision.
  std::unordered_map<std::string_view, const proto::WireRecord*> latest;
  for (const proto::WireRecord& wr : batch.records) {
    auto [at, fresh] = latest.emplace(wr.record_uid, &wr);
    if (!fresh && wr.revision > at->second->revision) at->second = &wr;
  }
  std::map<int64_t, int64_t> by_day;
  for (const auto& [uid, wr] : latest)
    by_day[utc_day_ms(wr->usage.timestamp_ms)] += record_tokens(wr->usage);

  std::vector<std::string> own_uids;
  std::map<int64_t, std::string> over;  // day -> why its records are refused
  for (const auto& [day, tokens] : by_day) {
    auto held = stored(day, nullptr);
    if (!held) return held.error();
    if (*held + tokens <= kMaxAuthorDayTokens) continue;
    if (own_uids.empty())
      for (const auto& [uid, wr] : latest)
        own_uids.emplace_back(uid);
    held = stored(day, &own_uids);
    if (!held) return held.error();
    if (*held + tokens <= kMaxAuthorDayTokens) continue;
    over[day] = "the author's records of " + format_iso8601_utc_ms(day).substr(0, 10) +
                " would hold " + std::to_string(*held + tokens) + " tokens (" +
                std::to_string(*held) + " stored before this batch), over the limit of " +
                std::to_string(kMaxAuthorDayTokens) + " per author and UTC day";
  }
  if (over.empty()) return std::optional<proto::DecodedBatch>();

  proto::DecodedBatch out;
  out.header = batch.header;
  out.rejected = batch.rejected;
  out.commits = batch.commits;
  out.rejected_commits = batch.rejected_commits;
  std::vector<size_t> rejected_at;
  for (const proto::Rejection& r : batch.rejected)
    rejected_at.push_back(r.index);
  Positions positions(std::move(rejected_at));
  for (const proto::WireRecord& wr : batch.records) {
    const size_t index = positions.next();
    const auto day = over.find(utc_day_ms(wr.usage.timestamp_ms));
    if (day == over.end())
      out.records.push_back(wr);
    else
      out.rejected.push_back({index, wr.record_uid, day->second});
  }
  return std::optional<proto::DecodedBatch>(std::move(out));
}

}  // namespace codepulse::collector
