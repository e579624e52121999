// Books and records for the tests of the collector's prices: the builtin book
// with another revision and family, records that use every price feature
// (and models the builtin book cannot price), and their cost recomputed with
// a Pricer straight from the records, independently of any store or report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/pricing/pricer.hpp"
#include "proto/wire_batch.hpp"

namespace codepulse::test {

// A family the builtin book lacks (a model behind a gateway).
inline constexpr const char* kGatewayModel = "glm-4-6";
inline constexpr const char* kGatewayFamily =
    R"({"family":"glm-4-6","provider":"zhipu","periods":[{"input":0.6,"output":2.2,)"
    R"("cache_write_5m":0.75,"cache_write_1h":1.2,"cache_read":0.11,"sources":["a test"]}]})";

// The builtin book's JSON with `revision`, plus `family_json` entries (each a
// JSON object) at the front of its models.
std::string book_with(const std::string& revision, const std::vector<std::string>& family_json);

// `n` records from 2026-02-10 on, over days: Opus 4.6 (geo "us", fast, long
// context), Sonnet 4.5 through a Bedrock regional id, Haiku 4.5 with web
// searches, the gateway model (no price in the builtin book) and Sonnet 3.5
// after its retirement (no price at its time). uids "<prefix>-<i>".
std::vector<proto::WireRecord> pricing_records(int n, const std::string& prefix = "r");

struct Recomputed {
  int64_t org_nanos = 0, list_nanos = 0;  // over the priced records
  int64_t unpriced = 0;                   // records without a price
};
Recomputed recompute(const Pricer& pricer, const std::vector<proto::WireRecord>& records);

// A batch of `records` as a tracker sends it (zstd), and as the decoder gives it.
std::string batch_body(const std::string& batch_id, const std::vector<proto::WireRecord>& records);
proto::DecodedBatch decoded_batch(const std::string& batch_id,
                                  const std::vector<proto::WireRecord>& records);

}  // namespace codepulse::test
