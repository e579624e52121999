// libFuzzer harness: a batch body as the collector receives it. Input that
// starts with the zstd magic goes through decompression (bounded: zstd
// bombs) and the JSON decoder; anything else through the JSON decoder alone.
// Invariants: what is accepted is within the documented ranges and the
// limits, and encodes into a batch that decodes to the same batch (plain and
// compressed), with nothing rejected; errors and reasons stay short.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/wire_batch.hpp"
#include "tests/fuzz/fuzz_checks.hpp"

using namespace codepulse;
using fuzz::expect;

namespace {

void check_in_range(const proto::DecodedBatch& b, const proto::DecodeLimits& limits) {
  expect(b.header.format_version == proto::kFormatVersion && !b.header.batch_id.empty(),
         "an accepted header");
  expect(b.records.size() + b.rejected.size() <= limits.max_records, "at most max_records");
  for (const proto::WireRecord& r : b.records) {
    const UsageRecord& u = r.usage;
    expect(r.revision >= 1 && !r.record_uid.empty() && !u.model.empty(), "identity");
    for (int64_t tokens : {u.input, u.output, u.cache_create_5m, u.cache_create_1h, u.cache_read})
      expect(tokens >= 0 && tokens <= proto::kMaxTokensPerField, "token counts in range");
    expect(!u.cost_nanos || (*u.cost_nanos >= 0 && *u.cost_nanos <= proto::kMaxCostNanos),
           "cost in range");
    expect(u.timestamp_ms >= limits.min_timestamp_ms && u.timestamp_ms <= limits.max_timestamp_ms,
           "timestamp in range");
  }
  for (const proto::Rejection& r : b.rejected)
    expect(r.reason.size() <= 300, "a rejection's reason of at most 300 bytes");
  for (const proto::Rejection& r : b.rejected_commits)
    expect(r.reason.size() <= 300, "a rejection's reason of at most 300 bytes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  proto::DecodeLimits limits;
  limits.max_decompressed_bytes = 1 << 20;
  limits.max_records = 1000;
  limits.max_timestamp_ms = 1'893'456'000'000;  // 2030
  const bool zstd =
      size >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd;
  auto decoded = zstd ? proto::decode(body, limits) : proto::decode_json(body, limits);
  if (!decoded) {
    expect(decoded.error().message.size() <= 300, "an error of at most 300 bytes");
    return 0;
  }
  check_in_range(*decoded, limits);
  // What was accepted encodes into a batch that decodes to the same batch:
  // encoding it again gives the same bytes.
  const std::string json = proto::encode_json(decoded->header, decoded->records, decoded->commits);
  proto::DecodeLimits roomy = limits;
  roomy.max_decompressed_bytes = 256u << 20;  // the encoding may be longer than the input
  for (const bool compressed : {false, true}) {
    auto bytes = compressed ? proto::encode(decoded->header, decoded->records, decoded->commits)
                            : Result<std::string>(json);
    expect(bytes.ok(), "an accepted batch encodes");
    auto again = compressed ? proto::decode(*bytes, roomy) : proto::decode_json(*bytes, roomy);
    expect(again.ok(), "an encoded batch decodes");
    expect(again->rejected.empty() && again->rejected_commits.empty(),
           "nothing accepted once is rejected");
    expect(again->records.size() == decoded->records.size() &&
               again->commits.size() == decoded->commits.size(),
           "every record and commit comes back");
    expect(proto::encode_json(again->header, again->records, again->commits) == json,
           "a batch decodes to the same batch");
  }
  return 0;
}
