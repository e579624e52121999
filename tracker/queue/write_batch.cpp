#include "tracker/queue/write_batch.hpp"

namespace codepulse::tracker {

void WriteBatch::merge_into(size_t index, UsageRecord&& other) {
  UsageRecord& kept = records_[index];
  std::vector<ToolUse> incoming = std::move(other.tools);
  if (LocalStore::candidate_wins(kept.sidechain, kept.token_total(), kept.fast, other)) {
    // The other copy's facts win; tool calls already buffered stay in place.
    std::vector<ToolUse> tools = std::move(kept.tools);
    by_key_.erase(kept.dedupe_key);
    kept = std::move(other);
    kept.tools = std::move(tools);
    by_key_[kept.dedupe_key] = index;
    if (!kept.message_id.empty()) by_message_.emplace(kept.message_id, index);
  }
  for (ToolUse& t : incoming) {  // each tool call id once
    if (tools_.count(t.tool_use_id)) continue;
    tools_[t.tool_use_id] = {index, kept.tools.size()};
    kept.tools.push_back(std::move(t));
  }
}

bool WriteBatch::add(UsageRecord&& r) {
  auto it = by_key_.find(r.dedupe_key);
  if (it == by_key_.end() && !r.message_id.empty()) {
    // ccusage's sidechain fallback: same message id, either side a sidechain.
    auto m = by_message_.find(r.message_id);
    if (m != by_message_.end() && (records_[m->second].sidechain || r.sidechain))
      it = by_key_.find(records_[m->second].dedupe_key);
  }
  if (it != by_key_.end()) {
    merge_into(it->second, std::move(r));
    return true;
  }
  const size_t index = records_.size();
  by_key_[r.dedupe_key] = index;
  if (!r.message_id.empty()) by_message_.emplace(r.message_id, index);
  for (size_t i = 0; i < r.tools.size(); ++i)
    tools_.emplace(r.tools[i].tool_use_id, std::make_pair(index, i));
  records_.push_back(std::move(r));
  return false;
}

bool WriteBatch::apply_result(const ToolResultLine& result) {
  auto it = tools_.find(result.tool_use_id);
  if (it == tools_.end()) return false;
  ToolUse& t = records_[it->second.first].tools[it->second.second];
  t.result_seen = true;
  t.lines_added = result.lines_added;
  t.lines_removed = result.lines_removed;
  if (!result.commit_sha.empty()) t.commit_sha = result.commit_sha;
  return true;
}

Result<FlushCounts> WriteBatch::flush(LocalStore& store) {
  FlushCounts counts;
  for (const UsageRecord& r : records_) {
    auto outcome = store.upsert(r);
    if (!outcome) return outcome.error();
    switch (*outcome) {
      case UpsertOutcome::kInserted:
        ++counts.inserted;
        break;
      case UpsertOutcome::kReplaced:
        ++counts.replaced;
        break;
      case UpsertOutcome::kKept:
        ++counts.kept;
        break;
    }
  }
  records_.clear();
  by_key_.clear();
  by_message_.clear();
  tools_.clear();
  return counts;
}

}  // namespace codepulse::tracker
