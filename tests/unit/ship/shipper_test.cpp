// Shipper (tracker/ship/shipper.hpp) against real HTTPS servers on 127.0.0.1:
// a capture peer (tests/support/tls_peer.hpp) and a real collector
// (tests/support/collector_fixture.hpp). Records are marked shipped only
// after the collector's receipt; refusals are retried or quarantined, with
// the reason in the status.
#include "tracker/ship/shipper.hpp"

#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <set>

#include "common/hashing.hpp"
#include "common/time.hpp"
#include "common/zstd_codec.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/ship_bench.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/tls_peer.hpp"
#include "tracker/queue/commit_store.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using namespace codepulse::test;

namespace {

std::vector<proto::DecodedBatch> decoded(const std::vector<std::string>& bodies) {
  std::vector<proto::DecodedBatch> out;
  for (const std::string& body : bodies) {
    auto batch = proto::decode(body, {});
    REQUIRE(batch);
    out.push_back(std::move(batch).value());
  }
  return out;
}

}  // namespace

TEST_CASE("the shipper sends the queue in batches and marks it shipped after the receipt",
          "[shipping][unit]") {
  ShipBench bench;
  bench.queue_requests(5);
  CollectorFixture pki(bench.dir() / "collector");
  CaptureServer capture(pki.cert(), pki.key());
  const std::string token = private_token_file(bench.dir() / "token", "tok-123");
  Shipper shipper(bench.io(), bench.store(), bench.options(capture.port(), pki.ca(), token),
                  bench.log());
  int changes = 0;
  shipper.set_on_change([&] { ++changes; });

  CHECK(bench.ship_now(shipper) == "");
  CHECK(bench.stats().unshipped == 0);
  const ShipStatus& status = shipper.status();
  CHECK(status.collector == "localhost:" + std::to_string(capture.port()));
  CHECK(status.batches_shipped == 3);
  CHECK(status.records_shipped == 5);
  CHECK(status.failures == 0);
  CHECK(status.last_http_status == 200);
  CHECK(status.last_success_ms > 0);
  CHECK(changes >= 3);

  // Oldest first, at most two a batch, each under its own batch id and the store's device id.
  const auto batches = decoded(capture.bodies());
  REQUIRE(batches.size() == 3);
  auto device = bench.store().device_id();
  REQUIRE(device);
  std::set<std::string> batch_ids;
  std::vector<std::string> messages;
  for (const auto& b : batches) {
    CHECK(b.header.device_id == *device);
    CHECK(b.header.author == "dev@example.org");
    CHECK(b.rejected.empty());
    batch_ids.insert(b.header.batch_id);
    for (const auto& w : b.records)
      messages.push_back(w.usage.message_id);
  }
  CHECK(batches[0].records.size() == 2);
  CHECK(batches[2].records.size() == 1);
  CHECK(batch_ids.size() == 3);
  CHECK(messages == std::vector<std::string>{"msg_0", "msg_1", "msg_2", "msg_3", "msg_4"});
}

TEST_CASE("queued records wait for batch_max_age unless a batch is full", "[shipping][unit]") {
  ShipBench bench;
  CollectorFixture pki(bench.dir() / "collector");
  CaptureServer capture(pki.cert(), pki.key());
  const std::string token = private_token_file(bench.dir() / "token", "tok-123");
  ShipOptions options = bench.options(capture.port(), pki.ca(), token);
  using Clock = std::chrono::steady_clock;

  SECTION("a few records go once the oldest waited batch_max_age") {
    options.batch_max_records = 100;
    options.batch_max_age_ms = 300;
    Shipper shipper(bench.io(), bench.store(), options, bench.log());
    shipper.set_on_change([&] { bench.io().stop(); });
    REQUIRE(shipper.start());  // nothing queued yet: nothing sent
    bench.queue({request(1), request(2), request(3)});
    const auto queued = Clock::now();
    shipper.records_queued(3);
    bench.io().run_for(std::chrono::seconds(20));
    CHECK(Clock::now() - queued >= std::chrono::milliseconds(290));
    CHECK(bench.stats().unshipped == 0);
    const auto batches = decoded(capture.bodies());
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].records.size() == 3);
  }
  SECTION("a full batch goes at once") {
    options.batch_max_records = 3;
    options.batch_max_age_ms = 600'000;  // never reached within the test
    Shipper shipper(bench.io(), bench.store(), options, bench.log());
    shipper.set_on_change([&] { bench.io().stop(); });
    REQUIRE(shipper.start());
    bench.queue({request(1), request(2), request(3)});
    shipper.records_queued(3);
    bench.io().run_for(std::chrono::seconds(20));
    CHECK(bench.stats().unshipped == 0);
    CHECK(shipper.status().batches_shipped == 1);
  }
}

TEST_CASE("an answer that is not the collector's receipt keeps every record queued",
          "[shipping][unit][faults]") {
  ShipBench bench;
  bench.queue({request(1), request(2), request(3)});
  CollectorFixture pki(bench.dir() / "collector");
  const std::string token = private_token_file(bench.dir() / "token", "tok-123");
  using Mode = CaptureServer::Mode;
  const auto [mode, code, says] = GENERATE(table<Mode, int, std::string>(
      {{Mode::kHtml200, 200, "without a receipt"}, {Mode::kNotFound, 404, "collector URL"}}));
  CaptureServer web(pki.cert(), pki.key(), mode);
  Shipper shipper(bench.io(), bench.store(), bench.options(web.port(), pki.ca(), token),
                  bench.log());

  const std::string error = bench.ship_now(shipper);
  CHECK(error.find(says) != std::string::npos);
  CHECK(web.bodies().size() == 1);
  const QueueStats q = bench.stats();
  CHECK(q.unshipped == 3);
  CHECK(q.quarantined == 0);
  const ShipStatus& status = shipper.status();
  CHECK(status.last_http_status == code);
  CHECK(status.failures == 1);
  CHECK(status.batches_shipped == 0);
  CHECK(status.last_error == error);
  CHECK(status.next_attempt_ms >= status.last_error_ms + 50);
  CHECK(status.next_attempt_ms <= status.last_error_ms + 200);
}

TEST_CASE("a record the collector rejects is quarantined alone, with its reason",
          "[shipping][unit][quarantine]") {
  ShipBench bench;
  // 2099 is absurd for the collector; the other two are fine.
  bench.queue({request(1), request(2, 4'070'908'800'000), request(3)});
  CollectorFixture c(bench.dir() / "collector");
  const std::string token = c.token_file("dev@example.org");
  c.start();
  ShipOptions options = bench.options(c.port(), c.ca(), token);
  options.batch_max_records = 10;
  Shipper shipper(bench.io(), bench.store(), options, bench.log());

  CHECK(bench.ship_now(shipper) == "");
  CHECK(c.record_count() == 2);
  const QueueStats q = bench.stats();
  CHECK(q.unshipped == 0);
  CHECK(q.quarantined == 1);
  auto held = bench.store().quarantined(10);
  REQUIRE(held);
  REQUIRE(held->size() == 1);
  CHECK(held->front().http_status == 0);
  CHECK(held->front().reason.find("field 'timestamp'") != std::string::npos);
  CHECK(shipper.status().records_quarantined == 1);
  CHECK(shipper.status().failures == 0);
  CHECK(bench.log_text().find("rejected 1 records") != std::string::npos);
  c.stop();
}

TEST_CASE("only the commits the collector took count as shipped", "[shipping][unit][identity]") {
  ShipBench bench;
  bench.queue({request(1)});
  // The author's commit, and a teammate's that an older tracker queued.
  for (const char* email : {"dev@example.org", "pat@example.org"}) {
    CommitRecord commit;
    commit.repo = "local/app";
    commit.sha = std::string(40, email[0] == 'd' ? 'a' : 'b');
    commit.author_email = commit.committer_email = email;
    commit.author_ms = commit.committer_ms = now_utc_ms() - 86'400'000;
    commit.branch = "main";
    REQUIRE(CommitStore(bench.store().database()).add(commit));
  }
  CollectorFixture c(bench.dir() / "collector");
  const std::string token = c.token_file("dev@example.org");
  c.start();
  ShipOptions options = bench.options(c.port(), c.ca(), token);
  options.batch_max_records = 10;
  Shipper shipper(bench.io(), bench.store(), options, bench.log());

  CHECK(bench.ship_now(shipper) == "");
  CHECK(test::db_text(c.db(), "SELECT count(*) FROM commits") == "1");
  CHECK(shipper.status().commits_shipped == 1);
  CHECK(shipper.status().records_shipped == 1);
  c.stop();
}

TEST_CASE("a batch the collector refuses is quarantined whole and goes again once released",
          "[shipping][unit][quarantine]") {
  ShipBench bench;
  bench.queue({request(1), request(2)});
  auto device = bench.store().device_id();
  REQUIRE(device);
  // A device id longer than the wire allows: the collector answers 400.
  REQUIRE(
      bench.store().database().exec("UPDATE tracker_meta SET value = replace(hex(zeroblob(100)), "
                                    "'0', 'd') WHERE key = 'device_id'"));
  CollectorFixture c(bench.dir() / "collector");
  const std::string token = c.token_file("dev@example.org");
  c.start();
  ShipOptions options = bench.options(c.port(), c.ca(), token);
  {
    Shipper shipper(bench.io(), bench.store(), options, bench.log());
    CHECK(bench.ship_now(shipper) == "");
    const ShipStatus& status = shipper.status();
    CHECK(status.last_http_status == 400);
    CHECK(status.records_quarantined == 2);
    CHECK(status.last_error.find("device_id") != std::string::npos);
  }
  CHECK(c.record_count() == 0);
  QueueStats q = bench.stats();
  CHECK(q.unshipped == 0);
  CHECK(q.quarantined == 2);
  auto held = bench.store().quarantined(10);
  REQUIRE(held);
  REQUIRE(held->size() == 2);
  for (const QuarantineEntry& e : *held) {
    CHECK(e.http_status == 400);
    CHECK(e.reason.find("device_id") != std::string::npos);
  }

  auto released = bench.store().release_quarantine();
  REQUIRE(released);
  CHECK(*released == 2);
  REQUIRE(bench.store().database().exec(
      ("UPDATE tracker_meta SET value = '" + *device + "' WHERE key = 'device_id'").c_str()));
  {
    Shipper shipper(bench.io(), bench.store(), options, bench.log());
    CHECK(bench.ship_now(shipper) == "");
  }
  CHECK(c.record_count() == 2);
  q = bench.stats();
  CHECK(q.unshipped == 0);
  CHECK(q.quarantined == 0);
  c.stop();
}

TEST_CASE("a refused token keeps the records queued and names the token file",
          "[shipping][unit][auth]") {
  ShipBench bench;
  bench.queue({request(1)});
  CollectorFixture c(bench.dir() / "collector");
  c.token_file("dev@example.org");  // the store has tokens, but not this one
  c.start();
  const std::string token = private_token_file(bench.dir() / "wrong-token", "cpt_not-a-token");
  Shipper shipper(bench.io(), bench.store(), bench.options(c.port(), c.ca(), token), bench.log());

  const std::string error = bench.ship_now(shipper);
  CHECK(error.find("check token_file " + token) != std::string::npos);
  CHECK(shipper.status().last_http_status == 401);
  CHECK(bench.stats().unshipped == 1);
  CHECK(c.record_count() == 0);
  c.stop();
}

TEST_CASE("a collector's 413 halves the batches until everything fits",
          "[shipping][unit][faults]") {
  ShipBench bench;
  bench.queue_requests(100);
  CollectorFixture c(bench.dir() / "collector");
  const std::string token = c.token_file("dev@example.org");
  c.start({"--max-body-bytes", "4KiB"});
  ShipOptions options = bench.options(c.port(), c.ca(), token);
  options.batch_max_records = 100;
  Shipper shipper(bench.io(), bench.store(), options, bench.log());

  CHECK(bench.ship_now(shipper) == "");
  CHECK(c.record_count() == 100);
  CHECK(bench.stats().unshipped == 0);
  CHECK(shipper.status().batches_shipped > 1);
  CHECK(shipper.status().records_quarantined == 0);
  CHECK(bench.log_text().find("sending batches of at most 50 records") != std::string::npos);
  c.stop();
}

TEST_CASE("shipping that recovers after failures logs it once, with the time down and what waits",
          "[shipping][unit][log]") {
  ShipBench bench;
  bench.queue_requests(5);
  CollectorFixture c(bench.dir() / "collector");
  const std::string good = c.token_of(c.token_file("dev@example.org"));
  c.start();
  const std::string token = private_token_file(bench.dir() / "token", "cpt_not-a-token");
  Shipper shipper(bench.io(), bench.store(), bench.options(c.port(), c.ca(), token), bench.log());
  CHECK(bench.ship_now(shipper).find("401") != std::string::npos);
  CHECK(bench.log_text().find("recovered") == std::string::npos);

  // The token file is read again at every attempt: the next one succeeds.
  write_file(token, good);
  std::string error = "timeout";
  shipper.set_on_drained([&](const std::string& e) {
    error = e;
    bench.io().stop();
  });
  shipper.ship_now();
  bench.io().restart();
  bench.io().run_for(std::chrono::seconds(30));
  CHECK(error.empty());
  CHECK(c.record_count() == 5);
  const std::string log = bench.log_text();
  INFO(log);
  const auto at = log.find("shipping recovered after ");
  REQUIRE(at != std::string::npos);
  CHECK(log.find("shipping recovered", at + 1) == std::string::npos);  // once
  const std::string line = log.substr(at, log.find('\n', at) - at);
  // After the first batch of two: three records, two batches.
  CHECK(line.find(" s of failures (1 failed attempt); 3 records pending, 2 batches to send") !=
        std::string::npos);
  c.stop();
}
