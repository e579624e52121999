// Anomalies (docs/ANOMALIES.md) over hand-made records in a real store
// (SQLite and PostgreSQL): each kind found with its numbers worked out by
// hand and its explanation, each alerted once through the outbox.
#include <catch2/catch.hpp>

#include "collector/alert/anomaly_alerts.hpp"
#include "collector/report/anomaly_report.hpp"
#include "collector/store/store.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/insight_records.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

// flat_test_prices: claude-test-1 at $1 per million tokens, claude-test-big
// at $10: 1000 input tokens cost 1,000,000 and 10,000,000 nano-dollars.
constexpr int64_t kDay = 86'400'000;
constexpr int64_t kD = 1'794'441'600'000;  // 2026-11-12 00:00 UTC, a Thursday
constexpr const char* kAlice = "alice@acme.example";
constexpr const char* kBob = "bob@acme.example";

// alice in github.com/acme/api: one $0.001 request a day on 11-02 to 11-06
// (the week before, claude-test-1), each its own session; on 11-12 four
// $0.01 requests of claude-test-big in one session. bob in
// github.com/acme/web on 11-12: 31 requests within 31 seconds of one
// session (claude-test-1), and a commit there.
void store_scenario(Store& store) {
  std::vector<proto::WireRecord> alice;
  for (int i = 0; i < 5; ++i)
    alice.push_back(thousand_token_record("a" + std::to_string(i), kD - (10 - i) * kDay + 3'600'000,
                                          "alice-" + std::to_string(i), "claude-test-1",
                                          "github.com/acme/api"));
  for (int i = 0; i < 4; ++i)
    alice.push_back(thousand_token_record("d" + std::to_string(i), kD + 3'600'000 + i * 600'000,
                                          "alice-big", "claude-test-big", "github.com/acme/api"));
  REQUIRE(store.ingest(kAlice, decoded_batch("ba", alice)));
  std::vector<proto::WireRecord> bob;
  for (int i = 0; i < 31; ++i)
    bob.push_back(thousand_token_record("b" + std::to_string(i), kD + 7'200'000 + i * 1000,
                                        "bob-burst", "claude-test-1", "github.com/acme/web"));
  proto::DecodedBatch batch = decoded_batch("bb", bob);
  CommitRecord c;
  c.repo = "github.com/acme/web";
  c.sha = std::string(40, 'c');
  c.author_email = c.committer_email = kBob;
  c.author_ms = c.committer_ms = kD + 8 * 3'600'000;
  c.files.push_back({"index.html", 3, 1, false});
  batch.commits.push_back(c);
  REQUIRE(store.ingest(kBob, batch));
}

}  // namespace

TEST_CASE("anomalies: each kind found, numbers worked out by hand, explained",
          "[collector][anomalies]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = open_store(target.db);
  REQUIRE(store);
  store_scenario(**store);
  const auto pricer = flat_test_prices();
  auto found = store_anomalies(**store, kD, kD + kDay, AnomalyOptions{}, pricer);
  REQUIRE(found);
  REQUIRE(found->size() == 5);
  const std::vector<Anomaly>& a = *found;
  // The week of 11-09 against the week of 11-02: $20 against $2 per 1M in + 1M out.
  CHECK(a[0].kind == "pricier_model");
  CHECK(a[0].subject == "alice@acme.example github.com/acme/api");
  CHECK(a[0].day == "2026-11-09");
  CHECK(a[0].value == 20'000'000'000);
  CHECK(a[0].baseline == 2'000'000'000);
  CHECK(a[0].explanation.find("mostly used claude-test-big ($20.00 per 1M input + 1M output "
                              "tokens), the week before claude-test-1 ($2.00): 10.0x") !=
        std::string::npos);
  // 11-12: $0.04 against the median of five $0.001 days.
  CHECK(a[1].kind == "author_day");
  CHECK(a[1].subject == kAlice);
  CHECK(a[1].value == 40'000'000);
  CHECK(a[1].baseline == 1'000'000);
  CHECK(a[1].explanation ==
        "alice@acme.example spent $0.0400 on 2026-11-12, 40.0x their median day of $0.0010 over "
        "the 5 "
        "active days in the 28 days before (threshold 3x)");
  CHECK(a[2].kind == "author_session");
  CHECK(a[2].subject == "alice@acme.example alice-big");
  CHECK(a[2].value == 40'000'000);
  CHECK(a[2].baseline == 1'000'000);
  // github.com/acme/api: $0.04 over 4 requests and no commit; acme/web committed.
  CHECK(a[3].kind == "no_commit_repo");
  CHECK(a[3].subject == "github.com/acme/api");
  CHECK(a[3].value == 40'000'000);
  CHECK(a[3].explanation.find("4 requests") != std::string::npos);
  // 31 requests in 31 seconds, above 30 a minute.
  CHECK(a[4].kind == "request_burst");
  CHECK(a[4].subject == "bob-burst");
  CHECK(a[4].value == 31);
  CHECK(a[4].dedupe_key() == "request_burst:bob-burst:2026-11-12");

  // Stricter settings: k = 50 and 31 a minute find neither.
  AnomalyOptions strict;
  strict.k = 50;
  strict.burst_per_minute = 31;
  auto fewer = store_anomalies(**store, kD, kD + kDay, strict, pricer);
  REQUIRE(fewer);
  CHECK(fewer->size() == 2);  // the model switch and the repository without commits

  // Five active days are not enough history when six are asked for.
  AnomalyOptions longer;
  longer.min_active_days = 6;
  auto no_history = store_anomalies(**store, kD, kD + kDay, longer, pricer);
  REQUIRE(no_history);
  for (const Anomaly& x : *no_history)
    CHECK((x.kind != "author_day" && x.kind != "author_session"));

  const std::string json = render_anomalies(a, "json");
  CHECK(json.find(R"("kind":"author_day")") != std::string::npos);
  CHECK(json.find(R"("value":0.040000)") != std::string::npos);
  const std::string csv = render_anomalies(a, "csv");
  CHECK(csv.rfind("day,kind,subject,unit,value,baseline,explanation\n", 0) == 0);
}

TEST_CASE("each anomaly is alerted once through the outbox, whenever the check runs",
          "[collector][anomalies][alert]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = open_store(target.db);
  REQUIRE(store);
  store_scenario(**store);
  const auto pricer = flat_test_prices();
  // The check at 20:00 and again at 23:00 the same day, and the next day.
  for (int64_t now : {kD + 20 * 3'600'000, kD + 23 * 3'600'000, kD + kDay + 3'600'000}) {
    auto alerts = anomaly_alerts(**store, AnomalyOptions{}, now, pricer);
    REQUIRE(alerts);
    REQUIRE(alerts->size() == 5);
    for (const AlertMessage& m : *alerts) {
      CHECK(m.source == "anomaly");
      CHECK(m.dedupe_key.rfind("anomaly:", 0) == 0);
      REQUIRE((*store)->enqueue_alert(m, {"webhook"}));
    }
  }
  auto rows = (*store)->list_alerts(100);
  REQUIRE(rows);
  CHECK(rows->size() == 5);
  bool burst = false;
  for (const AlertDelivery& d : *rows)
    if (d.alert.dedupe_key == "anomaly:request_burst:bob-burst:2026-11-12") {
      burst = true;
      CHECK(d.alert.text.find("made 31 requests in the 60 seconds from 2026-11-12T02:00:00") !=
            std::string::npos);
      CHECK(d.alert.details.find(R"("kind":"request_burst")") != std::string::npos);
    }
  CHECK(burst);
}
