// A tracker's batch of commits only, as the collector decodes it from the
// wire: for store tests that ingest commits without a server.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/record/commit_record.hpp"
#include "proto/wire_batch.hpp"

namespace codepulse::test {

struct CommitBatchHeader {
  std::string batch_id = "b1";
  std::string device_id = "device-of-dev";
  std::string author;  // the header's author ("" = none)
  std::string tracker_version = "0.3.0";
  int64_t created_ms = 0;
};

// Encoded and decoded again; throws when the collector's decoder refuses the
// batch or any commit of it (the message names why).
proto::DecodedBatch commit_batch(const CommitBatchHeader& header,
                                 const std::vector<CommitRecord>& commits);

}  // namespace codepulse::test
