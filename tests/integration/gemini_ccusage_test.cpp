// Gemini CLI logs read by codepulse and by ccusage 20.0.24 (`ccusage gemini
// daily --json --offline`, HOME pointing at the .gemini folder's parent):
// the same tokens per day and model, but for the deliberate differences,
// each shown here on the files that cause it:
//  - output: codepulse counts thoughts as output (they are billed as
//    output); ccusage's outputTokens leaves them out (its cost has them);
//  - a legacy session-*.json resumed into a .jsonl: its messages sit in both
//    files under the same ids; codepulse counts them once, ccusage twice;
//  - a later copy of a message with fewer tokens: codepulse keeps the larger
//    (its rule for every assistant), ccusage the last; Gemini CLI never
//    writes one (a message's tokens are set once);
//  - a message only in a $set checkpoint: codepulse counts it, ccusage reads
//    no $set; Gemini CLI appends every message before restating it;
//  - a total matching neither rule (cached > 0): codepulse takes cached as
//    part of input (the API's meaning), ccusage as apart from it.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/corpus/gemini_corpus.hpp"
#include "tests/corpus/gemini_lines.hpp"
#include "tests/support/gemini_tree.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;
namespace gl = codepulse::bench::gemini;

namespace {

constexpr int64_t kDay = 1796428800000;  // 2026-12-05T00:00:00Z

// ccusage's rows; output as ccusage reports it (no thoughts). `records` is
// not reported by ccusage and stays 0.
GeminiRows ccusage_rows(const std::string& ccusage, const std::string& home) {
  auto r = run({ccusage, "gemini", "daily", "--json", "--offline"}, {"HOME=" + home, "TZ=UTC"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return parse_rows(r.out, kCcusageRows);
}

GeminiRows from_truth(const std::map<std::string, gl::DayModel>& truth, bool records) {
  GeminiRows out;
  for (const auto& [key, d] : truth)
    out[key] = GeminiRow{records ? d.requests : 0, d.input, d.output, d.cache_read};
  return out;
}

gl::GeminiMessage message(const std::string& id, gl::Tokens t) {
  gl::GeminiMessage m;
  m.id = id;
  m.ts_ms = kDay + 7'200'000;
  m.content = "an answer";
  m.tokens = t;
  m.model = "gemini-2.5-pro";
  return m;
}

}  // namespace

TEST_CASE("gemini-cli: per day and model, codepulse and ccusage agree but for what is documented",
          "[scan][gemini][ccusage]") {
  auto ccusage = ccusage_bin();
  if (!ccusage) CODEPULSE_SKIP("needs ccusage 20.0.24 (packaging/install-peers.sh)");
  GeminiTree tree;
  gl::CorpusOptions o;
  o.seed = 21;
  o.target_bytes = 3 << 20;
  o.root = tree.gemini;
  const gl::CorpusTruth truth = gl::write_corpus(o);
  REQUIRE(truth.resumed >= 1);
  REQUIRE(truth.subagents >= 1);
  tree.scan();
  const GeminiRows ours = tree.rows();
  CHECK(ours == from_truth(truth.by_day_model, true));
  const std::string home = tree.dir / "home";
  CHECK(ccusage_rows(*ccusage, home) == from_truth(truth.ccusage_by_day_model, false));

  // The same logs less the .json copies of resumed sessions: input and cache
  // reads equal, output apart by exactly the thoughts.
  namespace fs = std::filesystem;
  for (const auto& e : fs::recursive_directory_iterator(tree.gemini + "/tmp")) {
    const std::string p = e.path().string();
    if (p.ends_with(".json") && fs::exists(p + "l")) fs::remove(p);
  }
  const GeminiRows theirs = ccusage_rows(*ccusage, home);
  REQUIRE(theirs.size() == ours.size());
  for (const auto& [key, row] : ours) {
    INFO(key);
    REQUIRE(theirs.count(key) == 1);
    const GeminiRow& c = theirs.at(key);
    CHECK(c.input == row.input);
    CHECK(c.cache_read == row.cache_read);
    CHECK(c.output + truth.by_day_model.at(key).reasoning == row.output);
  }
}

TEST_CASE("gemini-cli: each deliberate difference from ccusage", "[scan][gemini][ccusage]") {
  auto ccusage = ccusage_bin();
  if (!ccusage) CODEPULSE_SKIP("needs ccusage 20.0.24 (packaging/install-peers.sh)");
  GeminiTree tree;
  const std::string chats = tree.project("app", "/src/app");
  const std::string home = tree.dir / "home";
  const std::string key = "2026-12-05|gemini-2.5-pro";
  auto both = [&] {
    tree.scan();
    return std::make_pair(tree.rows().at(key), ccusage_rows(*ccusage, home).at(key));
  };
  const std::string start = gemini_session_start("diff0001-s", kDay, "/src/app");
  const std::string jsonl = chats + "/session-2026-12-05T02-00-diff0001.jsonl";

  SECTION("thoughts are output") {
    write_file(jsonl, start + gemini_message_lines(message("m1", {1000, 50, 200, 30, 0})));
    const auto [ours, theirs] = both();
    CHECK(ours == GeminiRow{1, 800, 80, 200});
    CHECK(theirs == GeminiRow{0, 800, 50, 200});
  }
  SECTION("a resumed .json session is counted once") {
    const std::string m1 = gl::gemini_json(message("m1", {1000, 50, 0, 0, 0}));
    write_file(chats + "/session-2026-12-05T02-00-diff0001.json",
               gl::legacy_session_json("diff0001-s", "hash", kDay, {m1}));
    write_file(jsonl, gl::header_line("diff0001-s", "hash", kDay) + "\n" + m1 + "\n");
    const auto [ours, theirs] = both();
    CHECK(ours == GeminiRow{1, 1000, 50, 0});
    CHECK(theirs == GeminiRow{0, 2000, 100, 0});
  }
  SECTION("a later, smaller copy of a message") {
    write_file(jsonl, start + gemini_message_lines(message("m1", {1000, 50, 0, 0, 0})) +
                          gemini_message_lines(message("m1", {600, 50, 0, 0, 0})));
    const auto [ours, theirs] = both();
    CHECK(ours == GeminiRow{1, 1000, 50, 0});
    CHECK(theirs == GeminiRow{0, 600, 50, 0});
  }
  SECTION("a message only in a checkpoint") {
    write_file(jsonl, start + gemini_message_lines(message("m1", {1000, 50, 0, 0, 0})) +
                          gl::set_messages({gl::gemini_json(message("m2", {300, 5, 0, 0, 0}))},
                                           kDay + 8'000'000) +
                          "\n");
    const auto [ours, theirs] = both();
    CHECK(ours == GeminiRow{2, 1300, 55, 0});
    CHECK(theirs == GeminiRow{0, 1000, 50, 0});
  }
  SECTION("a total that matches neither rule") {
    std::string line = gl::gemini_json(message("m1", {1000, 50, 400, 0, 0}));
    line.replace(line.find("\"total\":1050"), 12, "\"total\":9999");
    write_file(jsonl, start + line + "\n");
    const auto [ours, theirs] = both();
    CHECK(ours == GeminiRow{1, 600, 50, 400});
    CHECK(theirs == GeminiRow{0, 1000, 50, 400});
  }
}
