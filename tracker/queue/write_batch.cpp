#include "tracker/queue/write_batch.hpp"

#include <functional>
#include <string_view>

#include "common/tool_codec.hpp"

namespace codepulse::tracker {
namespace {

// In memory only, so any good hash does; the standard one reads 8 bytes a step.
uint64_t hash_of(std::string_view s) {
  return std::hash<std::string_view>{}(s);
}

}  // namespace

int64_t WriteBatch::find_key(const std::string& key) {
  hits_.clear();
  by_key_.find(hash_of(key), hits_);
  for (const int64_t i : hits_)
    if (records_[static_cast<size_t>(i)].dedupe_key == key) return i;
  return -1;
}

int64_t WriteBatch::find_message(const std::string& message_id, int64_t iteration) {
  hits_.clear();
  by_message_.find(hash_of(message_id), hits_);
  int64_t first = -1;  // the earliest buffered record with this message id and iteration
  for (const int64_t i : hits_) {
    const UsageRecord& r = records_[static_cast<size_t>(i)];
    if (r.message_id == message_id && r.iteration == iteration && (first < 0 || i < first))
      first = i;
  }
  return first;
}

bool WriteBatch::has_tool(const std::string& tool_use_id) {
  hits_.clear();
  tools_.find(hash_of(tool_use_id), hits_);
  for (const int64_t ref : hits_) {
    const auto [record, tool] = tool_refs_[static_cast<size_t>(ref)];
    if (records_[record].tools[tool].tool_use_id == tool_use_id) return true;
  }
  return false;
}

void WriteBatch::add_tool(size_t record, size_t tool) {
  tools_.insert(hash_of(records_[record].tools[tool].tool_use_id),
                static_cast<int64_t>(tool_refs_.size()));
  tool_refs_.emplace_back(record, tool);
}

void WriteBatch::merge_into(size_t index, UsageRecord&& other) {
  UsageRecord& kept = records_[index];
  std::vector<ToolUse> incoming = std::move(other.tools);
  if (LocalStore::candidate_wins(kept.sidechain, kept.token_total(), kept.fast, other)) {
    // The other copy's facts win; tool calls already buffered stay in place.
    // (Both copies share the message id: one dedupe key, or ccusage's
    // sidechain fallback on the message id.)
    std::vector<ToolUse> tools = std::move(kept.tools);
    const bool same_key = kept.dedupe_key == other.dedupe_key;
    if (!same_key) by_key_.erase(hash_of(kept.dedupe_key), static_cast<int64_t>(index));
    kept = std::move(other);
    kept.tools = std::move(tools);
    if (!same_key) by_key_.insert(hash_of(kept.dedupe_key), static_cast<int64_t>(index));
  }
  add_tools(index, std::move(incoming));
}

bool WriteBatch::would_replace(size_t index, bool sidechain, int64_t token_total, bool fast) const {
  const UsageRecord& kept = records_[index];
  return LocalStore::candidate_wins(kept.sidechain, kept.token_total(), kept.fast, sidechain,
                                    token_total, fast);
}

void WriteBatch::add_tools(size_t index, std::vector<ToolUse>&& tools) {
  for (ToolUse& t : tools) {  // each tool call id once
    if (has_tool(t.tool_use_id)) continue;
    records_[index].tools.push_back(std::move(t));
    add_tool(index, records_[index].tools.size() - 1);
  }
}

bool WriteBatch::add(UsageRecord&& r) {
  int64_t found = find_key(r.dedupe_key);
  if (found < 0 && !r.message_id.empty()) {
    // ccusage's sidechain fallback: same message id, either side a sidechain
    // (and the same advisor call: a request's advisor calls share its id).
    const int64_t m = find_message(r.message_id, r.iteration);
    if (m >= 0 && (records_[static_cast<size_t>(m)].sidechain || r.sidechain)) found = m;
  }
  if (found >= 0) {
    merge_into(static_cast<size_t>(found), std::move(r));
    return true;
  }
  const size_t index = records_.size();
  by_key_.insert(hash_of(r.dedupe_key), static_cast<int64_t>(index));
  if (!r.message_id.empty()) by_message_.insert(hash_of(r.message_id), static_cast<int64_t>(index));
  records_.push_back(std::move(r));
  for (size_t i = 0; i < records_[index].tools.size(); ++i) {
    // A tool call id already buffered keeps its first record (results go there).
    if (!has_tool(records_[index].tools[i].tool_use_id)) add_tool(index, i);
  }
  return false;
}

bool WriteBatch::apply_result(const ToolResultLine& result) {
  hits_.clear();
  tools_.find(hash_of(result.tool_use_id), hits_);
  for (const int64_t ref : hits_) {
    const auto [record, tool] = tool_refs_[static_cast<size_t>(ref)];
    ToolUse& t = records_[record].tools[tool];
    if (t.tool_use_id != result.tool_use_id) continue;
    // A second result of the call (its subagent's own file after the
    // parent's copy) keeps the first unless it counts what the first did not.
    if (!result_adds_to(t, result.lines_added, result.lines_removed, result.commit_sha))
      return true;
    t.result_seen = true;
    t.lines_added = result.lines_added;
    t.lines_removed = result.lines_removed;
    if (!result.commit_sha.empty()) t.commit_sha = result.commit_sha;
    t.error = result.error;
    return true;
  }
  return false;
}

Result<FlushCounts> WriteBatch::flush(LocalStore& store) {
  FlushCounts counts;
  for (const UsageRecord& r : records_) {
    auto outcome = store.upsert(r);
    if (!outcome) return outcome.error();
    switch (*outcome) {
      case UpsertOutcome::kInserted:
        ++counts.inserted;
        if (r.iteration > 0) ++counts.advisors_inserted;
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
  tool_refs_.clear();
  return counts;
}

}  // namespace codepulse::tracker
