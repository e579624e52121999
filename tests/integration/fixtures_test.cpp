// The real Claude Code logs in ../shared/fixtures (skipped when absent):
// totals equal SOURCES.md's oracle and what ccusage 20.0.24 reports.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <map>

#include "tests/support/skip.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

struct Totals {
  int64_t records = 0, input = 0, output = 0, cache_create = 0, cache_read = 0;
  std::string cost;
};

// Runs scan + report --format json through the real binary.
simdjson::dom::element scan_and_report(simdjson::dom::parser& parser, const std::string& claude_dir,
                                       const std::string& state, std::string& json_holder,
                                       const std::vector<std::string>& extra = {}) {
  auto scan = run(
      {tracker_bin(), "scan", "--claude-dir", claude_dir, "--state", state, "--json", "--quiet"});
  REQUIRE(scan.exit_code == 0);
  std::vector<std::string> argv = {tracker_bin(), "report", "--state", state, "--format", "json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto report = run(argv);
  REQUIRE(report.exit_code == 0);
  json_holder = report.out;
  simdjson::dom::element root;
  REQUIRE_FALSE(parser.parse(json_holder).get(root));
  return root;
}

int64_t i64(simdjson::dom::element e, const char* key) {
  int64_t v = 0;
  REQUIRE_FALSE(e[key].get_int64().get(v));
  return v;
}
double dbl(simdjson::dom::element e, const char* key) {
  double v = 0;
  REQUIRE_FALSE(e[key].get_double().get(v));
  return v;
}
std::string str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  REQUIRE_FALSE(e[key].get_string().get(v));
  return std::string(v);
}
simdjson::dom::element at(simdjson::dom::element e, const char* key) {
  simdjson::dom::element v;
  REQUIRE_FALSE(e[key].get(v));
  return v;
}
simdjson::dom::array arr(simdjson::dom::element e, const char* key) {
  simdjson::dom::array v;
  REQUIRE_FALSE(e[key].get_array().get(v));
  return v;
}

}  // namespace

TEST_CASE("marot-spotter fixtures total exactly what ccusage reports", "[fixtures]") {
  auto fixtures = shared_fixtures();
  if (!fixtures) {
    CODEPULSE_SKIP("../shared/fixtures/claude-code not found");
  }
  TempDir dir;
  simdjson::dom::parser parser;
  std::string holder;
  auto root = scan_and_report(parser, *fixtures + "/marot-spotter", dir / "state", holder);
  auto totals = at(root, "totals");
  // claude-code-format.md correction box: 395 requests, $17.215117.
  CHECK(i64(totals, "records") == 395);
  CHECK(i64(totals, "input") == 4543);
  CHECK(i64(totals, "output") == 80199);
  CHECK(i64(totals, "cache_create") == 1008757);
  CHECK(i64(totals, "cache_read") == 29610672);
  CHECK(dbl(totals, "cost_usd") == Approx(17.215117).margin(1e-9));
}

TEST_CASE("per-file totals of the fixtures match SOURCES.md", "[fixtures]") {
  auto fixtures = shared_fixtures();
  if (!fixtures) {
    CODEPULSE_SKIP("../shared/fixtures/claude-code not found");
  }
  struct Row {
    const char* file;
    int64_t requests, input, output, cache_create, cache_read;
    double cost;
  };
  // SOURCES.md "Expected values"; subagent.jsonl includes its 5 agent_progress
  // requests (the correction box). Its cost: the row's $0.519593 plus those 5
  // (Haiku 4.5, 1h cache writes: 24 in, 7 out, 14,285 written, 95,343 read =
  // $0.038163, which is also the folder's $17.215117 less the other rows).
  // The ccusage fixtures are priced from tokens.
  const Row rows[] = {
      // Main sessions read with their subagents/ folders: the sums of the
      // main, agent and acompact rows (their agent_progress copies collapse).
      {"marot-spotter/4d5611e5-241a-462a-8d15-5122611a9569", 152, 233, 28899, 559475, 12387553,
       10.113696},
      {"marot-spotter/ae4a77f8-aedd-4bc1-888f-c94edc91af04", 221, 2653, 49482, 377624, 16600744,
       6.172572},
      {"marot-spotter/short.jsonl", 1, 3, 13, 13835, 11515, 0.144448},
      {"marot-spotter/subagent.jsonl", 17, 1600, 1593, 40127, 522629, 0.557756},
      {"marot-spotter/tool_heavy.jsonl", 4, 54, 212, 17696, 88231, 0.226645},
      {"daaain-claude-code-log/representative_messages.jsonl", 5, 218, 445, 0, 0, 0.007329},
      {"daaain-claude-code-log/session_b.jsonl", 1, 20, 35, 0, 0, 0.000585},
      {"daaain-claude-code-log/edge_cases.jsonl", 4, 488, 435, 0, 0, 0.007989},
      {"daaain-claude-code-log/todowrite_examples.jsonl", 6, 883, 328, 0, 0, 0.007569},
      {"ccusage/fixtures/claude/projects/project-beta/session-beta/chat.jsonl", 2, 130, 60, 15, 40,
       0.000453},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.file) {
      TempDir dir;
      const std::string src = *fixtures + "/" + row.file;
      make_dirs(dir / "logs/p");
      if (src.size() > 6 && src.compare(src.size() - 6, 6, ".jsonl") == 0) {
        write_file(dir / "logs/p/f.jsonl", read_file(src));
      } else {  // a session: its file and its folder of subagents
        REQUIRE(run({"cp", "-r", src, src + ".jsonl", dir / "logs/p/"}).exit_code == 0);
      }
      simdjson::dom::parser parser;
      std::string holder;
      auto totals = at(scan_and_report(parser, dir / "logs", dir / "state", holder), "totals");
      CHECK(i64(totals, "records") == row.requests);
      CHECK(i64(totals, "input") == row.input);
      CHECK(i64(totals, "output") == row.output);
      CHECK(i64(totals, "cache_create") == row.cache_create);
      CHECK(i64(totals, "cache_read") == row.cache_read);
      CHECK(dbl(totals, "cost_usd") == Approx(row.cost).margin(1e-6));
    }
  }
}

TEST_CASE("daily per-model totals equal ccusage's on the fixtures", "[fixtures][ccusage]") {
  auto fixtures = shared_fixtures();
  auto ccusage = ccusage_bin();
  if (!fixtures || !ccusage) {
    CODEPULSE_SKIP("needs ../shared/fixtures/claude-code and ccusage (packaging/install-peers.sh)");
  }
  // ccusage reads $HOME/.claude/projects. Its 20.0.24 binary skips lines that
  // spell the usage key with a space ('"usage": {', never written by Claude
  // Code) and uses costUSD when present, so the comparison uses the real
  // Claude Code logs: marot-spotter and the compact ccusage fixture.
  TempDir home;
  make_dirs(home / ".claude/projects");
  REQUIRE(run({"cp", "-r", *fixtures + "/marot-spotter", home / ".claude/projects/spotter"})
              .exit_code == 0);
  auto cc = run({*ccusage, "daily", "--json", "--offline"}, {"HOME=" + home.path(), "TZ=UTC"});
  REQUIRE(cc.exit_code == 0);
  simdjson::dom::parser p1;
  simdjson::padded_string cc_json(cc.out);
  simdjson::dom::element cc_root;
  REQUIRE_FALSE(p1.parse(cc_json).get(cc_root));
  std::map<std::string, Totals> expected;
  for (auto day : arr(cc_root, "daily")) {
    const std::string date = str(day, "period");
    for (auto m : arr(day, "modelBreakdowns")) {
      Totals& t = expected[date + "|" + str(m, "modelName")];
      t.input = i64(m, "inputTokens");
      t.output = i64(m, "outputTokens");
      t.cache_create = i64(m, "cacheCreationTokens");
      t.cache_read = i64(m, "cacheReadTokens");
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", dbl(m, "cost"));
      t.cost = buf;
    }
  }
  REQUIRE(expected.size() >= 5);
  simdjson::dom::parser p2;
  std::string holder;
  auto root = scan_and_report(p2, home / ".claude", home / "state", holder);
  std::map<std::string, Totals> actual;
  for (auto day : arr(root, "rows")) {
    const std::string date = str(day, "key");
    for (auto m : arr(day, "children")) {
      Totals& t = actual[date + "|" + str(m, "key")];
      t.input = i64(m, "input");
      t.output = i64(m, "output");
      t.cache_create = i64(m, "cache_create");
      t.cache_read = i64(m, "cache_read");
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", dbl(m, "cost_usd"));
      t.cost = buf;
    }
  }
  REQUIRE(actual.size() == expected.size());
  for (const auto& [key, want] : expected) {
    INFO(key);
    REQUIRE(actual.count(key) == 1);
    const Totals& got = actual[key];
    CHECK(got.input == want.input);
    CHECK(got.output == want.output);
    CHECK(got.cache_create == want.cache_create);
    CHECK(got.cache_read == want.cache_read);
    CHECK(got.cost == want.cost);
  }
}
