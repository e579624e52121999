// The reconcile gap alert (docs/ALERTS.md): a month whose provider cost and
// codepulse's differ by the threshold gives one alert per provider, with the
// gap, the month and the top explanations; nothing below the threshold; and
// `serve` delivers it once, through a 500 and across a restart.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "collector/alert/reconcile_gap.hpp"
#include "tests/support/alert_receiver.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

constexpr int64_t kNow = 1'794'312'000'000;  // 2026-11-10T12:00:00Z
constexpr int64_t kDollar = 1'000'000'000;

// Anthropic's cost and usage of `day`: $250 and 1.5M tokens of Sonnet that
// no laptop sent (CI), and $40 of web search.
std::vector<ProviderDay> provider_days(const std::string& day) {
  ProviderUsageRow cost;
  cost.source = ProviderSource::kAnthropicCost;
  cost.day = day;
  cost.model = "claude-sonnet-4-5";
  cost.workspace = "wrkspc_ci";
  cost.line_item = "Claude Sonnet 4.5 Usage - Input Tokens";
  cost.cost_nanos = 250 * kDollar;
  ProviderUsageRow search = cost;
  search.model = "";
  search.line_item = "Web Search Usage";
  search.cost_nanos = 40 * kDollar;
  ProviderUsageRow usage;
  usage.source = ProviderSource::kAnthropicMessages;
  usage.day = day;
  usage.model = "claude-sonnet-4-5-20250929";
  usage.workspace = "wrkspc_ci";
  usage.api_key = "apikey_ci";
  usage.uncached_input = 1'000'000;
  usage.output = 500'000;
  return {ProviderDay{ProviderSource::kAnthropicCost, day, {cost, search}},
          ProviderDay{ProviderSource::kAnthropicMessages, day, {usage}}};
}

std::unique_ptr<Store> opened(const std::string& db) {
  auto s = open_store(db);
  REQUIRE(s);
  return std::move(s).value();
}

void import(Store& store, const std::string& day) {
  REQUIRE(store.replace_provider_days(provider_days(day), std::nullopt, "file test", kNow));
}

}  // namespace

TEST_CASE("a reconcile gap past the threshold gives one alert per month and provider",
          "[collector][alert]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  import(*store, "2026-11-02");
  import(*store, "2026-11-03");

  GapThreshold t;
  t.nanos = 100 * kDollar;
  auto alerts = reconcile_gap_alerts(*store, t, kNow);
  REQUIRE(alerts);
  REQUIRE(alerts->size() == 1);
  const AlertMessage& a = alerts->front();
  CHECK(a.dedupe_key == "reconcile_gap:2026-11:anthropic:usd=100.00");
  CHECK(a.source == "reconcile_gap");
  CHECK(a.title == "codepulse: anthropic 2026-11 differs from codepulse by $580.00 (100.0%)");
  CHECK(a.text.find("anthropic billed $580.00 for 2026-11; codepulse counts $0.00") == 0);
  CHECK(a.text.find("(the provider is higher)") != std::string::npos);
  CHECK(a.text.find("\nTop explanations:\n- never touched a laptop (CI, API apps) ($500.00)\n- "
                    "charges of no model (web search, code execution) ($80.00)") !=
        std::string::npos);
  CHECK(a.text.find("codepulse-collector reconcile --month 2026-11") != std::string::npos);
  simdjson::dom::parser p;
  simdjson::dom::element details = p.parse(a.details);
  CHECK(std::string(details["month"].get_string().value()) == "2026-11");
  CHECK(std::string(details["provider"].get_string().value()) == "anthropic");
  CHECK(details["gap_usd"].get_double().value() == 580.0);
  CHECK(details["provider_cost_usd"].get_double().value() == 580.0);
  CHECK(details["gap_percent"].get_double().value() == 100.0);
  CHECK(details["threshold_usd"].get_double().value() == 100.0);
  CHECK(details["threshold_percent"].is_null());
  CHECK(details["explanations"].get_array().value().size() == 2);

  // Enqueued again and again (every check, every collector): one row.
  CHECK(*store->enqueue_alert(a, {"webhook"}) == 1);
  auto again = reconcile_gap_alerts(*store, t, kNow + 3'600'000);
  REQUIRE(again);
  REQUIRE(again->size() == 1);
  CHECK(*store->enqueue_alert(again->front(), {"webhook"}) == 0);

  // Below the threshold: nothing; a percent threshold alone, and both.
  t.nanos = 1000 * kDollar;
  CHECK(reconcile_gap_alerts(*store, t, kNow)->empty());
  GapThreshold pct;
  pct.percent = 50;
  alerts = reconcile_gap_alerts(*store, pct, kNow);
  REQUIRE(alerts->size() == 1);
  CHECK(alerts->front().dedupe_key == "reconcile_gap:2026-11:anthropic:pct=50");
  pct.nanos = 1000 * kDollar;
  CHECK(reconcile_gap_alerts(*store, pct, kNow)->empty());
  // Last month is checked too: December's check still alerts on November.
  t.nanos = 100 * kDollar;
  alerts = reconcile_gap_alerts(*store, t, kNow + 25 * 86'400'000LL);
  REQUIRE(alerts->size() == 1);
  CHECK(alerts->front().dedupe_key == "reconcile_gap:2026-11:anthropic:usd=100.00");
}

TEST_CASE("serve delivers the reconcile gap alert once, through a 500 and a restart",
          "[collector][alert]") {
  TempDir dir;
  CollectorFixture collector(dir / "collector");
  AlertReceiverMock receiver(collector.cert(), collector.key());
  {
    auto store = opened(collector.db());
    import(*store, day_of_ms(now_utc_ms()));
  }
  receiver.script({500});
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
                                         "--reconcile-gap-alert-usd",
                                         "100"};
  collector.start(args);
  CHECK(eventually(kPatienceMs, [&] { return receiver.delivered() == 1; }));
  collector.stop();
  collector.start(args);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  collector.stop();
  const auto requests = receiver.requests();
  CHECK(requests.size() == 2);
  CHECK(receiver.delivered() == 1);
  REQUIRE_FALSE(requests.empty());
  CHECK(requests.back().body.find("\"source\":\"reconcile_gap\"") != std::string::npos);
  CHECK(requests.back().body.find("\"provider\":\"anthropic\"") != std::string::npos);
  const auto listed =
      run({collector_bin(), "alerts", "list", "--db", collector.db(), "--format", "json"});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("\"state\":\"delivered\"") != std::string::npos);
  CHECK(listed.out.find("\"attempts\":2") != std::string::npos);
}
