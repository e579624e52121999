// libFuzzer harness: a batch body as the collector receives it. Input that
// starts with the zstd magic goes through decompression (bounded: zstd
// bombs) and the JSON decoder; anything else through the JSON decoder alone.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proto/wire_batch.hpp"

using namespace codepulse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  proto::DecodeLimits limits;
  limits.max_decompressed_bytes = 1 << 20;
  limits.max_records = 1000;
  limits.max_timestamp_ms = 1'893'456'000'000;  // 2030
  const bool zstd =
      size >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd;
  auto decoded = zstd ? proto::decode(body, limits) : proto::decode_json(body, limits);
  if (!decoded) return 0;
  // What was accepted is within the documented ranges, and encodes again.
  for (const proto::WireRecord& r : decoded->records) {
    if (r.usage.input < 0 || r.usage.output < 0 || r.revision < 1) __builtin_trap();
  }
  (void)proto::encode_json(decoded->header, decoded->records);
  return 0;
}
