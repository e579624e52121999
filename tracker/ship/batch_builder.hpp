// The next batch to send: the oldest records whose current revision is not
// yet shipped, then (in the room left under the limit) the oldest unshipped
// git commits, under a header whose batch id is derived from the record
// revisions and the commits it holds, so a batch sent again carries the same
// idempotency key.
#pragma once

#include <cstdint>
#include <vector>

#include "proto/wire_batch.hpp"
#include "tracker/queue/local_store.hpp"

namespace codepulse::tracker {

struct OutgoingBatch {
  proto::BatchHeader header;
  std::vector<proto::WireRecord> records;
  std::vector<int64_t> local_ids;  // row ids, parallel to records
  std::vector<CommitRecord> commits;
  std::vector<int64_t> commit_ids;  // git_commits row ids, parallel to commits
  size_t size() const { return records.size() + commits.size(); }
};

Result<OutgoingBatch> next_batch(LocalStore& store, size_t limit);

}  // namespace codepulse::tracker
