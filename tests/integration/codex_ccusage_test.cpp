// Codex totals against ccusage 20.0.24 (`ccusage codex daily`) on the same
// rollouts: equal tokens per day and model, and each deliberate difference
// shown on a rollout that has it.
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "tests/corpus/codex_corpus.hpp"
#include "tests/corpus/codex_lines.hpp"
#include "tests/support/codex_home.hpp"
#include "tests/support/skip.hpp"

using namespace codepulse::test;
namespace bench = codepulse::bench;
using bench::codex::RolloutStyle;
using bench::codex::RolloutWriter;
using bench::codex::Usage;
using bench::codex::uuid7;

namespace {

constexpr int64_t kT0 = 1796437734000;  // 2026-12-05T02:28:54Z

// `ccusage codex daily --json --offline` rows, keyed "YYYY-MM-DD|model".
std::map<std::string, DayModelRow> ccusage_rows(const std::string& bin, const CodexHome& c) {
  auto r = run({bin, "codex", "daily", "--json", "--offline"},
               {"HOME=" + c.dir.path(), "CODEX_HOME=" + c.home, "TZ=UTC"});
  REQUIRE(r.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::padded_string json(r.out);
  simdjson::dom::element root;
  REQUIRE_FALSE(parser.parse(json).get(root));
  std::map<std::string, DayModelRow> rows;
  simdjson::dom::array days;
  REQUIRE_FALSE(root["daily"].get_array().get(days));
  for (auto day : days) {
    std::string_view date;
    REQUIRE_FALSE(day["date"].get_string().get(date));
    simdjson::dom::object models;
    REQUIRE_FALSE(day["models"].get_object().get(models));
    for (auto [name, m] : models) {
      DayModelRow& row = rows[std::string(date) + "|" + std::string(name)];
      REQUIRE_FALSE(m["inputTokens"].get_int64().get(row.input));
      REQUIRE_FALSE(m["outputTokens"].get_int64().get(row.output));
      REQUIRE_FALSE(m["cacheCreationTokens"].get_int64().get(row.cache_create));
      REQUIRE_FALSE(m["cacheReadTokens"].get_int64().get(row.cache_read));
    }
  }
  return rows;
}

std::string ccusage_or_skip() {
  auto bin = ccusage_bin();
  return bin ? *bin : std::string();
}

}  // namespace

TEST_CASE("Codex rollouts total what ccusage totals per day and model", "[codex][ccusage]") {
  const std::string bin = ccusage_or_skip();
  if (bin.empty()) CODEPULSE_SKIP("ccusage not installed (packaging/install-peers.sh)");
  CodexHome c;
  // Forks and subagents with their parents: both tools drop the copies.
  const auto truth = c.generate(21, 4u << 20, true);
  REQUIRE(c.scan().exit_code == 0);
  const auto ours = c.rows();
  check_same_tokens(ours, truth_rows(truth));
  check_same_tokens(ours, ccusage_rows(bin, c));
}

TEST_CASE("where Codex totals differ from ccusage's, and why", "[codex][ccusage]") {
  const std::string bin = ccusage_or_skip();
  if (bin.empty()) CODEPULSE_SKIP("ccusage not installed (packaging/install-peers.sh)");
  const std::string day = "2026-12-05|";
  RolloutStyle old;
  old.records = old.paginated = false;

  SECTION("a token_count row below the last totals is an older row written late, not a reset") {
    // ccusage counts the row's last_token_usage again; we skip it.
    CodexHome c;
    RolloutWriter w(uuid7(kT0, 1), old);
    w.session_meta(kT0, "/w", "", "i");
    w.turn_start(kT0 + 10, "", "gpt-5.5", "/w", "p", "d");
    const Usage a{1000, 200, 0, 100, 0}, b{2000, 1500, 0, 50, 0};
    w.usage(kT0 + 20, "", a);
    w.token_count(kT0 + 21);
    w.usage(kT0 + 30, "", b);
    w.token_count(kT0 + 31);
    w.token_count_raw(kT0 + 40, a, a);
    c.write(bench::codex::rollout_path(kT0, w.thread()), w.text);
    REQUIRE(c.scan().exit_code == 0);
    const DayModelRow ours = c.rows().at(day + "gpt-5.5");
    const DayModelRow theirs = ccusage_rows(bin, c).at(day + "gpt-5.5");
    CHECK(ours.input == 800 + 500);
    CHECK(ours.output == 150);
    CHECK(theirs.input == ours.input + 800);
    CHECK(theirs.output == ours.output + 100);
  }

  SECTION("a request before any model is named is 'unknown' (unpriced), not ccusage's gpt-5") {
    CodexHome c;
    RolloutWriter w(uuid7(kT0, 2), old);
    w.session_meta(kT0, "/w", "", "i");
    w.usage(kT0 + 20, "", {500, 100, 0, 5, 0});
    w.token_count(kT0 + 21);
    c.write(bench::codex::rollout_path(kT0, w.thread()), w.text);
    REQUIRE(c.scan().exit_code == 0);
    CHECK(c.rows().at(day + "unknown").input == 400);
    CHECK(ccusage_rows(bin, c).at(day + "gpt-5").input == 400);
  }

  SECTION("a fork whose parent's rollout is gone: the copied history is still not counted") {
    // ccusage drops a fork's copy only by meeting the same rows in the
    // parent's file; we drop it by what it is.
    CodexHome c;
    const std::string parent = uuid7(kT0, 3);
    RolloutWriter p(parent);
    p.session_meta(kT0, "/w", "", "i");
    p.turn_start(kT0 + 10, uuid7(kT0 + 10, 4), "gpt-5.5", "/w", "p", "d");
    p.usage(kT0 + 20, "resp_p", {5000, 1000, 0, 50, 0});
    p.token_count(kT0 + 21);
    RolloutWriter child(uuid7(kT0 + 60'000, 5));
    child.set_totals(p.totals());
    child.session_meta(kT0 + 60'000, "/w", "", "i", "\"exec\"", "user",
                       "\"forked_from_id\":\"" + parent + "\"");
    child.text += p.text;
    child.turn_start(kT0 + 60'010, uuid7(kT0 + 60'010, 6), "gpt-5.5", "/w", "p", "d");
    child.usage(kT0 + 60'020, "resp_c", {7000, 6000, 0, 20, 0});
    child.token_count(kT0 + 60'021);
    c.write(bench::codex::rollout_path(kT0 + 60'000, child.thread()), child.text);
    REQUIRE(c.scan().exit_code == 0);
    const DayModelRow ours = c.rows().at(day + "gpt-5.5");
    const DayModelRow theirs = ccusage_rows(bin, c).at(day + "gpt-5.5");
    CHECK(ours.input == 1000);
    CHECK(ours.cache_read == 6000);
    CHECK(theirs.input == ours.input + 4000);
    CHECK(theirs.cache_read == ours.cache_read + 1000);
  }
}
