// The local store as a bounded queue: retention, eviction order, counters.
#include <catch2/catch.hpp>

#include "tests/support/test_support.hpp"
#include "tracker/queue/local_store.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::TempDir;

namespace {

UsageRecord record(int i, int64_t ts_ms) {
  UsageRecord r;
  r.message_id = "msg_" + std::to_string(i);
  r.request_id = "req_" + std::to_string(i);
  r.dedupe_key = r.message_id + "\x1f" + r.request_id;
  r.timestamp_ms = ts_ms;
  r.session_id = "s";
  r.model = "claude-opus-4-6";
  r.input = 10;
  r.output = 20;
  r.repo = "local/app";
  r.price_version = "test";
  r.turn_id = std::string(200, 't');  // make rows big enough to fill pages quickly
  return r;
}

int64_t count(LocalStore& s, const std::string& where) {
  auto v = s.database().scalar(("SELECT count(*) FROM usage_records WHERE " + where).c_str());
  REQUIRE(v);
  return *v;
}

}  // namespace

TEST_CASE("the queue drops expired shipped records, then the oldest shipped, then unshipped",
          "[queue]") {
  TempDir dir;
  auto store = LocalStore::open(dir / "state");
  REQUIRE(store);
  REQUIRE(store->begin());
  const int64_t day = 86'400'000;
  for (int i = 0; i < 3000; ++i)
    REQUIRE(store->upsert(record(i, 1'000 * day + i * 1000)));
  REQUIRE(store->end_bulk_load());
  REQUIRE(store->commit());
  // The first 1000 (oldest) have been shipped at their current revision.
  REQUIRE(
      store->database().exec("UPDATE usage_records SET shipped_revision = revision WHERE ts_ms < "
                             "1000 * 86400000 + 1000 * 1000"));

  SECTION("retention removes only shipped records past the cutoff") {
    REQUIRE(store->begin());
    auto b = store->enforce_bounds(1ll << 40, 1'000 * day + 500 * 1000);
    REQUIRE(b);
    REQUIRE(store->commit());
    CHECK(b->expired == 500);
    CHECK(b->evicted_shipped == 0);
    CHECK(b->evicted_unshipped == 0);
    CHECK(count(*store, "1") == 2500);
    auto q = store->queue_stats();
    REQUIRE(q);
    CHECK(q->expired == 500);
    CHECK(q->unshipped == 2000);
  }
  SECTION("over the byte bound, shipped records go before unshipped ones") {
    auto q0 = store->queue_stats();
    REQUIRE(q0);
    REQUIRE(store->begin());
    auto b = store->enforce_bounds(q0->used_bytes / 2, 0);  // keep about half
    REQUIRE(b);
    REQUIRE(store->commit());
    CHECK(b->evicted_shipped == 1000);  // all shipped ones first
    CHECK(b->evicted_unshipped > 0);    // then the oldest unshipped
    CHECK(count(*store, "shipped_revision >= revision") == 0);
    // What is left is the newest records.
    auto oldest = store->database().scalar("SELECT min(ts_ms) FROM usage_records");
    REQUIRE(oldest);
    CHECK(*oldest == 1'000 * day + (1000 + b->evicted_unshipped) * 1000);
    auto q = store->queue_stats();
    REQUIRE(q);
    CHECK(q->used_bytes <= q0->used_bytes / 2);
    CHECK(q->evicted_shipped == 1000);
    CHECK(q->evicted_unshipped == b->evicted_unshipped);
  }
  SECTION("records the collector refused go with the unshipped ones, oldest first") {
    // Every third unshipped record is quarantined.
    REQUIRE(store->database().exec(
        "UPDATE usage_records SET quarantined_revision = revision WHERE shipped_revision < "
        "revision AND id % 3 = 0"));
    const int64_t quarantined = count(*store, "quarantined_revision >= revision");
    REQUIRE(quarantined == 667);
    auto q0 = store->queue_stats();
    REQUIRE(q0);
    REQUIRE(store->begin());
    auto b = store->enforce_bounds(q0->used_bytes / 2, 0);
    REQUIRE(b);
    REQUIRE(store->commit());
    CHECK(b->evicted_shipped == 1000);
    CHECK(b->evicted_unshipped > 0);
    // The oldest of both kinds went: what is left is the newest records,
    // with the quarantined ones among them still every third.
    auto oldest = store->database().scalar("SELECT min(ts_ms) FROM usage_records");
    REQUIRE(oldest);
    CHECK(*oldest == 1'000 * day + (1000 + b->evicted_unshipped) * 1000);
    CHECK(count(*store, "1") == 2000 - b->evicted_unshipped);
    CHECK(count(*store, "quarantined_revision >= revision") <
          quarantined - b->evicted_unshipped / 3 + 2);
    CHECK(count(*store, "quarantined_revision >= revision") >
          quarantined - b->evicted_unshipped / 3 - 2);
  }
}
