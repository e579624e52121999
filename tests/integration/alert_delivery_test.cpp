// Alert delivery against a local HTTPS receiver (tests/support/
// alert_receiver.hpp), on a SQLite file and a PostgreSQL database: each
// alert is delivered exactly once (500s retried with backoff until the
// receiver recovers, a restart mid-retry, a crash between claim and
// delivery, two collectors on one store), 410 disables the receiver, a
// receiver that never answers times out, the webhook's HMAC verifies, and
// no secret reaches a log line, an error or --print-config.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "collector/alert/alert_bodies.hpp"
#include "collector/alert/alert_dispatcher.hpp"
#include "collector/alert/alert_receivers.hpp"
#include "common/hashing.hpp"
#include "tests/support/alert_receiver.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

constexpr int64_t kNow = 1'794'312'000'000;  // 2026-11-10T12:00:00Z
const std::string kSecretCanary = "whsec-CANARY-7f3a9c2e5b1d8f4a6c0e2b9d7f1a3c5e";
const std::string kSlackCanary = "CANARYslackPATH9x8y7z";

Logger opened_log(const std::string& path) {
  auto log = Logger::open(path, LogLevel::kInfo, 600);
  REQUIRE(log);
  return std::move(log).value();
}

std::unique_ptr<Store> opened(const std::string& db) {
  auto s = open_store(db);
  REQUIRE(s);
  return std::move(s).value();
}

AlertMessage alert(const std::string& key) {
  AlertMessage a;
  a.dedupe_key = key;
  a.source = "test";
  a.title = "codepulse: " + key;
  a.text = "a test alert";
  a.details = "{\"n\":1}";
  a.created_ms = kNow;
  return a;
}

struct Bench {
  explicit Bench(const TempDir& dir)
      : dir_(dir),
        pki(dir / "pki"),
        receiver(pki.cert(), pki.key()),
        log_path(dir / "collector.log"),
        log(opened_log(log_path)) {}

  AlertSettings settings(bool slack = false) const {
    AlertSettings s;
    s.webhook_url = receiver.url("/hooks/codepulse");
    s.webhook_secret_file = private_file(dir_ / "webhook.secret", kSecretCanary);
    if (slack)
      s.slack_url_file =
          private_file(dir_ / "slack.url", receiver.url("/services/T01/B02/" + kSlackCanary));
    s.ca_file = pki.ca();
    s.timeout_ms = 5000;
    s.retry_base_ms = 1000;
    s.retry_max_ms = 60'000;
    s.max_attempts = 5;
    return s;
  }

  std::unique_ptr<AlertDispatcher> dispatcher(Store& store, const AlertSettings& s) {
    auto receivers = load_receivers(s);
    INFO((receivers ? "" : receivers.error().message));
    REQUIRE(receivers);
    return std::make_unique<AlertDispatcher>(store, std::move(receivers).value(), s, log);
  }

  const TempDir& dir_;
  CollectorFixture pki;  // its certificates only
  AlertReceiverMock receiver;
  std::string log_path;
  Logger log;
};

AlertDelivery row_of(Store& store, const std::string& key, const std::string& receiver) {
  auto rows = store.list_alerts(1000);
  REQUIRE(rows);
  for (const AlertDelivery& d : *rows)
    if (d.alert.dedupe_key == key && d.receiver == receiver) return d;
  FAIL("no outbox row " << key << " for " << receiver);
  return {};
}

// The receiver's check of the generic webhook (docs/ALERTS.md).
bool signature_verifies(const PeerRequest& r) {
  const std::string timestamp = r.header("X-Codepulse-Timestamp");
  return !timestamp.empty() &&
         r.header("X-Codepulse-Signature") ==
             "sha256=" + hmac_sha256_hex(kSecretCanary, timestamp + "." + r.body);
}

}  // namespace

TEST_CASE("an alert is retried with backoff through 500s and delivered exactly once",
          "[collector][alert]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  Bench bench(dir);
  auto store = opened(target.db);
  auto d = bench.dispatcher(*store, bench.settings());
  bench.receiver.script({500, 503, 200});
  const AlertMessage a = alert("gap:2026-11:anthropic:usd=100");
  CHECK(*d->enqueue(a) == 1);
  CHECK(*d->enqueue(a) == 0);  // insert-if-absent

  CHECK(d->deliver_due(kNow) == 1);
  AlertDelivery row = row_of(*store, a.dedupe_key, "webhook");
  CHECK(row.state == AlertState::kPending);
  CHECK(row.attempts == 1);
  CHECK(row.last_status == 500);
  CHECK(row.next_attempt_ms >= kNow + 500);  // 1 s, less at most half of it as jitter
  CHECK(row.next_attempt_ms <= kNow + 1000);
  CHECK(row.lease_owner.empty());
  CHECK(d->deliver_due(kNow) == 0);  // not due yet

  CHECK(d->deliver_due(kNow + 1000) == 1);
  row = row_of(*store, a.dedupe_key, "webhook");
  CHECK(row.attempts == 2);
  CHECK(row.last_status == 503);
  CHECK(row.next_attempt_ms >= kNow + 1000 + 1000);  // 2 s, jittered
  CHECK(row.next_attempt_ms <= kNow + 1000 + 2000);

  CHECK(d->deliver_due(kNow + 10'000) == 1);
  row = row_of(*store, a.dedupe_key, "webhook");
  CHECK(row.state == AlertState::kDelivered);
  CHECK(row.attempts == 3);
  CHECK(row.last_status == 200);
  CHECK(row.finished_ms == kNow + 10'000);
  CHECK(d->deliver_due(kNow + 100'000'000) == 0);
  CHECK(*d->enqueue(a) == 0);
  CHECK(d->deliver_due(kNow + 100'000'000) == 0);

  const auto requests = bench.receiver.requests();
  REQUIRE(requests.size() == 3);
  CHECK(bench.receiver.delivered() == 1);
  for (const PeerRequest& r : requests) {
    CHECK(r.method == "POST");
    CHECK(r.target == "/hooks/codepulse");
    CHECK(r.header("Content-Type") == "application/json");
    CHECK(r.header("X-Codepulse-Delivery") == delivery_id(a, "webhook"));
    CHECK(signature_verifies(r));
  }
  // A body changed on the way does not verify.
  PeerRequest tampered = requests.back();
  tampered.body.back() = ' ';
  CHECK_FALSE(signature_verifies(tampered));
}

TEST_CASE("410 Gone disables the receiver with a clear error, and a silent receiver times out",
          "[collector][alert]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  Bench bench(dir);
  auto store = opened(target.db);
  {
    auto d = bench.dispatcher(*store, bench.settings());
    bench.receiver.script({410});
    CHECK(*d->enqueue(alert("gone-1")) == 1);
    CHECK(*d->enqueue(alert("gone-2")) == 1);
    CHECK(d->deliver_due(kNow) == 1);  // the second is not sent to a receiver that is gone
    CHECK(d->deliver_due(kNow + 3'600'000) == 0);
    CHECK(bench.receiver.requests().size() == 1);
    const AlertDelivery gone = row_of(*store, "gone-1", "webhook");
    CHECK(gone.state == AlertState::kFailed);
    CHECK(gone.last_status == 410);
    CHECK(gone.last_error.find("410") != std::string::npos);
    CHECK(gone.last_error.find("disabled") != std::string::npos);
    CHECK(row_of(*store, "gone-2", "webhook").state == AlertState::kPending);
    CHECK(row_of(*store, "gone-2", "webhook").attempts == 0);
    const std::string logged = read_file(bench.log_path);
    CHECK(logged.find("answered 410 Gone: the webhook no longer exists. Receiver webhook is "
                      "disabled until the collector restarts") != std::string::npos);
    CHECK(logged.find("Set a working URL in alert_webhook_url") != std::string::npos);
  }
  // A collector started again (the receiver fixed) sends what waited.
  auto again = bench.dispatcher(*store, bench.settings());
  CHECK(again->deliver_due(kNow + 3'600'000) == 1);
  CHECK(row_of(*store, "gone-2", "webhook").state == AlertState::kDelivered);

  SilentReceiver silent;
  AlertSettings s = bench.settings();
  s.webhook_url = silent.url("/hooks/codepulse");
  s.timeout_ms = 300;
  auto hang = bench.dispatcher(*store, s);
  CHECK(*hang->enqueue(alert("silent")) == 1);
  const auto started = std::chrono::steady_clock::now();
  CHECK(hang->deliver_due(kNow) == 1);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  const AlertDelivery waiting = row_of(*store, "silent", "webhook");
  CHECK(waiting.state == AlertState::kPending);
  CHECK(waiting.attempts == 1);
  CHECK(waiting.last_status == 0);
  CHECK(waiting.last_error.find("no answer from webhook (localhost)") != std::string::npos);
}

TEST_CASE(
    "a restart mid-retry delivers once, and a claim whose collector died is retried after its "
    "lease",
    "[collector][alert]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  Bench bench(dir);
  const AlertSettings s = bench.settings();
  bench.receiver.script({500});
  {
    auto store = opened(target.db);
    auto d = bench.dispatcher(*store, s);
    CHECK(*d->enqueue(alert("restart")) == 1);
    CHECK(d->deliver_due(kNow) == 1);
    CHECK(row_of(*store, "restart", "webhook").state == AlertState::kPending);
  }
  auto store = opened(target.db);
  auto d = bench.dispatcher(*store, s);
  CHECK(*d->enqueue(alert("restart")) == 0);  // the source finds it again: no second row
  CHECK(d->deliver_due(kNow + 60'000) == 1);
  CHECK(d->deliver_due(kNow + 600'000) == 0);
  CHECK(row_of(*store, "restart", "webhook").state == AlertState::kDelivered);
  CHECK(bench.receiver.requests().size() == 2);
  CHECK(bench.receiver.delivered() == 1);

  // A collector claimed a row and died before sending it.
  CHECK(*store->enqueue_alert(alert("crash"), {"webhook"}) == 1);
  auto claimed = store->claim_alerts("dead-collector", {"webhook"}, kNow, 60'000, 10);
  REQUIRE(claimed);
  REQUIRE(claimed->size() == 1);
  CHECK(d->deliver_due(kNow + 1000) == 0);  // its lease still holds
  CHECK(d->deliver_due(kNow + 60'000) == 1);
  CHECK(row_of(*store, "crash", "webhook").state == AlertState::kDelivered);
  AlertFinish late;
  late.state = AlertState::kDelivered;
  late.at_ms = kNow + 70'000;
  CHECK_FALSE(*store->finish_alert("crash", "webhook", "dead-collector", late));
  CHECK(bench.receiver.delivered() == 2);
}

TEST_CASE("two collectors on one store deliver each alert once", "[collector][alert]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  Bench bench(dir);
  const AlertSettings s = bench.settings();
  auto store_a = opened(target.db);
  auto store_b = opened(target.db);
  auto a = bench.dispatcher(*store_a, s);
  auto b = bench.dispatcher(*store_b, s);
  CHECK(a->owner() != b->owner());
  constexpr int kAlerts = 8;
  int64_t added = 0;
  for (int i = 0; i < kAlerts; ++i) {
    added += *a->enqueue(alert("both-" + std::to_string(i)));
    added += *b->enqueue(alert("both-" + std::to_string(i)));
  }
  CHECK(added == kAlerts);
  int64_t by_a = 0, by_b = 0;
  std::thread ta([&] { by_a = a->deliver_due(kNow); });
  std::thread tb([&] { by_b = b->deliver_due(kNow); });
  ta.join();
  tb.join();
  CHECK(by_a + by_b == kAlerts);
  CHECK(bench.receiver.requests().size() == kAlerts);
  CHECK(bench.receiver.delivered() == kAlerts);
  std::set<std::string> ids;
  for (const PeerRequest& r : bench.receiver.requests())
    ids.insert(r.header("X-Codepulse-Delivery"));
  CHECK(ids.size() == kAlerts);
}

TEST_CASE("alert secrets are in no log line, error or --print-config", "[collector][alert]") {
  TempDir dir;
  Bench bench(dir);
  const AlertSettings s = bench.settings(true);
  auto store = opened(dir / "collector.db");
  {
    auto d = bench.dispatcher(*store, s);
    bench.receiver.script({500, 404, 410, 200});
    CHECK(*d->enqueue(alert("canary-1")) == 2);  // slack and webhook
    CHECK(d->deliver_due(kNow) == 2);
    CHECK(d->deliver_due(kNow + 3'600'000) >= 1);
    auto rows = store->list_alerts(100);
    REQUIRE(rows);
    for (const AlertDelivery& r : *rows) {
      CHECK(r.last_error.find(kSlackCanary) == std::string::npos);
      CHECK(r.last_error.find(kSecretCanary) == std::string::npos);
    }
  }
  const std::string logged = read_file(bench.log_path);
  CHECK(logged.find("slack (localhost)") != std::string::npos);
  CHECK(logged.find(kSlackCanary) == std::string::npos);
  CHECK(logged.find(kSecretCanary) == std::string::npos);

  // Bad files: the errors name the setting and the file, never what it holds.
  AlertSettings bad = s;
  bad.slack_url_file = private_file(dir / "bad.url", "http://hooks.example/" + kSlackCanary);
  auto refused = load_receivers(bad);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "alert_slack_url_file " + bad.slack_url_file +
                                       " must hold one https://HOST[:PORT]/PATH URL (the slack "
                                       "incoming webhook's URL)");
  ::chmod(s.webhook_secret_file.c_str(), 0644);
  refused = load_receivers(s);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find(kSecretCanary) == std::string::npos);
  CHECK(refused.error().message.find("chmod 600") != std::string::npos);
  ::chmod(s.webhook_secret_file.c_str(), 0600);

  // The programs: --print-config shows the files, alerts test says what happened.
  const std::vector<std::string> flags = {"--alert-slack-url-file",
                                          s.slack_url_file,
                                          "--alert-webhook-url",
                                          s.webhook_url,
                                          "--alert-webhook-secret-file",
                                          s.webhook_secret_file,
                                          "--alert-ca-file",
                                          s.ca_file,
                                          "--alert-timeout",
                                          "2s"};
  std::vector<std::string> print = {collector_bin(), "serve", "--print-config"};
  print.insert(print.end(), flags.begin(), flags.end());
  const auto printed = run(print);
  REQUIRE(printed.exit_code == 0);
  CHECK(printed.out.find("alert_slack_url_file = \"" + s.slack_url_file + "\"") !=
        std::string::npos);
  CHECK(printed.out.find(kSlackCanary) == std::string::npos);
  CHECK(printed.out.find(kSecretCanary) == std::string::npos);

  std::vector<std::string> test = {collector_bin(), "alerts", "test", "--receiver", "slack"};
  test.insert(test.end(), flags.begin(), flags.end());
  bench.receiver.script({500});
  const auto failed = run(test);
  CHECK(failed.exit_code == 1);
  CHECK(failed.err.find("codepulse-collector: test alert not delivered: slack (localhost) "
                        "answered 500") == 0);
  CHECK(failed.err.find(kSlackCanary) == std::string::npos);
  const auto sent = run(test);
  CHECK(sent.exit_code == 0);
  CHECK(sent.out == "test alert delivered to slack (localhost) (200)\n");
  test[4] = "webhook";
  CHECK(run(test).exit_code == 0);
  CHECK(signature_verifies(bench.receiver.requests().back()));
  test[4] = "teams";
  const auto none = run(test);
  CHECK(none.exit_code == 2);
  CHECK(none.err ==
        "codepulse-collector: no alert receiver 'teams' is configured (configured: slack, "
        "webhook)\n");

  const auto listed = run({collector_bin(), "alerts", "list", "--db", dir / "collector.db"});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("canary-1") != std::string::npos);
  CHECK(listed.out.find(kSlackCanary) == std::string::npos);
}
