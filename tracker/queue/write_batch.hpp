// queue: records of one stretch of a file, merged in memory before they meet
// the store. A request's streaming snapshots and its tool results usually sit
// a few lines apart; merging them here turns several store round trips into
// one, with the same outcome as applying each line to the store in order.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/hash_row_index.hpp"
#include "common/record/tool_result.hpp"
#include "common/record/usage_record.hpp"
#include "common/result.hpp"
#include "tracker/queue/local_store.hpp"

namespace codepulse::tracker {

struct FlushCounts {
  int64_t inserted = 0, replaced = 0, kept = 0;
  int64_t advisors_inserted = 0;  // of `inserted`: records of advisor calls
};

class WriteBatch {
 public:
  // Adds a request; returns true when it merged into a buffered copy of the
  // same request (a duplicate line).
  bool add(UsageRecord&& record);
  // Attaches a tool result to a buffered tool call; false if none is buffered.
  bool apply_result(const ToolResultLine& result);
  size_t size() const { return records_.size(); }
  // The buffered record with this dedupe key, or -1.
  int64_t find_key(const std::string& key);
  // Whether a copy of buffered record `index` with these facts would take its
  // place (LocalStore::candidate_wins); one that would not adds only its
  // tool calls, through add_tools.
  bool would_replace(size_t index, bool sidechain, int64_t token_total, bool fast) const;
  void add_tools(size_t index, std::vector<ToolUse>&& tools);
  // Writes every buffered record to the store (inside the caller's
  // transaction) and empties the batch.
  Result<FlushCounts> flush(LocalStore& store);

 private:
  void merge_into(size_t index, UsageRecord&& other);
  // The buffered record with this message id and iteration, or -1.
  int64_t find_message(const std::string& message_id, int64_t iteration);
  bool has_tool(const std::string& tool_use_id);
  void add_tool(size_t record, size_t tool);

  // Lookups by 64-bit hash (the text is compared on each hit): no allocation
  // per line, where string-keyed maps made two for every key.
  std::vector<UsageRecord> records_;
  HashRowIndex by_key_;                               // hash of dedupe key -> record
  HashRowIndex by_message_;                           // hash of message id -> record
  HashRowIndex tools_;                                // hash of tool_use_id -> tool_refs_ entry
  std::vector<std::pair<size_t, size_t>> tool_refs_;  // (record, tool)
  std::vector<int64_t> hits_;                         // scratch
};

}  // namespace codepulse::tracker
