// `codepulse-tracker scan` over Codex CLI rollouts: totals equal to the
// generator's truth, appended lines read once, archived rollouts not read
// twice, and bad input reported with its path.
#include <catch2/catch.hpp>
#include <cstdio>

#include "tests/corpus/codex_corpus.hpp"
#include "tests/corpus/codex_lines.hpp"
#include "tests/support/codex_home.hpp"

using namespace codepulse::test;
namespace bench = codepulse::bench;
using bench::codex::RolloutWriter;
using bench::codex::Usage;
using bench::codex::uuid7;

namespace {

constexpr int64_t kT0 = 1796437734000;  // 2026-12-05T02:28:54Z

// A 0.169 session of three responses: an exec call, a patch, an answer.
RolloutWriter session(const std::string& thread, int64_t t0 = kT0) {
  RolloutWriter w(thread);
  w.session_meta(t0, "/home/dev/src/app", "main", "instructions");
  w.turn_start(t0 + 10, uuid7(t0 + 10, 5), "gpt-5.5", "/home/dev/src/app", "prompt", "dev");
  w.exec_call(t0 + 100, "call_1", "make test");
  w.usage(t0 + 110, "resp_1", {1200, 300, 700, 80, 30});
  w.exec_output(t0 + 120, "call_1", "make test", "ok");
  w.token_count(t0 + 130);
  w.patch_call(t0 + 200, "call_2",
               "*** Begin Patch\n*** Add File: notes.md\n+a\n+b\n*** End Patch\n");
  w.usage(t0 + 210, "resp_2", {1500, 1100, 0, 60, 0});
  w.patch_output(t0 + 220, "call_2", "notes.md", "a\nb\n");
  w.token_count(t0 + 230);
  w.answer(t0 + 300, "done");
  w.usage(t0 + 310, "resp_3", {1700, 1400, 0, 25, 5});
  w.token_count(t0 + 320);
  w.task_complete(t0 + 330, "done");
  return w;
}

}  // namespace

TEST_CASE("Codex rollouts total exactly their truth per day and model", "[codex][scan]") {
  CodexHome c;
  const bench::CodexCorpusTruth truth = c.generate(9, 3u << 20, true, true);
  REQUIRE(truth.forks > 0);
  REQUIRE(truth.bad_lines > 0);
  const auto scan = c.scan();
  REQUIRE(scan.exit_code == 0);
  CHECK(json_number(scan.out, "malformed_lines") == truth.bad_lines);
  CHECK(json_number(scan.out, "files") == truth.files);
  check_same_tokens(c.rows(), truth_rows(truth));
  int64_t reasoning = 0, requests = 0;
  for (const auto& [key, want] : truth.by_day_model) {
    reasoning += want.reasoning;
    requests += want.requests;
  }
  CHECK(c.sql("SELECT sum(reasoning) FROM usage_records") == reasoning);
  CHECK(c.sql("SELECT count(*) FROM usage_records WHERE assistant = 'codex'") == requests);
  CHECK(c.sql("SELECT count(*) FROM usage_records WHERE assistant <> 'codex'") == 0);
  CHECK(c.sql("SELECT count(*) FROM usage_records WHERE cc_version IN ('0.169.0', '0.142.5')") ==
        requests);
  // Spawned subagents are sidechains of their parent's session.
  CHECK(c.sql("SELECT count(*) FROM usage_records WHERE sidechain = 1 AND agent_id <> '' AND "
              "session_id <> agent_id") > 0);
  // A second scan reads nothing and changes nothing.
  const auto again = c.scan();
  CHECK(json_number(again.out, "bytes_read") == 0);
  CHECK(json_number(again.out, "records_new") == 0);
  CHECK(c.sql("SELECT count(*) FROM usage_records") == requests);
}

TEST_CASE("appended Codex lines are read once, a response split across reads keeps its calls",
          "[codex][scan]") {
  CodexHome c;
  const RolloutWriter w = session(uuid7(kT0, 1));
  const std::string rel = bench::codex::rollout_path(kT0, w.thread());
  // Cut after the patch call, before the usage of the response that made it.
  const size_t cut = w.text.find('\n', w.text.find("\"custom_tool_call\"")) + 1;
  const std::string path = c.write(rel, w.text.substr(0, cut));
  auto first = c.scan();
  REQUIRE(first.exit_code == 0);
  CHECK(json_number(first.out, "records_new") == 1);
  append_file(path, w.text.substr(cut));
  auto second = c.scan();
  CHECK(json_number(second.out, "bytes_read") == static_cast<int64_t>(w.text.size() - cut));
  CHECK(json_number(second.out, "records_new") == 2);
  CHECK(json_number(second.out, "duplicates") == 0);
  CHECK(c.sql("SELECT count(*) FROM usage_records") == 3);
  CHECK(c.sql("SELECT input FROM usage_records WHERE request_id = 'resp_2'") == 400);
  CHECK(c.sql("SELECT count(*) FROM usage_records WHERE request_id = 'resp_2' AND tools LIKE "
              "'%\"name\":\"apply_patch\",\"path\":\"notes.md\",\"action\":2%\"added\":2%'") == 1);
  CHECK(c.sql("SELECT count(*) FROM usage_records WHERE request_id = 'resp_1' AND tools LIKE "
              "'%exec_command%'") == 1);
  CHECK(c.sql("SELECT sum(input + cache_create_5m + cache_read) FROM usage_records") == 4400);
  CHECK(c.sql("SELECT sum(output) FROM usage_records") == 165);
}

TEST_CASE("a rollout moved to archived_sessions is not read again, an archived copy is skipped",
          "[codex][scan]") {
  CodexHome c;
  const RolloutWriter a = session(uuid7(kT0, 2));
  const std::string a_path = c.write(bench::codex::rollout_path(kT0, a.thread()), a.text);
  REQUIRE(json_number(c.scan().out, "records_new") == 3);
  // Codex archives a thread by moving its file, flat, to archived_sessions/.
  make_dirs(c.home + "/archived_sessions");
  const std::string name = a_path.substr(a_path.rfind('/') + 1);
  REQUIRE(std::rename(a_path.c_str(), (c.home + "/archived_sessions/" + name).c_str()) == 0);
  auto moved = c.scan();
  CHECK(json_number(moved.out, "bytes_read") == 0);
  CHECK(json_number(moved.out, "records_new") == 0);
  CHECK(json_number(moved.out, "files_reset") == 0);
  // An archived copy of a rollout still in sessions/ is not read at all; a
  // rollout found only in archived_sessions/ is.
  const RolloutWriter b = session(uuid7(kT0 + 60'000, 3), kT0 + 60'000);
  const std::string b_rel = bench::codex::rollout_path(kT0 + 60'000, b.thread());
  c.write(b_rel, b.text);
  c.write("archived_sessions/" + b_rel.substr(b_rel.rfind('/') + 1), b.text);
  const RolloutWriter d = session(uuid7(kT0 + 90'000, 4), kT0 + 90'000);
  const std::string d_rel = bench::codex::rollout_path(kT0 + 90'000, d.thread());
  c.write("archived_sessions/" + d_rel.substr(d_rel.rfind('/') + 1), d.text);
  auto more = c.scan();
  CHECK(json_number(more.out, "records_new") == 6);
  CHECK(json_number(more.out, "bytes_read") == static_cast<int64_t>(b.text.size() + d.text.size()));
  CHECK(json_number(more.out, "duplicates") == 0);
  CHECK(c.sql("SELECT count(*) FROM usage_records") == 9);
}

TEST_CASE("bad Codex input is reported with its path, the valid lines around it kept",
          "[codex][scan]") {
  CodexHome c;
  const std::string thread = uuid7(kT0, 6);
  RolloutWriter w(thread, {false, false, "0.142.5"});  // token_count rows only
  w.session_meta(kT0, "/w", "main", "i");
  w.turn_start(kT0 + 10, "", "gpt-5.5", "/w", "p", "d");
  const Usage a{1000, 0, 0, 100, 0}, b{2000, 500, 0, 200, 0};
  w.usage(kT0 + 20, "", a);
  w.token_count(kT0 + 21);
  std::string text = w.text;
  text += "{\"timestamp\":\"2026-12-05T02:28:55.000Z\",\"type\":\"event_msg\",\"payl\n";  // broken
  text +=
      "{\"timestamp\":\"2026-12-05T02:28:55.000Z\",\"type\":\"response_item\",\"payload\":{"
      "\"type\":\"message\",\"content\":\"" +
      std::string(80'000, 'x') + "\"}}\n";  // over --max-line-bytes
  w.text.clear();
  w.usage(kT0 + 30, "", b);
  w.token_count(kT0 + 31);
  w.token_count_raw(kT0 + 32, a, a);  // totals going backwards: an older row written late
  text += w.text;
  // An invalid UTF-8 byte in a counted line's text: counted all the same.
  w.text.clear();
  w.usage(kT0 + 40, "", {3000, 2500, 0, 10, 0});
  w.token_count(kT0 + 41);
  const size_t limit = w.text.find("\"plan_type\":null");
  w.text.replace(limit, 16, "\"plan_type\":\"p\xff\"");
  text += w.text;
  // A last line still being written: left for the next scan.
  w.text.clear();
  w.usage(kT0 + 50, "", {4000, 3900, 0, 5, 0});
  w.token_count(kT0 + 51);
  const std::string last = w.text;
  text += last.substr(0, last.size() / 2);
  const std::string path = c.write(bench::codex::rollout_path(kT0, thread), text);
  // Another tool's log under a rollout's name: each line reported, nothing counted.
  const std::string claude =
      c.write("sessions/2026/12/05/rollout-2026-12-05T02-30-00-" + uuid7(kT0, 7) + ".jsonl",
              "{\"type\":\"assistant\",\"message\":{\"id\":\"m\",\"model\":\"claude-opus-4-6\","
              "\"usage\":{\"input_tokens\":5,\"output_tokens\":5}}}\n"
              "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}\n");
  auto scan = c.scan({"--max-line-bytes", "64KiB"});
  REQUIRE(scan.exit_code == 0);
  CHECK(json_number(scan.out, "malformed_lines") == 4);
  CHECK(json_number(scan.out, "records_new") == 3);
  CHECK(scan.err.find(path + ": byte ") != std::string::npos);
  CHECK(scan.err.find("malformed line") != std::string::npos);
  CHECK(scan.err.find("longer than 65536 bytes") != std::string::npos);
  CHECK(scan.err.find(claude + ": byte 0: invalid usage line: not a Codex rollout line") !=
        std::string::npos);
  CHECK(c.sql("SELECT sum(input + cache_read) FROM usage_records") == 6000);
  append_file(path, last.substr(last.size() / 2));
  auto rest = c.scan({"--max-line-bytes", "64KiB"});
  CHECK(json_number(rest.out, "records_new") == 1);
  CHECK(json_number(rest.out, "malformed_lines") == 0);
  CHECK(c.sql("SELECT sum(input + cache_read) FROM usage_records") == 10'000);
  CHECK(c.sql("SELECT count(*) FROM usage_records") == 4);
}
