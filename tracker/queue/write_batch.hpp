// queue: records of one stretch of a file, merged in memory before they meet
// the store. A request's streaming snapshots and its tool results usually sit
// a few lines apart; merging them here turns several store round trips into
// one, with the same outcome as applying each line to the store in order.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "common/record.hpp"
#include "common/result.hpp"
#include "tracker/parse/line_parser.hpp"
#include "tracker/queue/local_store.hpp"

namespace codepulse::tracker {

struct FlushCounts {
  int64_t inserted = 0, replaced = 0, kept = 0;
};

class WriteBatch {
 public:
  // Adds a request; returns true when it merged into a buffered copy of the
  // same request (a duplicate line).
  bool add(UsageRecord&& record);
  // Attaches a tool result to a buffered tool call; false if none is buffered.
  bool apply_result(const ToolResultLine& result);
  size_t size() const { return records_.size(); }
  // Writes every buffered record to the store (inside the caller's
  // transaction) and empties the batch.
  Result<FlushCounts> flush(LocalStore& store);

 private:
  void merge_into(size_t index, UsageRecord&& other);
  std::vector<UsageRecord> records_;
  std::unordered_map<std::string, size_t> by_key_;
  std::unordered_map<std::string, size_t> by_message_;
  std::unordered_map<std::string, std::pair<size_t, size_t>> tools_;  // id -> (record, tool)
};

}  // namespace codepulse::tracker
