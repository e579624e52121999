#include "tracker/ship/batch_builder.hpp"

#include "common/hashing.hpp"
#include "common/time.hpp"
#include "common/version.hpp"
#include "tracker/queue/commit_store.hpp"

namespace codepulse::tracker {

Result<OutgoingBatch> next_batch(LocalStore& store, size_t limit) {
  OutgoingBatch b;
  auto records = store.unshipped(limit, &b.local_ids);
  if (!records) return records.error();
  b.records = std::move(records).value();
  if (b.records.size() < limit) {
    auto commits = CommitStore(store.database()).unshipped(limit - b.records.size());
    if (!commits) return commits.error();
    for (QueuedCommit& q : *commits) {
      b.commit_ids.push_back(q.id);
      b.commits.push_back(std::move(q.commit));
    }
  }
  auto device = store.device_id();
  if (!device) return device.error();
  proto::BatchHeader& h = b.header;
  h.tracker_version = kVersion;
  h.device_id = *device;
  h.record_count = static_cast<int64_t>(b.records.size());
  h.created_ms = now_utc_ms();
  std::string ids = *device;
  for (const auto& r : b.records) {
    ids += '\n' + r.record_uid + ':' + std::to_string(r.revision);
    if (h.author.empty()) h.author = r.usage.author;
  }
  for (const auto& c : b.commits) {
    ids += "\ncommit:" + c.repo + ':' + c.sha;
    // A commit sent again with a survival mark measured (docs/PROVENANCE.md)
    // is a new batch, not the one the collector already answered.
    int64_t marks = 0;
    for (const CommitFile& f : c.files)
      marks += (f.lines_alive_21d >= 0 ? 1 : 0) + (f.lines_alive_90d >= 0 ? 1 : 0);
    if (marks > 0) ids += ":alive:" + std::to_string(marks);
  }
  h.batch_id = sha256_hex(ids).substr(0, 32);
  return b;
}

}  // namespace codepulse::tracker
