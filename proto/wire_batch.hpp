// The tracker -> collector wire format, version 1 (proto/README.md): one JSON
// document per batch, zstd-compressed. The single encoder and decoder both
// programs link.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/record/commit_record.hpp"
#include "common/record/usage_record.hpp"
#include "common/result.hpp"

namespace codepulse::proto {

inline constexpr int kFormatVersion = 1;
inline constexpr int kZstdLevel = 1;  // chosen by measurement: see proto/README.md

struct BatchHeader {
  int format_version = kFormatVersion;
  std::string tracker_version;
  std::string device_id;
  std::string author;
  std::string batch_id;  // also the idempotency key
  int64_t record_count = 0;
  int64_t created_ms = 0;
};

// A record as it travels: the usage record plus its identity and revision.
struct WireRecord {
  std::string record_uid;  // stable across revisions
  int64_t revision = 1;    // a higher revision replaces a lower one
  UsageRecord usage;
};

struct Rejection {
  size_t index = 0;    // position in the batch
  std::string uid;     // when it could be read
  std::string reason;  // which field and what is wrong with it
};

struct DecodedBatch {
  BatchHeader header;
  std::vector<WireRecord> records;
  std::vector<Rejection> rejected;
  // Git commits (optional in a batch): read alone like records, a bad one
  // rejected alone with its reason (Rejection::uid holds its sha).
  std::vector<CommitRecord> commits;
  std::vector<Rejection> rejected_commits;
};

struct DecodeLimits {
  size_t max_decompressed_bytes = 64u << 20;
  size_t max_records = 100'000;
  size_t max_commits = 100'000;
  // Record timestamps outside [min, max] are rejected as absurd; max 0 = no
  // upper bound (the collector passes now + 1 day).
  int64_t min_timestamp_ms = 1'672'531'200'000;  // 2023-01-01, before Claude Code existed
  int64_t max_timestamp_ms = 0;
};

// Largest accepted values: far above any real request, far below overflow
// when summed over billions of records.
inline constexpr int64_t kMaxTokensPerField = 100'000'000;
inline constexpr int64_t kMaxCostNanos = 1'000'000'000'000'000;  // one million dollars
inline constexpr int64_t kMaxWebSearches = 100'000;              // also web fetches
inline constexpr int64_t kMaxIteration = 10'000;
// A record's revision grows by one per replacement on the laptop (a later
// streaming snapshot, a tool result): a billion is never reached.
inline constexpr int64_t kMaxRevision = 1'000'000'000;
inline constexpr size_t kMaxFilesPerCommit = 100'000;
inline constexpr int64_t kMaxLinesPerFile = 1'000'000'000;

// The uncompressed JSON document (what `queue show` prints). Commits are
// written only when there are some.
std::string encode_json(const BatchHeader& header, const std::vector<WireRecord>& records,
                        const std::vector<CommitRecord>& commits = {});
// encode_json, compressed with zstd at kZstdLevel.
Result<std::string> encode(const BatchHeader& header, const std::vector<WireRecord>& records,
                           const std::vector<CommitRecord>& commits = {});

// Decodes a compressed batch. A bad header or document fails the batch; a bad
// record is rejected alone, with the reason. Unknown fields are ignored.
Result<DecodedBatch> decode(std::string_view compressed, const DecodeLimits& limits);
Result<DecodedBatch> decode_json(std::string_view json, const DecodeLimits& limits);

}  // namespace codepulse::proto
