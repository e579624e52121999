// The providers' poller against a local HTTPS server speaking Anthropic's and
// OpenAI's admin usage and cost APIs (tests/support/mock_provider_api.hpp),
// on a SQLite file and a PostgreSQL database: every source imported as
// documented, a second poll doubles nothing, 429 and 500 retried, a missing
// page or a changed schema stops the poll keeping what was stored, a
// restarted poller resumes at its cursor, and the admin key is in no log
// line, error or database.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "collector/providers/provider_poller.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/mock_provider_api.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

constexpr int64_t kNow = 1'794'312'000'000;  // 2026-11-10T12:00:00Z
const std::string kAnthropicKey = "sk-ant-admin01-Zq7Xw3Rt9Kp2Lm5Nv8Bc4Df6Gh1Jk0-test";
const std::string kOpenaiKey = "sk-admin-Pw4Qe8Ry2Tu6Io0As3Dg7Fj1Hk5Lz9Xc-test";

ProviderUsageRow row(ProviderSource source, const std::string& day, const std::string& model,
                     const std::string& key, int64_t n) {
  ProviderUsageRow r;
  r.source = source;
  r.day = day;
  r.model = model;
  r.api_key = key;
  if (is_cost_source(source)) {
    r.line_item = model.empty() ? "Web Search Usage" : model + " Usage - Input Tokens";
    r.workspace = "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ";
    r.api_key = "";
    r.cost_nanos = n * 10'000'000;  // n cents
    return r;
  }
  r.workspace =
      source == ProviderSource::kAnthropicClaudeCode ? "" : "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ";
  r.uncached_input = 1500 * n;
  r.cache_read = 200 * n;
  r.output = 500 * n;
  if (source == ProviderSource::kAnthropicMessages) {
    r.cache_write_5m = 500 * n;
    r.cache_write_1h = 1000 * n;
    r.web_search = n;
  }
  if (source == ProviderSource::kAnthropicClaudeCode) {
    r.cache_write_5m = 700 * n;
    r.line_item = n % 2 ? "subscription" : "api";
    r.cost_nanos = 186 * 10'000'000;
  }
  if (source == ProviderSource::kOpenaiCompletions) r.requests = 5 * n;
  return r;
}

// The providers' truth for 2026-11-01 to 2026-11-10: every source, a few
// rows a day (none on the 5th), with `bump` added to one count.
std::vector<ProviderUsageRow> truth(int64_t bump = 0) {
  std::vector<ProviderUsageRow> out;
  for (int d = 1; d <= 10; ++d) {
    if (d == 5) continue;
    const std::string day = "2026-11-" + std::string(d < 10 ? "0" : "") + std::to_string(d);
    using S = ProviderSource;
    out.push_back(row(S::kAnthropicMessages, day, "claude-sonnet-4-5-20250929", "apikey_01", d));
    out.push_back(row(S::kAnthropicMessages, day, "claude-opus-4-6", "apikey_02", d + bump));
    out.push_back(row(S::kAnthropicCost, day, "claude-sonnet-4-5-20250929", "", d));
    out.push_back(row(S::kAnthropicCost, day, "", "", 1));
    out.push_back(row(S::kAnthropicClaudeCode, day, "claude-sonnet-4-5-20250929",
                      "user:dev@acme.example", d));
    out.push_back(row(S::kAnthropicClaudeCode, day, "claude-opus-4-6", "key:ci-bot", d + 1));
    out.push_back(row(S::kOpenaiCompletions, day, "gpt-5-codex", "key_abc", d));
    out.push_back(row(S::kOpenaiCosts, day, "", "", d));
    out.back().line_item = "gpt-5-codex, input";
    out.back().workspace = "proj_abc";
  }
  return out;
}

std::vector<ProviderUsageRow> only(const std::vector<ProviderUsageRow>& rows,
                                   const std::vector<ProviderSource>& sources,
                                   const std::string& until_day = "9999-99-99") {
  std::vector<ProviderUsageRow> out;
  for (const ProviderUsageRow& r : rows)
    if (std::find(sources.begin(), sources.end(), r.source) != sources.end() && r.day < until_day)
      out.push_back(r);
  sort_provider_rows(out);
  return out;
}

std::string private_file(const std::string& path, const std::string& text, mode_t mode = 0600) {
  write_file(path, text + "\n");
  ::chmod(path.c_str(), mode);
  return path;
}

struct Bench {
  explicit Bench(const TempDir& dir, size_t per_page = 3)
      : dir_(dir),
        pki(dir / "pki"),
        anthropic(pki.cert(), pki.key(), kAnthropicKey, per_page),
        openai(pki.cert(), pki.key(), kOpenaiKey, per_page),
        log(opened_log(dir / "collector.log")) {
    anthropic.set_rows(truth());
    openai.set_rows(truth());
  }

  static Logger opened_log(const std::string& path) {
    auto log = Logger::open(path, LogLevel::kInfo, 600);
    REQUIRE(log);
    return std::move(log).value();
  }

  ProviderOptions options(bool with_openai = true,
                          const std::string& anthropic_key = kAnthropicKey) const {
    ProviderOptions o;
    o.anthropic = ProviderSettings{private_file(dir_ / "anthropic.key", anthropic_key),
                                   anthropic.base_url(), 3'600'000};
    if (with_openai)
      o.openai = ProviderSettings{private_file(dir_ / "openai.key", kOpenaiKey), openai.base_url(),
                                  3'600'000};
    o.ca_file = pki.ca();
    o.history_days = 9;  // from 2026-11-01
    return o;
  }

  std::unique_ptr<ProviderPoller> poller(Store& store, const ProviderOptions& o) {
    auto p = ProviderPoller::create(store, o, log);
    REQUIRE(p);
    (*p)->set_sleep([this](int64_t ms) {
      waits.push_back(ms);
      return true;
    });
    return std::move(p).value();
  }

  const TempDir& dir_;
  CollectorFixture pki;  // its certificates only: no collector runs
  MockProviderApi anthropic, openai;
  Logger log;
  std::vector<int64_t> waits;
};

std::unique_ptr<Store> opened(const std::string& db) {
  auto s = open_store(db);
  REQUIRE(s);
  return std::move(s).value();
}

std::vector<ProviderUsageRow> stored(Store& store) {
  auto rows = store.load_provider_rows("2026-10-01", "2026-12-01");
  REQUIRE(rows);
  return std::move(rows).value();
}

// One poll of all five sources, each without an error.
void poll_everything(ProviderPoller& poller) {
  const auto results = poller.poll_once(kNow);
  REQUIRE(results.size() == 5);
  for (const PollResult& r : results) {
    INFO(source_name(r.source) << ": " << r.error);
    CHECK(r.error.empty());
  }
}

std::string first_target(MockProviderApi& api, const std::string& path) {
  for (const PeerRequest& r : api.requests())
    if (r.target.rfind(path, 0) == 0) return r.target;
  return "";
}

}  // namespace

TEST_CASE("the poller imports every provider's usage and cost as documented, twice doubles nothing",
          "[collector][providers]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  Bench bench(dir);
  auto poller = bench.poller(*store, bench.options());
  for (int round = 0; round < 2; ++round) {
    poll_everything(*poller);
    auto want = truth();
    sort_provider_rows(want);
    CHECK(stored(*store) == want);
  }
  // The first poll asked for 2026-11-01 to 2026-11-10 in daily buckets, grouped as documented.
  CHECK(first_target(bench.anthropic, "/v1/organizations/usage_report/messages") ==
        "/v1/organizations/usage_report/messages?starting_at=2026-11-01T00%3A00%3A00Z&ending_at="
        "2026-11-11T00%3A00%3A00Z&bucket_width=1d&group_by%5B%5D=model&group_by%5B%5D="
        "workspace_id&group_by%5B%5D=api_key_id&limit=7");
  CHECK(first_target(bench.openai, "/v1/organization/costs") ==
        "/v1/organization/costs?start_time=1793491200&end_time=1794355200&bucket_width=1d&"
        "group_by=line_item&group_by=project_id&limit=7");
  CHECK(first_target(bench.anthropic, "/v1/organizations/usage_report/claude_code") ==
        "/v1/organizations/usage_report/claude_code?starting_at=2026-11-01&limit=1000");
  // Every day of the range is covered, the 5th (no usage) too; the next
  // poll starts yesterday.
  auto days = store->load_provider_days("2026-11-01", "2026-12-01");
  REQUIRE(days);
  CHECK(days->size() == 50);
  for (ProviderSource s : kProviderSources) {
    auto cursor = store->provider_cursor(s);
    REQUIRE(cursor);
    REQUIRE(*cursor);
    CHECK((*cursor)->next_day == "2026-11-09");
  }
  std::string last_messages;
  for (const PeerRequest& r : bench.anthropic.requests())
    if (r.target.rfind("/v1/organizations/usage_report/messages", 0) == 0) last_messages = r.target;
  CHECK(last_messages.find("starting_at=2026-11-09T") != std::string::npos);
}

TEST_CASE("the poller waits out a 429's Retry-After and backs off after a 500",
          "[collector][providers]") {
  TempDir dir;
  auto store = opened(dir / "collector.db");
  Bench bench(dir);
  auto poller = bench.poller(*store, bench.options(false));
  bench.anthropic.script({ProviderFault::kRateLimited, ProviderFault::kServerError});
  const PollResult ok = poller->poll_source(ProviderSource::kAnthropicMessages, kNow);
  CHECK(ok.error.empty());
  CHECK(bench.waits == std::vector<int64_t>{7000, 2000});
  CHECK(stored(*store) == only(truth(), {ProviderSource::kAnthropicMessages}));

  // A 500 that does not go away: the poll gives up and says so, the stored days stay.
  bench.waits.clear();
  bench.anthropic.script(std::vector<ProviderFault>(5, ProviderFault::kServerError));
  const PollResult failed = poller->poll_source(ProviderSource::kAnthropicMessages, kNow);
  CHECK(failed.error.find("gave up after 5 attempts, the last: 500") != std::string::npos);
  CHECK(failed.error.find("anthropic messages page 1") != std::string::npos);
  CHECK(bench.waits == std::vector<int64_t>{1000, 2000, 4000, 8000});
  CHECK(failed.days == 0);
  CHECK(stored(*store) == only(truth(), {ProviderSource::kAnthropicMessages}));
}

TEST_CASE("a missing page keeps the days stored before it and a restarted poller resumes there",
          "[collector][providers]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  Bench bench(dir);
  const std::vector<ProviderSource> sources = {ProviderSource::kAnthropicMessages,
                                               ProviderSource::kOpenaiCompletions};
  {
    auto poller = bench.poller(*store, bench.options());
    bench.anthropic.script({ProviderFault::kNone, ProviderFault::kMissingPage});
    bench.openai.script({ProviderFault::kNone, ProviderFault::kMissingPage});
    for (ProviderSource s : sources) {
      const PollResult r = poller->poll_source(s, kNow);
      INFO(r.error);
      CHECK(r.error.find("page 2: localhost:") != std::string::npos);
      CHECK(r.error.find("answered 404") != std::string::npos);
      // Page 1 held 11-01 to 11-03; the 3rd waited for page 2.
      CHECK(r.days == 2);
      auto cursor = store->provider_cursor(s);
      REQUIRE(cursor);
      REQUIRE(*cursor);
      CHECK((*cursor)->next_day == "2026-11-03");
    }
    CHECK(stored(*store) == only(truth(), sources, "2026-11-03"));
  }
  // A new poller (the collector restarted) resumes at the 3rd.
  auto restarted = bench.poller(*store, bench.options());
  const size_t before = bench.anthropic.requests().size();
  for (ProviderSource s : sources)
    CHECK(restarted->poll_source(s, kNow).error.empty());
  CHECK(bench.anthropic.requests()[before].target.find("starting_at=2026-11-03T") !=
        std::string::npos);
  CHECK(stored(*store) == only(truth(), sources));
}

TEST_CASE(
    "a changed schema stores nothing of its page, names the field and keeps the last good data",
    "[collector][providers]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  Bench bench(dir);
  auto poller = bench.poller(*store, bench.options());
  poll_everything(*poller);
  auto good = truth();
  sort_provider_rows(good);

  bench.anthropic.set_rows(truth(1000));
  bench.openai.set_rows(truth(1000));
  const std::vector<std::pair<ProviderSource, std::string>> broken = {
      {ProviderSource::kAnthropicMessages,
       "anthropic messages page 1: data[0].results[0].uncached_input_tokens: expected an integer"},
      {ProviderSource::kAnthropicCost,
       "anthropic cost_report page 1: data[0].results[0].amount: expected an amount"},
      {ProviderSource::kAnthropicClaudeCode,
       "anthropic claude_code 2026-11-09 page 1: data[0].model_breakdown: expected an array"},
      {ProviderSource::kOpenaiCompletions,
       "openai completions page 1: data[0].results[0].output_tokens: expected an integer"},
      {ProviderSource::kOpenaiCosts,
       "openai costs page 1: data[0].results[0].amount: expected an object"},
  };
  for (const auto& [source, why] : broken) {
    INFO(source_name(source));
    auto& api = std::string_view(provider_of(source)) == "openai" ? bench.openai : bench.anthropic;
    api.script({ProviderFault::kChangedSchema});
    const PollResult r = poller->poll_source(source, kNow);
    CHECK(r.error == why);
    CHECK(r.days == 0);
  }
  CHECK(stored(*store) == good);
}

TEST_CASE("the admin key is in no log line, error or database, and a wrong one is named",
          "[collector][providers]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  Bench bench(dir);
  // A key the server refuses, which its answer repeats.
  const std::string wrong = "sk-ant-admin01-Wr0ngWr0ngWr0ngWr0ngWr0ng-test";
  {
    auto poller = bench.poller(*store, bench.options(false, wrong));
    const PollResult r = poller->poll_source(ProviderSource::kAnthropicMessages, kNow);
    CHECK(r.error.find("answered 401") != std::string::npos);
    CHECK(r.error.find("check the admin key in anthropic_admin_key_file") != std::string::npos);
    CHECK(r.error.find("[admin key]") != std::string::npos);
    CHECK(r.error.find(wrong) == std::string::npos);
    CHECK(r.error.find(wrong.substr(0, 8)) == std::string::npos);
  }
  auto poller = bench.poller(*store, bench.options());
  bench.anthropic.script({ProviderFault::kServerError, ProviderFault::kRateLimited});
  poll_everything(*poller);
  // The keys went in headers, never in a URL.
  for (auto* api : {&bench.anthropic, &bench.openai})
    for (const PeerRequest& r : api->requests()) {
      CHECK(r.target.find("sk-") == std::string::npos);
      CHECK(r.head.find("codepulse-collector/") != std::string::npos);
    }
  std::vector<std::string> where = {read_file(dir / "collector.log")};
  if (target.postgres()) {
    for (const char* table : {"provider_usage", "provider_days", "provider_cursors"})
      where.push_back(
          db_text(target.db, std::string("SELECT string_agg(t::text, ' ') FROM ") + table + " t"));
  } else {
    for (const std::string& f : list_files(dir.path()))
      if (f.find("collector.db") != std::string::npos) where.push_back(read_file(f));
  }
  CHECK(where.front().find(
            "anthropic messages: 10 day(s) stored (2026-11-01 to 2026-11-10) from 4 page(s)") !=
        std::string::npos);
  for (const std::string& text : where)
    for (const std::string& key : {kAnthropicKey, kOpenaiKey, wrong}) {
      CHECK(text.find(key) == std::string::npos);
      CHECK(text.find(key.substr(key.size() - 20)) == std::string::npos);
    }
}

TEST_CASE("an admin key file others may read, or holding a space, is refused saying why",
          "[collector][providers]") {
  TempDir dir;
  auto store = opened(dir / "collector.db");
  Bench bench(dir);
  ProviderOptions o = bench.options(false);
  ::chmod(o.anthropic->admin_key_file.c_str(), 0644);
  auto open = ProviderPoller::create(*store, o, bench.log);
  REQUIRE_FALSE(open);
  CHECK(open.error().message == "anthropic_admin_key_file " + o.anthropic->admin_key_file +
                                    " is readable by others; run chmod 600 " +
                                    o.anthropic->admin_key_file);
  private_file(o.anthropic->admin_key_file, "sk-ant-admin01 with spaces in it");
  auto spaced = ProviderPoller::create(*store, o, bench.log);
  REQUIRE_FALSE(spaced);
  CHECK(spaced.error().message.find("a character an API key cannot have") != std::string::npos);
  CHECK(spaced.error().message.find("with spaces") == std::string::npos);
  o.anthropic->base_url = "http://localhost:1";
  private_file(o.anthropic->admin_key_file, kAnthropicKey);
  auto plain = ProviderPoller::create(*store, o, bench.log);
  REQUIRE_FALSE(plain);
  CHECK(plain.error().message ==
        "anthropic_base_url 'http://localhost:1' must start with https:// (the admin key is only "
        "sent encrypted)");
}

TEST_CASE("serve polls the providers it has keys for, shows no key, refuses a key others may read",
          "[collector][providers]") {
  TempDir dir;
  Bench bench(dir);
  CollectorFixture collector(dir / "collector");
  const ProviderOptions o = bench.options();
  const std::vector<std::string> args = {"--anthropic-admin-key-file", o.anthropic->admin_key_file,
                                         "--anthropic-base-url",       bench.anthropic.base_url(),
                                         "--openai-admin-key-file",    o.openai->admin_key_file,
                                         "--openai-base-url",          bench.openai.base_url(),
                                         "--provider-ca-file",         bench.pki.ca(),
                                         "--provider-history-days",    "60"};
  std::vector<std::string> print = {collector_bin(), "serve", "--print-config"};
  print.insert(print.end(), args.begin(), args.end());
  const auto printed = run(print);
  REQUIRE(printed.exit_code == 0);
  CHECK(printed.out.find("anthropic_admin_key_file = \"" + o.anthropic->admin_key_file + "\"") !=
        std::string::npos);
  CHECK(printed.out.find(kAnthropicKey) == std::string::npos);
  CHECK(printed.out.find(kOpenaiKey) == std::string::npos);

  // Started, it polls at once: every row of the providers' truth arrives.
  collector.start(args);
  auto want = truth();
  sort_provider_rows(want);
  std::vector<ProviderUsageRow> got;
  const bool arrived = eventually(kPatienceMs, [&] {
    auto store = open_store(collector.db());
    if (!store) return false;
    auto rows = (*store)->load_provider_rows("2026-10-01", "2026-12-01");
    got = rows ? *rows : std::vector<ProviderUsageRow>{};
    return got == want;
  });
  CHECK(arrived);
  collector.stop();
  CHECK(collector.process().err().find(kAnthropicKey) == std::string::npos);

  ::chmod(o.anthropic->admin_key_file.c_str(), 0644);
  std::vector<std::string> serve = {collector_bin(), "serve",        "--db",
                                    collector.db(),  "--tls-cert",   collector.cert(),
                                    "--tls-key",     collector.key()};
  serve.insert(serve.end(), args.begin(), args.end());
  const auto refused = run(serve);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err == "codepulse-collector: anthropic_admin_key_file " +
                           o.anthropic->admin_key_file + " is readable by others; run chmod 600 " +
                           o.anthropic->admin_key_file + "\n");
}
