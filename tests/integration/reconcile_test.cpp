// `codepulse-collector import-usage` and `reconcile` on a SQLite file and a
// PostgreSQL database: a small month computed by hand, codepulse's records
// next to Anthropic's imported usage and cost, exact in CSV, JSON and the
// table; importing the same exports twice doubles nothing.
#include <catch2/catch.hpp>

#include "collector/store/store.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/mock_provider_api.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

proto::WireRecord record(const std::string& uid, int64_t ts_ms, const std::string& model,
                         int64_t input, int64_t output) {
  proto::WireRecord w;
  w.record_uid = uid;
  w.usage.message_id = "msg_" + uid;
  w.usage.request_id = "req_" + uid;
  w.usage.timestamp_ms = ts_ms;
  w.usage.session_id = "session-1";
  w.usage.model = model;
  w.usage.input = input;
  w.usage.output = output;
  w.usage.repo = "github.com/acme/api";
  return w;
}

ProviderUsageRow usage(const std::string& day, const std::string& model,
                       const std::string& workspace, const std::string& key, int64_t input,
                       int64_t output) {
  ProviderUsageRow r;
  r.source = ProviderSource::kAnthropicMessages;
  r.day = day;
  r.model = model;
  r.workspace = workspace;
  r.api_key = key;
  r.uncached_input = input;
  r.output = output;
  return r;
}

ProviderUsageRow cost(const std::string& model, const std::string& line, int64_t nanos) {
  ProviderUsageRow r;
  r.source = ProviderSource::kAnthropicCost;
  r.day = "2026-11-03";
  r.model = model;
  r.line_item = line;
  r.cost_nanos = nanos;
  return r;
}

// The expected CSV: every number below is worked out in the comments of the
// test case.
const char* kExpectedCsv =
    "row,date,provider,model,workspace,api_key,codepulse_input,codepulse_cache_write,"
    "codepulse_cache_read,codepulse_output,codepulse_tokens,codepulse_cost_usd,codepulse_records,"
    "codepulse_unpriced_records,provider_input,provider_cache_write,provider_cache_read,"
    "provider_output,provider_tokens,provider_cost_usd,claude_code_tokens,token_diff,"
    "cost_diff_usd,explanation\n"
    "model,2026-11-03,anthropic,,,,0,0,0,0,0,,0,0,0,0,0,0,0,0.010000,,0,0.010000,"
    "\"charges of no model (web search, code execution)\"\n"
    "model,2026-11-03,anthropic,claude-haiku-4-5,,,2000,0,0,100,2100,0.002500,1,0,0,0,0,0,0,"
    "0.000000,,-2100,-0.002500,subscription usage (not in the provider's API)\n"
    "model,2026-11-03,anthropic,claude-sonnet-4-5,,,1000,0,0,500,1500,0.010500,1,0,5000,0,0,1500,"
    "6500,0.037500,,5000,0.027000,\"never touched a laptop (CI, API apps), or records still on "
    "laptops' queues (unknown)\"\n"
    "key,2026-11-03,anthropic,claude-sonnet-4-5,wrkspc_A,apikey_1,,,,,,,,,1000,0,0,500,1500,,,,,\n"
    "key,2026-11-03,anthropic,claude-sonnet-4-5,wrkspc_A,apikey_2,,,,,,,,,4000,0,0,1000,5000,,,,,\n"
    "model,2026-11-04,,glm-4-6,,,100,0,0,50,150,,1,1,,,,,,,,,,no provider import covers this "
    "model; codepulse has no price for this model (1 records)\n"
    "model,2026-11-04,anthropic,claude-opus-4-6,,,0,0,0,0,0,,0,0,300,0,0,30,330,,,330,,"
    "\"never touched a laptop (CI, API apps)\"\n"
    "key,2026-11-04,anthropic,claude-opus-4-6,,apikey_ci,,,,,,,,,300,0,0,30,330,,,,,\n";

}  // namespace

TEST_CASE("reconcile puts a month of records next to the provider's usage and cost, exactly",
          "[collector][providers]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  {
    auto store = open_store(target.db);
    REQUIRE(store);
    // codepulse: Sonnet 4.5, 1000 in + 500 out = $0.003 + $0.0075 = $0.0105;
    // Haiku 4.5, 2000 in + 100 out = $0.002 + $0.0005 = $0.0025; a gateway
    // model the builtin book has no price for.
    const std::vector<proto::WireRecord> records = {
        record("r1", 1'793'700'000'000, "claude-sonnet-4-5-20250929", 1000, 500),  // 11-03 10:00
        record("r2", 1'793'703'600'000, "claude-haiku-4-5-20251001", 2000, 100),   // 11-03 11:00
        record("r3", 1'793'782'800'000, kGatewayModel, 100, 50),                   // 11-04 09:00
    };
    REQUIRE((*store)->ingest("dev@acme.example", decoded_batch("b1", records)));
  }
  // Anthropic: Sonnet from the laptop's key (the same 1500 tokens) and from a
  // CI key (5000 more); Opus from CI only on the 4th. Costs of the 3rd only:
  // Sonnet 1.5 + 2.25 cents = $0.0375, and 1 cent of web search (no model).
  const std::vector<ProviderUsageRow> usage_rows = {
      usage("2026-11-03", "claude-sonnet-4-5-20250929", "wrkspc_A", "apikey_1", 1000, 500),
      usage("2026-11-03", "claude-sonnet-4-5-20250929", "wrkspc_A", "apikey_2", 4000, 1000),
      usage("2026-11-04", "claude-opus-4-6", "", "apikey_ci", 300, 30)};
  const std::vector<ProviderUsageRow> cost_rows = {
      cost("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5 Usage - Input Tokens", 15'000'000),
      cost("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5 Usage - Output Tokens", 22'500'000),
      cost("", "Web Search Usage", 10'000'000)};
  const std::string messages = dir / "messages.json", costs = dir / "cost_report.json";
  write_file(messages, "[" +
                           MockProviderApi::page(ProviderSource::kAnthropicMessages, {"2026-11-03"},
                                                 usage_rows, true, "page_1") +
                           "," +
                           MockProviderApi::page(ProviderSource::kAnthropicMessages, {"2026-11-04"},
                                                 usage_rows, false, "") +
                           "]");
  write_file(costs, MockProviderApi::page(ProviderSource::kAnthropicCost, {"2026-11-03"}, cost_rows,
                                          false, ""));
  for (int round = 0; round < 2; ++round) {
    const auto m = run_collector(
        {"import-usage", "--provider", "anthropic", "--file", messages, "--db", target.db});
    INFO(m.err);
    REQUIRE(m.exit_code == 0);
    CHECK(m.out == "imported anthropic messages: 2 day(s), 2026-11-03 to 2026-11-04, 3 row(s)\n");
    const auto c = run_collector(
        {"import-usage", "--provider", "anthropic", "--file", costs, "--db", target.db});
    REQUIRE(c.exit_code == 0);
    CHECK(c.out ==
          "imported anthropic cost_report: 1 day(s), 2026-11-03 to 2026-11-03, 3 row(s)\n");
  }

  const auto csv =
      run_collector({"reconcile", "--month", "2026-11", "--db", target.db, "--format", "csv"});
  INFO(csv.err);
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out == kExpectedCsv);

  const auto json =
      run_collector({"reconcile", "--month", "2026-11", "--db", target.db, "--format", "json"});
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find("\"queued_on_laptops\":\"unknown\"") != std::string::npos);
  CHECK(json.out.find(
            "\"model\":\"claude-sonnet-4-5\",\"codepulse\":{\"input\":1000,\"cache_write\":0,"
            "\"cache_read\":0,\"output\":500,\"tokens\":1500,\"cost_usd\":0.010500,"
            "\"cost_nanos\":10500000,\"records\":1,\"unpriced_records\":0},\"provider_report\":{"
            "\"input\":"
            "5000,\"cache_write\":0,\"cache_read\":0,\"output\":1500,\"tokens\":6500,\"cost_usd\":"
            "0.037500,\"cost_nanos\":37500000,\"keys\":[{\"workspace\":\"wrkspc_A\",\"api_key\":"
            "\"apikey_1\",") != std::string::npos);
  CHECK(json.out.find("\"token_diff\":5000,\"cost_diff_usd\":0.027000,\"cost_diff_nanos\":"
                      "27000000") != std::string::npos);

  const auto table = run_collector({"reconcile", "--month", "2026-11", "--db", target.db});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("2026-11-03  anthropic  claude-sonnet-4-5") != std::string::npos);
  CHECK(table.out.find("wrkspc_A / apikey_2") != std::string::npos);
  CHECK(table.out.ends_with(
      "Records still on laptops' queues: unknown (they cannot be known centrally).\n"));

  const auto bad = run_collector({"reconcile", "--month", "2026-13", "--db", target.db});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "codepulse-collector: --month '2026-13': expected YYYY-MM, e.g. 2026-11\n");
}

TEST_CASE("import-usage stores a CSV export whole, or nothing of a file with an error",
          "[collector][providers]") {
  TempDir dir;
  auto store = open_store(dir / "collector.db");
  REQUIRE(store);
  const std::string csv = dir / "openai-usage.csv";
  write_file(csv,
             "date,model,workspace,api_key,uncached_input_tokens,cache_read_tokens,output_tokens,"
             "requests,cost_usd\n"
             "2026-11-03,gpt-5-codex,proj_abc,key_1,100,900,50,3,0.42\n"
             "2026-11-03,gpt-5-codex,proj_abc,key_1,10,0,5,1,0.08\n"
             "2026-11-04,\"gpt-5,odd\",,key_2,1,2,3,4,\n");
  for (int round = 0; round < 2; ++round) {
    const auto r = run_collector(
        {"import-usage", "--provider", "openai", "--file", csv, "--db", dir / "collector.db"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out ==
          "imported openai completions: 2 day(s), 2026-11-03 to 2026-11-04, 2 row(s)\n"
          "imported openai costs: 2 day(s), 2026-11-03 to 2026-11-04, 1 row(s)\n");
  }
  auto rows = (*store)->load_provider_rows("2026-11-01", "2026-12-01");
  REQUIRE(rows);
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[0].source == ProviderSource::kOpenaiCompletions);
  CHECK((*rows)[0].uncached_input == 110);  // the two lines of one key, summed
  CHECK((*rows)[0].requests == 4);
  CHECK((*rows)[1].source == ProviderSource::kOpenaiCosts);
  CHECK((*rows)[1].cost_nanos == 500'000'000);
  CHECK((*rows)[2].model == "gpt-5,odd");

  // A bad line: nothing of the file is stored, the stored days stay.
  write_file(csv, "date,model,output_tokens\n2026-11-03,gpt-5-codex,7\n2026-11-04,gpt-5-codex,x\n");
  const auto bad = run_collector(
      {"import-usage", "--provider", "openai", "--file", csv, "--db", dir / "collector.db"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "codepulse-collector: " + csv +
                       ": line 3: output_tokens: expected a count (digits, at most 10^15), got "
                       "'x'\n");
  auto after = (*store)->load_provider_rows("2026-11-01", "2026-12-01");
  REQUIRE(after);
  CHECK(*after == *rows);

  const auto unknown = run_collector({"import-usage", "--provider", "openai", "--file",
                                      dir / "empty.json", "--db", dir / "collector.db"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("empty.json: No such file or directory") != std::string::npos);
}
