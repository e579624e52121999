// The header of a batch as a tracker writes it, for the wire format's tests.
#pragma once

#include <cstddef>
#include <cstdint>

#include "proto/wire_batch.hpp"

namespace codepulse::test {

// Batch "b-1" of `records` records from dev@acme.example's device.
inline proto::BatchHeader sample_header(size_t records) {
  proto::BatchHeader h;
  h.tracker_version = "0.1.0";
  h.device_id = "0123456789abcdef0123456789abcdef";
  h.author = "dev@acme.example";
  h.batch_id = "b-1";
  h.record_count = static_cast<int64_t>(records);
  h.created_ms = 1770912400000;
  return h;
}

}  // namespace codepulse::test
