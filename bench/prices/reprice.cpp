// codepulse-bench-prices: the re-pricing benchmark of docs/BENCHMARKS.md.
//
//   generate --db F [--records N] [--seed S]
//       a SQLite collector store with N usage records (default 10 million)
//       of 200 authors over the year before 2026-11-01, bulk-inserted in one
//       transaction (the store's own schema; not its ingest path, which
//       bench/report times). Models: Sonnet, Opus (some with inference_geo),
//       Haiku with web searches, Bedrock regional ids, fast Opus 5.5, and a
//       gateway model without a price.
//   run --db F [--rounds K]
//       (a) re-pricing the live report cube: the collector's report thread
//       (ReportRunner) builds its cube at start, then each round adds an
//       organisation override through PricingState and times until the
//       re-priced cube is swapped in; also the store scan alone and a cube
//       build alone; (b) pricing alone: Pricer::price over every record held
//       in memory. Prints a Markdown table.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "collector/report/cube_build.hpp"
#include "collector/report/pricing_state.hpp"
#include "collector/serve/report_runner.hpp"
#include "collector/store/store.hpp"
#include "common/hashing.hpp"
#include "common/sqlite.hpp"
#include "common/tool_codec.hpp"

using namespace codepulse;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kAuthors = 200, kRepos = 50;
constexpr int64_t kEnd = 1'793'491'200'000;  // 2026-11-01T00:00:00Z
constexpr int64_t kStart = kEnd - int64_t{365} * 86'400'000;
constexpr const char* kModels[] = {"claude-sonnet-4-5-20250929",
                                   "claude-opus-4-6",
                                   "claude-haiku-4-5-20251001",
                                   "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                                   "claude-opus-5-5",
                                   "glm-4-6"};

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

int fail(const std::string& what) {
  std::fprintf(stderr, "codepulse-bench-prices: %s\n", what.c_str());
  return 1;
}

const char* kInsert =
    "INSERT INTO usage_records (author, uid, uid_key, revision, device_id, message_id, request_id,"
    " ts_ms, session_id, sidechain, agent_id, model, input, output, cache_create_5m,"
    " cache_create_1h, cache_read, web_search, fast, cost_nanos, long_context, price_version,"
    " cc_version, repo, branch, task_keys, turn_id, tools, received_ms, web_fetch, inference_geo,"
    " iteration) VALUES (?1, ?2, ?3, 1, 'bench-device', ?4, ?5, ?6, ?7, 0, '', ?8, ?9, ?10, ?11,"
    " ?12, ?13, ?14, ?15, NULL, 0, 'bench', '2.1.328', ?16, ?17, '', ?18, ?19, ?6, 0, ?20, 0)";

int generate(const std::string& db, int64_t total, uint64_t seed) {
  {
    auto store = collector::open_store(db);  // the schema
    if (!store) return fail(store.error().message);
  }
  auto conn = sql::Database::open(db, false);
  if (!conn) return fail(conn.error().message);
  if (auto s = conn->exec("PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; BEGIN"); !s)
    return fail(s.error().message);
  auto st = conn->prepare(kInsert);
  if (!st) return fail(st.error().message);
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  std::vector<std::string> authors, repos;
  for (int a = 0; a < kAuthors; ++a)
    authors.push_back("dev" + std::to_string(a) + "@acme.example");
  for (int r = 0; r < kRepos; ++r)
    repos.push_back("github.com/acme/repo-" + std::to_string(r));
  const auto t0 = Clock::now();
  const int64_t step = std::max<int64_t>(1, (kEnd - kStart) / std::max<int64_t>(1, total));
  std::string turn, session, tools;
  for (int64_t i = 0; i < total; ++i) {
    // Turns of eight requests, sessions of ten turns, in time order.
    const int author = static_cast<int>((i / 80) % kAuthors);
    if (i % 8 == 0) {
      turn = "t-" + std::to_string(seed) + "-" + std::to_string(i / 8);
      std::vector<ToolUse> edits;
      for (int f = 0, n = pick(3); f < n; ++f) {
        ToolUse u;
        u.tool_use_id = "toolu_" + turn + "_" + std::to_string(f);
        u.name = "Edit";
        u.path = "src/f" + std::to_string(pick(100)) + ".cpp";
        u.action = FileAction::kChange;
        u.result_seen = true;
        u.lines_added = 1 + pick(40);
        edits.push_back(std::move(u));
      }
      tools = edits.empty() ? "" : encode_tools(edits);
    }
    if (i % 80 == 0) session = "s-" + std::to_string(seed) + "-" + std::to_string(i / 80);
    const int m = pick(20);
    const int model = m < 10 ? 0 : m < 14 ? 1 : m < 16 ? 2 : m < 18 ? 3 : m < 19 ? 4 : 5;
    // Bound texts are not copied: they live until run() returns.
    const std::string uid = "u-" + std::to_string(seed) + "-" + std::to_string(i);
    const std::string message = "msg_" + uid, request = "req_" + uid;
    const int64_t ts = kStart + i * step + pick(1000);
    st->bind(1, authors[static_cast<size_t>(author)])
        .bind(2, uid)
        .bind(3, static_cast<int64_t>(fnv1a64(uid)))
        .bind(4, message)
        .bind(5, request)
        .bind(6, ts)
        .bind(7, session)
        .bind(8, kModels[model])
        .bind(9, int64_t{1 + pick(50)})
        .bind(10, int64_t{50 + pick(3000)})
        .bind(11, int64_t{pick(20'000)})
        .bind(12, int64_t{m % 5 == 0 ? pick(5000) : 0})
        .bind(13, int64_t{10'000 + pick(140'000)})
        .bind(14, int64_t{model == 2 ? pick(3) : 0})
        .bind(15, int64_t{model == 4 && pick(2) == 0})
        .bind(16, repos[static_cast<size_t>((author * 7) % kRepos)])
        .bind(17, "main")
        .bind(18, turn)
        .bind(19, i % 8 == 0 ? std::string_view(tools) : std::string_view(""))
        .bind(20, model == 1 && pick(2) == 0 ? "us" : "");
    if (auto s = st->run(); !s) return fail(s.error().message);
    if (i % 1'000'000 == 999'999)
      std::fprintf(stderr, "\r%lld records", static_cast<long long>(i + 1));
  }
  if (auto s = conn->exec("COMMIT"); !s) return fail(s.error().message);
  std::fprintf(stderr, "\n%lld records in %.1f s\n", static_cast<long long>(total),
               ms_since(t0) / 1000);
  return 0;
}

// What pricing reads of a record, held in memory.
struct Fact {
  uint8_t model = 0;
  bool fast = false, us = false;
  int64_t ts = 0, input = 0, output = 0, w5m = 0, w1h = 0, read = 0, web_search = 0;
};

Result<std::vector<Fact>> load_facts(sql::Database& db) {
  auto st = db.prepare(
      "SELECT model, fast, inference_geo, ts_ms, input, output, cache_create_5m,"
      " cache_create_1h, cache_read, web_search FROM usage_records");
  if (!st) return st.error();
  std::vector<Fact> out;
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    Fact f;
    const std::string_view model = st->text(0);
    for (size_t m = 0; m < std::size(kModels); ++m)
      if (model == kModels[m]) f.model = static_cast<uint8_t>(m);
    f.fast = st->int64(1) != 0;
    f.us = st->text(2) == "us";
    f.ts = st->int64(3);
    f.input = st->int64(4);
    f.output = st->int64(5);
    f.w5m = st->int64(6);
    f.w1h = st->int64(7);
    f.read = st->int64(8);
    f.web_search = st->int64(9);
    out.push_back(f);
  }
  return out;
}

int run(const std::string& db, int rounds) {
  auto store = collector::open_store(db);
  if (!store) return fail(store.error().message);
  auto log = Logger::open("", LogLevel::kWarn, 60);
  if (!log) return fail(log.error().message);
  auto records = (*store)->record_count();
  if (!records) return fail(records.error().message);
  std::printf("| step | %lld records |\n| --- | --- |\n", static_cast<long long>(*records));

  // The store scan alone, then a cube built alone (what each re-price reads and folds).
  auto t = Clock::now();
  int64_t scanned = 0;
  report::EpicMap epics;
  if (auto s = (*store)->read_usage(INT64_MIN, INT64_MAX, true, epics,
                                    [&](const report::UsageFact&) { return ++scanned > 0; });
      !s)
    return fail(s.error().message);
  std::printf("| scan the store (every record, with tools) | %.0f ms |\n", ms_since(t));
  {
    t = Clock::now();
    report::UsageCube cube(Pricer::builtin());
    if (auto s = (*store)->read_usage(INT64_MIN, INT64_MAX, true, epics,
                                      [&](const report::UsageFact& f) {
                                        cube.add(f);
                                        return true;
                                      });
        !s)
      return fail(s.error().message);
    std::printf("| build a cube on one thread (scan, price, fold) | %.0f ms |\n", ms_since(t));
  }
  {
    t = Clock::now();
    report::UsageCube cube(Pricer::builtin());
    auto s = collector::build_cube_from(
        cube,
        [&](const collector::UsageScan& scan) {
          return (*store)->read_usage(INT64_MIN, INT64_MAX, true, epics, scan);
        },
        [] { return false; });
    if (!s) return fail(s.error().message);
    std::printf("| build a cube on two threads (scan; price and fold) | %.0f ms |\n", ms_since(t));
  }

  // (a) The collector's re-price: an override added, until the new cube is live.
  auto state = collector::PricingState::open(**store);
  if (!state) return fail(state.error().message);
  {
    collector::ReportRunner runner(**store, **state, *log, 0);
    t = Clock::now();
    while (!runner.stats().ready)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::printf("| live cube at start | %.0f ms |\n", ms_since(t));
    for (int r = 0; r < rounds; ++r) {
      const int64_t before = runner.stats().reprices;
      t = Clock::now();
      auto id = (*state)->add_override(
          "{\"scope\":\"family\",\"match\":\"claude-sonnet-*\",\"percent\":" +
              std::to_string(-5 - r) + "}",
          "bench");
      if (!id) return fail(id.error().message);
      while (runner.stats().reprices == before)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      std::printf("| re-price the live cube (round %d: override to swap) | %.0f ms |\n", r + 1,
                  ms_since(t));
    }
    runner.stop();
  }

  // (b) Pricing alone, over every record in memory.
  auto conn = sql::Database::open(db, false);
  if (!conn) return fail(conn.error().message);
  auto facts = load_facts(*conn);
  if (!facts) return fail(facts.error().message);
  const auto pricer = (*state)->current();
  for (int r = 0; r < rounds; ++r) {
    t = Clock::now();
    int64_t total = 0, unpriced = 0;
    for (const Fact& f : *facts) {
      UsageToPrice u;
      u.model = kModels[f.model];
      u.ts_ms = f.ts;
      u.input = f.input;
      u.output = f.output;
      u.cache_write_5m = f.w5m;
      u.cache_write_1h = f.w1h;
      u.cache_read = f.read;
      u.web_search = f.web_search;
      u.fast = f.fast;
      u.inference_geo = f.us ? "us" : "";
      const PricedUsage p = pricer->price(u);
      if (p.org_nanos)
        total += *p.org_nanos;
      else
        ++unpriced;
    }
    std::printf(
        "| Pricer::price over %zu facts in memory (round %d) | %.0f ms (%lld unpriced, "
        "$%.2f) |\n",
        facts->size(), r + 1, ms_since(t), static_cast<long long>(unpriced),
        static_cast<double>(total) / 1e9);
  }
  return 0;
}

std::string flag(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return argv[i + 1];
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  const std::string db = flag(argc, argv, "--db", "");
  if ((cmd != "generate" && cmd != "run") || db.empty()) {
    std::fprintf(stderr,
                 "usage: codepulse-bench-prices generate --db F [--records N] [--seed S]\n"
                 "       codepulse-bench-prices run --db F [--rounds K]\n");
    return 2;
  }
  if (cmd == "generate")
    return generate(db, std::atoll(flag(argc, argv, "--records", "10000000").c_str()),
                    std::strtoull(flag(argc, argv, "--seed", "1").c_str(), nullptr, 10));
  return run(db, std::max(1, std::atoi(flag(argc, argv, "--rounds", "2").c_str())));
}
