#include "tests/support/commit_batch.hpp"

#include <stdexcept>

namespace codepulse::test {

proto::DecodedBatch commit_batch(const CommitBatchHeader& header,
                                 const std::vector<CommitRecord>& commits) {
  proto::BatchHeader h;
  h.tracker_version = header.tracker_version;
  h.device_id = header.device_id;
  h.author = header.author;
  h.batch_id = header.batch_id;
  h.created_ms = header.created_ms;
  auto d = proto::decode_json(proto::encode_json(h, {}, commits), {});
  if (!d) throw std::runtime_error("the commit batch was refused: " + d.error().message);
  if (!d->rejected_commits.empty())
    throw std::runtime_error("the batch refused " + std::to_string(d->rejected_commits.size()) +
                             " commit(s)");
  return std::move(d).value();
}

}  // namespace codepulse::test
