// Privacy for Gemini CLI logs: a corpus with a canary in every prompt,
// answer, thought summary, tool argument and output, file content, patch and
// subagent summary. After a scan no canary is in the tracker's state folder
// (the database and its -wal, byte for byte, and every row), in a report, in
// what the queue sends, or in the collector's database once shipped.
#include <catch2/catch.hpp>

#include "tests/corpus/gemini_corpus.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/gemini_tree.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;
namespace gl = codepulse::bench::gemini;

TEST_CASE("gemini-cli: no canary reaches the store, a report or the queue", "[privacy][gemini]") {
  constexpr const char* kCanary = "CANARY-GEMINI-5b9e";
  GeminiTree tree;
  gl::CorpusOptions o;
  o.seed = 5;
  o.target_bytes = 1 << 20;
  o.root = tree.gemini;
  o.canary = kCanary;
  const gl::CorpusTruth truth = gl::write_corpus(o);
  REQUIRE(truth.subagents >= 1);
  REQUIRE(truth.commits >= 1);
  // The control: the logs are full of it.
  std::string logs;
  for (const std::string& f : list_files(tree.gemini))
    logs += read_file(f);
  CHECK(logs.find(std::string(kCanary) + "-1 ") != std::string::npos);

  const std::string stats = tree.scan();
  CHECK(GeminiTree::stat(stats, "records_new") > 0);
  CHECK(stats.find(kCanary) == std::string::npos);
  const std::string stored = folder_contents(tree.state);
  CHECK(stored.find("gemini-cli") != std::string::npos);  // the store was read
  CHECK(stored.find(kCanary) == std::string::npos);
  for (const char* group : {"model,repo,file,session", "file", "session,file"}) {
    auto r = run(
        {tracker_bin(), "report", "--state", tree.state, "--group-by", group, "--format", "json"});
    REQUIRE(r.exit_code == 0);
    INFO(group);
    CHECK(r.out.find(kCanary) == std::string::npos);
  }
  auto show = run({tracker_bin(), "queue", "show", "--state", tree.state, "--json"});
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("\"assistant\":\"gemini-cli\"") != std::string::npos);
  CHECK(show.out.find(kCanary) == std::string::npos);
  // What is kept instead: paths relative to the project, commit shas.
  CHECK(show.out.find("\"path\":\"src/") != std::string::npos);
  CHECK(show.out.find("\"git_commit\":true") != std::string::npos);

  // Shipped: the collector's database holds the records, and no canary.
  CollectorFixture c(tree.dir / "collector");
  const std::string token = c.token_file("dev@example.org");
  c.start();
  auto flush = run({tracker_bin(), "flush", "--state", tree.state, "--timeout", "60", "--collector",
                    c.url(), "--ca-file", c.ca(), "--token-file", token});
  INFO(flush.err);
  REQUIRE(flush.exit_code == 0);
  const int64_t records = GeminiTree::stat(stats, "records_new");
  REQUIRE(eventually(kPatienceMs, [&] { return c.record_count() == records; }));
  c.stop();
  const std::string collected = store_contents(c.db());
  CHECK(collected.find("gemini-cli") != std::string::npos);
  CHECK(collected.find(kCanary) == std::string::npos);
}
