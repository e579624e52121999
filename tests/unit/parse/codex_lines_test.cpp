// Which Codex rollout lines the reader parses (its prefilter), and broken
// ones: reported, the lines around them kept.
#include "tests/corpus/codex_lines.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "tests/support/codex_harness.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::bench::codex::RolloutWriter;
using codepulse::test::CodexHarness;
using codepulse::test::kCodexThread;

namespace {

// The lines of a whole 0.169 session, by their kind.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (size_t eol; (eol = text.find('\n', pos)) != std::string::npos; pos = eol + 1)
    out.push_back(text.substr(pos, eol - pos));
  return out;
}

std::string usage_record(const std::string& id, const std::string& usage_json) {
  return R"({"timestamp":"2026-12-05T02:28:54.498Z","type":"token_usage_record","payload":{"thread_id":")" +
         kCodexThread + R"(","response_id":")" + id + R"(","usage":)" + usage_json + "}}";
}

}  // namespace

TEST_CASE("the prefilter skips text lines and keeps every line that counts", "[parse][codex]") {
  RolloutWriter w(kCodexThread);
  w.session_meta(1796437734000, "/w", "main", "CANARY instructions");
  w.turn_start(1796437734010, "t", "gpt-5.5", "/w", "prompt", "dev");
  w.reasoning(1796437734020, "summary", "enc");
  w.exec_call(1796437734030, "c1", "ls");
  w.usage(1796437734040, "resp_1", {100, 0, 0, 5, 0});
  w.exec_output(1796437734050, "c1", "ls", "out");
  w.token_count(1796437734060);
  w.patch_call(1796437734070, "c2", "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\n");
  w.patch_output(1796437734080, "c2", "a", "x");
  w.answer(1796437734090, "done");
  w.task_complete(1796437734100, "done");
  CodexHarness h;
  std::vector<std::string> wanted;
  for (const std::string& line : lines_of(w.text)) {
    if (!h.reader.wants(line)) continue;
    const size_t at = line.find("\"payload\":{\"type\":\"");
    const size_t top = line.find("\"type\":\"");
    wanted.push_back(line.substr(top + 8, line.find('"', top + 8) - top - 8) +
                     (at == std::string::npos
                          ? ""
                          : "/" + line.substr(at + 19, line.find('"', at + 19) - at - 19)));
  }
  CHECK(wanted == std::vector<std::string>{"session_meta", "event_msg/task_started", "turn_context",
                                           "event_msg/thread_settings_applied",
                                           "response_item/function_call", "token_usage_record",
                                           "event_msg/token_count",
                                           "response_item/custom_tool_call"});
  // Torn, unusual or unknown lines are parsed (and judged) too.
  CHECK(h.reader.wants(R"({"timestamp":"x","type":"response_item","payload":{"type":"message")"));
  CHECK(h.reader.wants(R"({"type": "event_msg", "payload": {"type": "token_count"}})"));
  CHECK(h.reader.wants(R"({"type":"something_new","payload":{}})"));
  CHECK(h.reader.wants("garbage}"));
  CHECK_FALSE(h.reader.wants(R"({"timestamp":"x","type":"world_state","payload":{}})"));
  CHECK_FALSE(h.reader.wants("   "));
}

TEST_CASE("broken Codex lines are reported and the lines around them kept", "[parse][codex]") {
  CodexHarness h;
  h.line(usage_record("r1", R"({"input_tokens":100,"output_tokens":10})"));
  CHECK(h.line(R"({"timestamp":"2026-12-05T02:28:54.498Z","type":"token_usage_rec)") ==
        LogLineKind::kMalformed);
  CHECK(h.line(usage_record("r2", R"({"input_tokens":-5,"output_tokens":10})")) ==
        LogLineKind::kInvalid);
  CHECK(h.line(usage_record("r3", R"({"input_tokens":1.5,"output_tokens":10})")) ==
        LogLineKind::kInvalid);
  CHECK(h.line(usage_record("r4", R"({"input_tokens":10000000000,"output_tokens":1})")) ==
        LogLineKind::kInvalid);
  CHECK(h.line(usage_record("r5", R"({"cached_input_tokens":5})")) == LogLineKind::kInvalid);
  CHECK(
      h.line(
          R"({"type":"token_usage_record","payload":{"response_id":"r6","usage":{"input_tokens":1,"output_tokens":1}}})") ==
      LogLineKind::kInvalid);  // no timestamp
  CHECK(h.line(usage_record("r7", R"({"input_tokens":100,"output_tokens":10}) trailing)")) ==
        LogLineKind::kMalformed);
  // Another tool's line (a Claude Code transcript's) under a rollout's name.
  CHECK(h.line(R"({"type":"assistant","message":{"id":"m","usage":{"input_tokens":1}}})") ==
        LogLineKind::kInvalid);
  // An invalid UTF-8 byte inside a text field: the line still counts.
  std::string bad_byte = usage_record("r8", R"({"input_tokens":7,"output_tokens":1})");
  bad_byte.insert(bad_byte.size() - 2, ",\"note\":\"a\xff\xfe b\"");
  CHECK(h.line(bad_byte) == LogLineKind::kRequests);
  h.line(usage_record("r9", R"({"input_tokens":100,"output_tokens":10})"));
  REQUIRE(h.requests.size() == 3);
  CHECK(h.requests[0].message_id == kCodexThread + ":r1");
  CHECK(h.requests[1].message_id == kCodexThread + ":r8");
  CHECK(h.requests[2].message_id == kCodexThread + ":r9");
  CHECK(h.errors.size() == 8);
  for (const std::string& e : h.errors)
    CHECK(e.find("CANARY") == std::string::npos);
  // A token_count with a broken count is reported, and moves nothing.
  CodexHarness t;
  CHECK(
      t.line(
          R"({"timestamp":"2026-12-05T02:28:54.498Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":"many","output_tokens":1}}}})") ==
      LogLineKind::kInvalid);
  CHECK(
      t.line(
          R"({"timestamp":"2026-12-05T02:28:54.498Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{}}})") ==
      LogLineKind::kIgnored);
  CHECK(
      t.line(
          R"({"timestamp":"2026-12-05T02:28:54.498Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":50,"output_tokens":2},"last_token_usage":{"input_tokens":50,"output_tokens":2}}}})") ==
      LogLineKind::kRequests);
  REQUIRE(t.requests.size() == 1);
  CHECK(t.requests[0].tokens.input == 50);
}

TEST_CASE("mutated rollout lines never crash the reader nor make absurd counts",
          "[parse][codex][property]") {
  const std::string text = codepulse::test::read_file(
      std::string(CODEPULSE_SOURCE_DIR) +
      "/tests/fixtures/codex/"
      "rollout-2026-12-05T02-28-54-01a24408-734c-7342-bc28-78a6a839e135.jsonl");
  const std::vector<std::string> lines = lines_of(text);
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    CodexHarness h;
    for (std::string line : lines) {
      for (int e = static_cast<int>(rng() % 4); e > 0; --e) {
        const size_t at = rng() % line.size();
        switch (rng() % 3) {
          case 0:
            line[at] = static_cast<char>(rng() % 256);
            break;
          case 1:
            line.erase(at, 1 + rng() % 8);
            break;
          default:
            line.insert(at, 1, "{}[]\",:0-9e\\"[rng() % 13]);
        }
        if (line.empty()) line = "x";
      }
      h.line(line);
    }
    for (const RequestLine& r : h.requests) {
      CHECK(r.tokens.input >= 0);
      CHECK(r.tokens.cache_read >= 0);
      CHECK(r.tokens.cache_write_5m >= 0);
      CHECK(r.tokens.output >= r.tokens.reasoning);
      CHECK(r.tokens.reasoning >= 0);
      // The parts of one input_tokens count (at most 10^9).
      CHECK(r.tokens.input + r.tokens.cache_read + r.tokens.cache_write_5m <= 1'000'000'000);
    }
    // What it carries reads back.
    CodexHarness next(h.reader.carried());
  }
}
