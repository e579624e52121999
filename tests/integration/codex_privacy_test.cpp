// No text of a Codex rollout (prompts, answers, reasoning, instructions,
// commands, outputs, patch lines) reaches the tracker's store, its queue
// or its reports; what is kept instead (file paths, tool names) does.
#include <catch2/catch.hpp>

#include "tests/corpus/codex_corpus.hpp"
#include "tests/corpus/codex_lines.hpp"
#include "tests/support/codex_home.hpp"
#include "tests/support/store_contents.hpp"

using namespace codepulse::test;
namespace bench = codepulse::bench;
using bench::codex::RolloutWriter;
using bench::codex::uuid7;

namespace {

constexpr int64_t kT0 = 1796437734000;
const std::string kCanary = "QZXCODEXCANARY";

// One of each text field Codex logs, each holding the canary.
std::string canary_session(const std::string& thread) {
  const std::string k = kCanary;
  RolloutWriter w(thread);
  w.session_meta(kT0, "/home/dev/src/app", "main", "base instructions " + k + "-meta");
  w.turn_start(kT0 + 10, uuid7(kT0 + 10, 1), "gpt-5.5", "/home/dev/src/app",
               "prompt " + k + "-prompt", "developer " + k + "-dev");
  w.reasoning(kT0 + 20, "summary " + k + "-summary", "encrypted" + k + "-enc");
  w.exec_call(kT0 + 30, "call_1", "git commit -m '" + k + "-commit'");
  w.usage(kT0 + 40, "resp_1", {1000, 100, 0, 10, 2});
  w.exec_output(kT0 + 50, "call_1", "git commit -m '" + k + "-commit'",
                "[main 1a2b3c4] " + k + "-output");
  w.token_count(kT0 + 60);
  w.patch_call(kT0 + 70, "call_2",
               "*** Begin Patch\n*** Update File: src/app.c\n@@ " + k + "-hunk\n-" + k +
                   "-removed\n+" + k + "-added\n*** End Patch\n");
  w.usage(kT0 + 80, "resp_2", {1100, 900, 0, 10, 0});
  w.patch_output(kT0 + 90, "call_2", "src/app.c", k + "-content");
  w.token_count(kT0 + 100);
  w.answer(kT0 + 110, "answer " + k + "-answer");
  w.usage(kT0 + 120, "resp_3", {1200, 1000, 0, 10, 0});
  w.token_count(kT0 + 130);
  w.task_complete(kT0 + 140, "last " + k + "-last");
  return w.text;
}

void expect_no_canary(const std::string& where, const std::string& text) {
  INFO(where);
  CHECK(text.find(kCanary) == std::string::npos);
}

}  // namespace

TEST_CASE("no text of a Codex rollout reaches the store, the queue or a report",
          "[codex][privacy]") {
  CodexHome c;
  const std::string thread = uuid7(kT0, 9);
  c.write(bench::codex::rollout_path(kT0, thread), canary_session(thread));
  c.generate(4, 1u << 20, true, false, kCanary);
  auto scan = c.scan();
  REQUIRE(scan.exit_code == 0);
  CHECK(json_number(scan.out, "records_new") > 10);
  expect_no_canary("scan output", scan.out + scan.err);
  const std::string stored = folder_contents(c.state);
  expect_no_canary("the state folder", stored);
  // What is kept: the patched file's path, the tool names, the commit flag.
  CHECK(stored.find("src/app.c") != std::string::npos);
  CHECK(stored.find("\"name\":\"exec_command\",\"commit\":1") != std::string::npos);
  for (const char* format : {"table", "json", "csv"}) {
    auto r = run({tracker_bin(), "report", "--state", c.state, "--group-by",
                  "model,repo,file,author,task,date,session", "--format", format},
                 c.env());
    REQUIRE(r.exit_code == 0);
    expect_no_canary(std::string("report ") + format, r.out + r.err);
  }
  auto show = run({tracker_bin(), "queue", "show", "--state", c.state, "--json"}, c.env());
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("\"assistant\":\"codex\"") != std::string::npos);
  expect_no_canary("queue show", show.out);

  // The control: the canary as a branch name, which is kept, is found.
  RolloutWriter control(uuid7(kT0 + 5000, 10));
  control.session_meta(kT0 + 5000, "/home/dev/src/app", "feat/" + kCanary, "i");
  control.turn_start(kT0 + 5010, uuid7(kT0 + 5010, 11), "gpt-5.5", "/w", "p", "d");
  control.usage(kT0 + 5020, "resp_c", {10, 0, 0, 1, 0});
  c.write(bench::codex::rollout_path(kT0 + 5000, control.thread()), control.text);
  REQUIRE(c.scan().exit_code == 0);
  CHECK(folder_contents(c.state).find(kCanary) != std::string::npos);
}
