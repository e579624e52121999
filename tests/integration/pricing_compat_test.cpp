// Trackers already deployed keep shipping (proto/README.md, "Versions"): a
// batch exactly as a tracker before the price book sent it — no web fetches,
// no inference_geo, no iteration, and a cost of its own — is stored, and the
// collector prices its records from their tokens, ignoring the cost it sent.
#include <catch2/catch.hpp>
#include <string>

#include "collector/report/store_report.hpp"
#include "collector/store/store.hpp"
#include "common/pricing/record_pricing.hpp"
#include "common/report/report.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;

namespace {

// Two records of a version-1 tracker (its price table of 2026-11-22 did not
// know claude-opus-5-5 and sent null; it priced claude-opus-4-6 itself).
constexpr const char* kOldBatch = R"({"format_version":1,"tracker_version":"0.1.0",
"device_id":"0123456789abcdef0123456789abcdef","author":"someone-else@example.org",
"batch_id":"old-tracker-batch-1","record_count":2,"created":"2026-12-01T10:00:00.000Z",
"records":[
{"uid":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","revision":1,"timestamp":"2026-12-01T09:00:00.000Z",
 "session_id":"s1","sidechain":false,"agent_id":"","message_id":"msg_1","request_id":"req_1",
 "model":"claude-opus-5-5","input_tokens":1000,"output_tokens":500,"cache_write_5m_tokens":2000,
 "cache_write_1h_tokens":1000,"cache_read_tokens":10000,"web_search_requests":1,"fast":false,
 "cost_nanos":null,"long_context":false,"price_version":"2026-11-22",
 "claude_code_version":"2.1.300","repo":"github.com/acme/api","branch":"main","task_keys":"",
 "turn_id":"t1","tools":[]},
{"uid":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","revision":1,"timestamp":"2026-12-01T09:05:00.000Z",
 "session_id":"s1","sidechain":false,"agent_id":"","message_id":"msg_2","request_id":"req_2",
 "model":"claude-opus-4-6","input_tokens":200,"output_tokens":100,"cache_write_5m_tokens":0,
 "cache_write_1h_tokens":0,"cache_read_tokens":0,"web_search_requests":0,"fast":true,
 "cost_nanos":1,"long_context":false,"price_version":"2026-11-22",
 "claude_code_version":"2.1.300","repo":"github.com/acme/api","branch":"main","task_keys":"",
 "turn_id":"t1","tools":[]}]})";

}  // namespace

TEST_CASE("a batch from a tracker before the price book is stored and priced by the collector",
          "[collector][pricing]") {
  test::TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = collector::open_store(target.db);
  REQUIRE(store);
  auto decoded = proto::decode_json(kOldBatch, {});
  REQUIRE(decoded);
  REQUIRE(decoded->rejected.empty());
  REQUIRE(decoded->records.size() == 2);
  const UsageRecord& opus55 = decoded->records[0].usage;
  CHECK(opus55.web_fetch_requests == 0);
  CHECK(opus55.inference_geo.empty());
  CHECK(opus55.iteration == 0);
  auto stored = (*store)->ingest("dev@acme.example", *decoded);
  REQUIRE(stored);
  CHECK(stored->records_new == 2);

  auto request = report::parse_report_params({{"group_by", "model"}});
  REQUIRE(request);
  auto r = collector::build_report(**store, request->query);
  REQUIRE(r);
  // By hand, at the default book's rates (docs/PRICING.md):
  //   claude-opus-5-5: 1000 x 4,000 + 500 x 20,000 + 2000 x 5,000 + 1000 x 8,000
  //     + 10000 x 200 = 4,000,000 + 10,000,000 + 10,000,000 + 8,000,000 + 2,000,000
  //     = 34,000,000; + 1 web search x 10,000,000 = 44,000,000 (the tracker sent null)
  //   claude-opus-4-6, fast (x6): (200 x 5,000 + 100 x 25,000) x 6 = 3,500,000 x 6
  //     = 21,000,000 (the tracker sent 1)
  CHECK(r->root.children.at("claude-opus-5-5").metrics.cost_nanos == 44'000'000);
  CHECK(r->root.children.at("claude-opus-4-6-fast").metrics.cost_nanos == 21'000'000);
  CHECK(r->root.metrics.cost_nanos == 65'000'000);
  CHECK(r->root.metrics.unpriced_records == 0);
  // The same as an independent recomputation from the decoded records.
  int64_t again = 0;
  for (const auto& w : decoded->records)
    again += Pricer::builtin()->price(to_price(w.usage)).list_nanos.value_or(-1);
  CHECK(again == 65'000'000);
}
