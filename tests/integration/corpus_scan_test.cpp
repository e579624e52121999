// Generated corpora with a known answer: every day x model total equals the
// generator's truth (and ccusage's, when installed); nothing of the canary
// text reaches the store.
#include <catch2/catch.hpp>
#include <map>

#include "tests/corpus/generator.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/report_rows.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;
namespace bench = codepulse::bench;

TEST_CASE("a generated corpus totals exactly its truth per day and model", "[corpus][scan]") {
  TempDir dir;
  bench::CorpusOptions o;
  o.seed = 42;
  o.target_bytes = 12u << 20;
  o.root = dir / "claude";
  const bench::CorpusTruth truth = bench::generate_corpus(o);
  const std::string state = dir / "state";
  auto scan =
      run({tracker_bin(), "scan", "--claude-dir", o.root, "--state", state, "--json", "--quiet"});
  REQUIRE(scan.exit_code == 0);
  const auto rows = tracker_report_rows(state);
  REQUIRE(rows.size() == truth.by_day_model.size());
  for (const auto& [key, want] : truth.by_day_model) {
    INFO(key);
    REQUIRE(rows.count(key) == 1);
    const DayModelRow& got = rows.at(key);
    CHECK(got.requests == want.requests);
    CHECK(got.input == want.input);
    CHECK(got.output == want.output);
    CHECK(got.cache_create == want.cache_create);
    CHECK(got.cache_read == want.cache_read);
  }
  // A second scan reads nothing and changes nothing.
  auto again =
      run({tracker_bin(), "scan", "--claude-dir", o.root, "--state", state, "--json", "--quiet"});
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("\"bytes_read\":0,") != std::string::npos);
  CHECK(again.out.find("\"records_new\":0,") != std::string::npos);
  CHECK(tracker_report_rows(state).size() == rows.size());
}

TEST_CASE("a generated corpus equals ccusage per day and model, cost to the cent",
          "[corpus][ccusage]") {
  auto ccusage = ccusage_bin();
  if (!ccusage) {
    CODEPULSE_SKIP("ccusage not installed (packaging/install-peers.sh)");
  }
  TempDir home;
  bench::CorpusOptions o;
  o.seed = 7;
  o.target_bytes = 16u << 20;
  o.root = home / ".claude";
  bench::generate_corpus(o);
  auto cc = run({*ccusage, "daily", "--json", "--offline"}, {"HOME=" + home.path(), "TZ=UTC"});
  REQUIRE(cc.exit_code == 0);
  const auto expected = parse_ccusage_daily(cc.out);
  const std::string state = home / "state";
  auto scan = run({tracker_bin(), "scan", "--state", state, "--quiet"}, {"HOME=" + home.path()});
  REQUIRE(scan.exit_code == 0);
  const auto rows = tracker_report_rows(state);
  REQUIRE(rows.size() == expected.size());
  for (const auto& [key, want] : expected) {
    INFO(key);
    REQUIRE(rows.count(key) == 1);
    const DayModelRow& got = rows.at(key);
    CHECK(got.input == want.input);
    CHECK(got.output == want.output);
    CHECK(got.cache_create == want.cache_create);
    CHECK(got.cache_read == want.cache_read);
    CHECK(got.cost_cents == want.cost_cents);
  }
}

TEST_CASE("no canary of a generated corpus reaches the store", "[corpus][privacy]") {
  TempDir dir;
  bench::CorpusOptions o;
  o.seed = 3;
  o.target_bytes = 4u << 20;
  o.root = dir / "claude";
  o.canary = "ZQXCANARYJW";
  bench::generate_corpus(o);
  const std::string state = dir / "state";
  auto scan = run({tracker_bin(), "scan", "--claude-dir", o.root, "--state", state, "--quiet"});
  REQUIRE(scan.exit_code == 0);
  const std::string all = folder_contents(state);
  REQUIRE(all.size() > 10000);
  CHECK(all.find("ZQXCANARYJW") == std::string::npos);
  for (const char* format : {"table", "json", "csv"}) {
    auto r = run({tracker_bin(), "report", "--state", state, "--group-by",
                  "model,repo,file,author,task,date,session", "--format", format});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("ZQXCANARYJW") == std::string::npos);
  }
  // The control: the canary as a branch name, which is kept, is found.
  write_file(o.root + "/projects/-control/control.jsonl", branch_lines({o.canary}));
  REQUIRE(
      run({tracker_bin(), "scan", "--claude-dir", o.root, "--state", state, "--quiet"}).exit_code ==
      0);
  CHECK(folder_contents(state).find("ZQXCANARYJW") != std::string::npos);
}
