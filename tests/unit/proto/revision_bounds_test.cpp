// A record's revision is bounded (issue 22): INT64_MAX, which would pin a
// record against every later copy, is refused like any out-of-range field.
#include <catch2/catch.hpp>
#include <string>

#include "proto/wire_batch.hpp"

using namespace codepulse;
using namespace codepulse::proto;

TEST_CASE("a revision above a billion is refused with its reason", "[proto][overflow]") {
  BatchHeader h;
  h.tracker_version = "0.2.0";
  h.device_id = "device";
  h.batch_id = "b1";
  h.created_ms = 1'770'912'000'000;
  std::vector<WireRecord> recs(3);
  const int64_t revisions[] = {kMaxRevision, kMaxRevision + 1, INT64_MAX};
  for (size_t i = 0; i < recs.size(); ++i) {
    recs[i].record_uid = "u" + std::to_string(i);
    recs[i].revision = revisions[i];
    recs[i].usage.timestamp_ms = h.created_ms;
    recs[i].usage.session_id = "s";
    recs[i].usage.model = "claude-opus-4-6";
  }
  h.record_count = static_cast<int64_t>(recs.size());
  auto d = decode_json(encode_json(h, recs), {});
  REQUIRE(d);
  REQUIRE(d->records.size() == 1);
  CHECK(d->records[0].revision == kMaxRevision);
  REQUIRE(d->rejected.size() == 2);
  for (const Rejection& r : d->rejected)
    CHECK(r.reason == "field 'revision' must be from 1 to 1000000000");
}
