// Budget alerts (docs/BUDGETS.md "Alerts") against the local HTTPS alert
// receiver (tests/support/alert_receiver.hpp): each crossing of a budget's
// period (warn, over, forecast_over) is enqueued once whatever the number
// of checks and collectors; `serve` delivers each once through a receiver
// that fails and recovers and across a restart; a receiver answering 410
// or never answering leaves a clear error and alerts nothing twice.
#include "collector/alert/budget_alerts.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "collector/report/budget_state.hpp"
#include "common/time.hpp"
#include "tests/support/alert_receiver.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

std::unique_ptr<Store> opened(const std::string& db) {
  auto s = open_store(db);
  REQUIRE(s);
  return std::move(s).value();
}

// $10 of Opus input by dev a minute ago, and an org budget of $8 a month:
// over 100 %, so warn, over and forecast_over are all crossed.
void over_budget(Store& store) {
  REQUIRE(store.ingest("dev@acme.example",
                       decoded_batch("b1", {input_record("r1", now_utc_ms() - 60'000, 2'000'000,
                                                         "github.com/acme/api")})));
  BudgetRow b;
  b.scope = "org";
  b.period = "month";
  b.basis = "org";
  b.limit_nanos = 8 * kDollarNanos;
  b.start_day = "2026-01-01";
  b.created_by = "finance@acme.example";
  REQUIRE(store.add_budget(b));
}

std::set<std::string> keys_sent(AlertReceiverMock& receiver) {
  std::set<std::string> out;
  for (const PeerRequest& r : receiver.requests()) {
    // The webhook's "id" (docs/ALERTS.md) is the dedupe key; it comes first.
    const auto at = r.body.find("\"id\":\"");
    if (at != std::string::npos)
      out.insert(r.body.substr(at + 6, r.body.find('"', at + 6) - at - 6));
  }
  return out;
}

}  // namespace

TEST_CASE("each budget crossing is enqueued once, across checks and collectors",
          "[collector][budgets][alert]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto a = opened(target.db);
  auto b = opened(target.db);  // a second collector on the same store
  over_budget(*a);
  const int64_t now = now_utc_ms();
  const std::string period = budget_period("month", day_of_ms(now)).start;
  int64_t added = 0;
  for (Store* store : {a.get(), b.get(), a.get()}) {
    auto statuses = budget_statuses(*store, now);
    REQUIRE(statuses);
    for (const AlertMessage& m : budget_alerts(*statuses, now))
      added += *store->enqueue_alert(m, {"webhook"});
  }
  CHECK(added == 3);
  auto rows = a->list_alerts(100);
  REQUIRE(rows);
  std::set<std::string> keys;
  for (const AlertDelivery& d : *rows)
    keys.insert(d.alert.dedupe_key);
  CHECK(keys == std::set<std::string>{"budget:1:" + period + ":warn",
                                      "budget:1:" + period + ":over",
                                      "budget:1:" + period + ":forecast_over"});
}

TEST_CASE("serve alerts each budget crossing once, through a 500 and a restart",
          "[collector][budgets][alert]") {
  TempDir dir;
  CollectorFixture collector(dir / "collector");
  AlertReceiverMock receiver(collector.cert(), collector.key());
  {
    auto store = opened(collector.db());
    over_budget(*store);
  }
  receiver.script({500});  // the first request fails; the receiver then recovers
  const std::vector<std::string> args = {"--alert-webhook-url",
                                         receiver.url("/codepulse"),
                                         "--alert-webhook-secret-file",
                                         private_file(dir / "secret", std::string(40, 'k')),
                                         "--alert-ca-file",
                                         collector.ca(),
                                         "--alert-retry-base",
                                         "200ms",
                                         "--alert-poll",
                                         "100ms",
                                         "--anomaly-check-minutes",
                                         "0"};
  collector.start(args);
  CHECK(eventually(kPatienceMs, [&] { return receiver.delivered() == 3; }));
  collector.stop();
  collector.start(args);  // checks again at start: nothing new
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  collector.stop();
  CHECK(receiver.requests().size() == 4);
  CHECK(receiver.delivered() == 3);
  const std::string period = budget_period("month", day_of_ms(now_utc_ms())).start;
  CHECK(keys_sent(receiver) == std::set<std::string>{"budget:1:" + period + ":warn",
                                                     "budget:1:" + period + ":over",
                                                     "budget:1:" + period + ":forecast_over"});
  const auto sent = receiver.requests();
  REQUIRE_FALSE(sent.empty());
  CHECK(sent.back().body.find("\"source\":\"budget\"") != std::string::npos);
  const auto listed =
      run({collector_bin(), "alerts", "list", "--db", collector.db(), "--format", "json"});
  CHECK(listed.out.find("\"state\":\"pending\"") == std::string::npos);
}

TEST_CASE("a receiver answering 410 or never answering: a clear error, no alert twice",
          "[collector][budgets][alert]") {
  TempDir dir;
  CollectorFixture collector(dir / "collector");
  AlertReceiverMock receiver(collector.cert(), collector.key());
  {
    auto store = opened(collector.db());
    over_budget(*store);
  }
  receiver.script({410});
  std::vector<std::string> args = {"--alert-webhook-url",
                                   receiver.url("/codepulse"),
                                   "--alert-webhook-secret-file",
                                   private_file(dir / "secret", std::string(40, 'k')),
                                   "--alert-ca-file",
                                   collector.ca(),
                                   "--alert-poll",
                                   "100ms",
                                   "--anomaly-check-minutes",
                                   "0"};
  collector.start(args);
  CHECK(eventually(kPatienceMs, [&] { return receiver.requests().size() == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  collector.stop();
  CHECK(receiver.requests().size() == 1);  // disabled: the other two wait
  auto store = opened(collector.db());
  auto rows = store->list_alerts(100);
  REQUIRE(rows);
  REQUIRE(rows->size() == 3);
  int failed = 0, pending = 0;
  for (const AlertDelivery& d : *rows) {
    if (d.state == AlertState::kFailed) {
      ++failed;
      CHECK(d.last_status == 410);
      CHECK(d.last_error.find("410") != std::string::npos);
    }
    pending += d.state == AlertState::kPending;
  }
  CHECK(failed == 1);
  CHECK(pending == 2);

  // Restarted with the receiver working: the two that waited, and never the
  // one that failed, nor any crossing again.
  collector.start(args);
  CHECK(eventually(kPatienceMs, [&] { return receiver.delivered() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  collector.stop();
  CHECK(receiver.requests().size() == 3);
  CHECK(keys_sent(receiver).size() == 3);

  // A receiver that never answers: the attempt times out with a clear error
  // and the row stays pending for a retry, sent once per attempt.
  SilentReceiver silent;
  TempDir dir2;
  CollectorFixture quiet(dir2 / "collector");
  {
    auto s = opened(quiet.db());
    over_budget(*s);
  }
  quiet.start({"--alert-webhook-url", silent.url("/codepulse"), "--alert-webhook-secret-file",
               private_file(dir2 / "secret", std::string(40, 'k')), "--alert-timeout", "300ms",
               "--alert-retry-base", "60s", "--alert-poll", "100ms", "--anomaly-check-minutes",
               "0"});
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  quiet.stop();
  auto s = opened(quiet.db());
  auto waiting = s->list_alerts(100);
  REQUIRE(waiting);
  REQUIRE(waiting->size() == 3);
  for (const AlertDelivery& d : *waiting) {
    CHECK(d.state == AlertState::kPending);
    CHECK(d.attempts <= 1);
    if (d.attempts == 1) CHECK(d.last_error.find("no answer from webhook") != std::string::npos);
  }
}
