// The Codex rollout reader (tracker/parse/codex_rollout_reader.hpp) on the
// rollout Codex 0.169.0 wrote against a mock (tests/fixtures/codex) and on
// lines in the shapes of older and forked rollouts (tests/corpus/codex_lines).
#include "tracker/parse/codex_rollout_reader.hpp"

#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "tests/corpus/codex_lines.hpp"
#include "tests/support/codex_harness.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::bench::codex::RolloutStyle;
using codepulse::bench::codex::RolloutWriter;
using codepulse::bench::codex::Usage;
using codepulse::bench::codex::uuid7;
using codepulse::test::CodexHarness;
using codepulse::test::kCodexThread;

namespace {

const std::string kFixture =
    std::string(CODEPULSE_SOURCE_DIR) +
    "/tests/fixtures/codex/rollout-2026-12-05T02-28-54-01a24408-734c-7342-bc28-78a6a839e135.jsonl";

constexpr int64_t kT0 = 1796437734000;  // 2026-12-05T02:28:54Z

RolloutStyle legacy() {
  RolloutStyle s;
  s.records = s.paginated = false;
  s.cli_version = "0.142.5";
  return s;
}

void check_tokens(const RequestLine& r, int64_t input, int64_t cache_read, int64_t cache_write,
                  int64_t output, int64_t reasoning) {
  CHECK(r.tokens.input == input);
  CHECK(r.tokens.cache_read == cache_read);
  CHECK(r.tokens.cache_write_5m == cache_write);
  CHECK(r.tokens.cache_write_1h == 0);
  CHECK(r.tokens.output == output);
  CHECK(r.tokens.reasoning == reasoning);
}

// A one-turn session with one response per usage, an exec call in each.
std::string session(RolloutWriter& w, const std::vector<Usage>& usages, int64_t t0 = kT0,
                    const std::string& model = "gpt-5.5") {
  w.session_meta(t0, "/home/dev/src/app", "main", "instructions");
  w.turn_start(t0 + 10, uuid7(t0 + 10, 1), model, "/home/dev/src/app", "prompt", "dev");
  int n = 0;
  for (const Usage& u : usages) {
    const int64_t at = t0 + 100 * ++n;
    w.exec_call(at, "call_" + std::to_string(n), "ls");
    w.usage(at + 1, "resp_" + std::to_string(n), u);
    w.exec_output(at + 2, "call_" + std::to_string(n), "ls", "out");
    w.token_count(at + 3);
  }
  return w.text;
}

}  // namespace

TEST_CASE("the rollout Codex 0.169.0 wrote gives one request per response", "[parse][codex]") {
  CodexHarness h;
  h.feed(codepulse::test::read_file(kFixture));
  CHECK(h.errors.empty());
  REQUIRE(h.requests.size() == 3);
  const RequestLine& r1 = h.requests[0];
  CHECK(r1.assistant == "codex");
  CHECK(r1.message_id == kCodexThread + ":resp_1");
  CHECK(r1.request_id == "resp_1");
  CHECK(r1.session_id == kCodexThread);
  CHECK(r1.turn_id == "01a24408-7382-7111-8c85-7bb4aa874ff2");
  CHECK(r1.model == "gpt-5.5");
  CHECK(r1.cwd == "/tmp/explore/cx2/work");
  CHECK(r1.cc_version == "0.169.0");
  CHECK_FALSE(r1.sidechain);
  CHECK(r1.timestamp_ms == *parse_iso8601_utc_ms("2026-12-05T02:28:54.498Z"));
  // Served: input 1200 (cached 300, cache writes 700), output 80 (reasoning 30).
  check_tokens(r1, 200, 300, 700, 80, 30);
  REQUIRE(r1.tools.size() == 1);
  CHECK(r1.tools[0].id == "call_exec_1");
  CHECK(r1.tools[0].name == "exec_command");
  CHECK(r1.tools[0].kind == ToolKind::kOther);
  CHECK(r1.tools[0].file_path.empty());

  const RequestLine& r2 = h.requests[1];
  CHECK(r2.message_id == kCodexThread + ":resp_3");
  check_tokens(r2, 400, 1100, 0, 60, 0);
  REQUIRE(r2.tools.size() == 1);
  CHECK(r2.tools[0].name == "apply_patch");
  CHECK(r2.tools[0].kind == ToolKind::kChange);
  CHECK(r2.tools[0].file_path == "notes.md");
  CHECK(r2.tools[0].counted);
  CHECK(r2.tools[0].lines_added == 1);
  CHECK(r2.tools[0].lines_removed == 0);

  const RequestLine& r3 = h.requests[2];
  CHECK(r3.message_id == kCodexThread + ":resp_5");
  check_tokens(r3, 300, 1400, 0, 25, 5);
  CHECK(r3.tools.empty());
  // The three token_count rows, the prompt, the answer and the outputs: skipped
  // unparsed or read and not counted.
  CHECK(h.skipped >= 8);
}

TEST_CASE("older rollouts count the growth of their token_count totals", "[parse][codex]") {
  RolloutWriter w(kCodexThread, legacy());
  session(w, {{1000, 600, 0, 50, 10}, {1500, 1200, 0, 80, 0}});
  w.token_count(kT0 + 900);  // written again unchanged
  w.token_count(kT0 + 950);
  CodexHarness h;
  h.feed(w.text);
  CHECK(h.errors.empty());
  REQUIRE(h.requests.size() == 2);
  check_tokens(h.requests[0], 400, 600, 0, 50, 10);
  check_tokens(h.requests[1], 300, 1200, 0, 80, 0);
  // Keyed by the thread and the running totals: stable across reads.
  CHECK(h.requests[0].message_id == kCodexThread + ":tc:1000/600/0/50/10");
  CHECK(h.requests[1].message_id == kCodexThread + ":tc:2500/1800/0/130/10");
  CHECK(h.requests[0].request_id.empty());
  CHECK(h.requests[0].cc_version == "0.142.5");
  CHECK(h.requests[0].turn_id.empty());  // the older shape has no turn ids
  REQUIRE(h.requests[1].tools.size() == 1);
  CHECK(h.requests[1].tools[0].name == "shell");
  CHECK(h.requests[1].tools[0].id == "call_2");
}

TEST_CASE("a token_count row written late is skipped, a reset counts its last usage",
          "[parse][codex]") {
  RolloutWriter w(kCodexThread, legacy());
  const Usage a{1000, 0, 0, 100, 0}, b{2000, 500, 0, 200, 0}, c{1500, 700, 0, 50, 0};
  session(w, {a, b});
  Usage ab = a;
  ab += b;
  w.token_count_raw(kT0 + 400, a, a);  // an older snapshot, written after a newer one
  w.usage(kT0 + 500, "r", c);
  w.token_count(kT0 + 501);
  const Usage reset{300, 0, 0, 20, 0};
  w.token_count_raw(kT0 + 600, reset, reset);  // the totals start again
  Usage after = reset;
  after += c;
  w.token_count_raw(kT0 + 700, after, c);
  CodexHarness h;
  h.feed(w.text);
  CHECK(h.errors.empty());
  REQUIRE(h.requests.size() == 5);
  check_tokens(h.requests[2], 800, 700, 0, 50, 0);  // c: after the stale row, the growth
  check_tokens(h.requests[3], 300, 0, 0, 20, 0);    // the reset row's last usage
  check_tokens(h.requests[4], 800, 700, 0, 50, 0);  // growth from the reset totals
  int64_t input = 0;
  for (const RequestLine& r : h.requests)
    input += r.tokens.input + r.tokens.cache_read;
  CHECK(input == a.input + b.input + c.input + reset.input + c.input);
}

TEST_CASE("token_usage_record lines count, token_count rows then only move the totals",
          "[parse][codex]") {
  // A rollout an older Codex began (token_count rows only) and 0.169 went on with.
  RolloutWriter old(kCodexThread, legacy());
  session(old, {{1000, 0, 0, 10, 0}});
  RolloutWriter now(kCodexThread);
  now.set_totals(old.totals());
  now.turn_start(kT0 + 5000, uuid7(kT0 + 5000, 2), "gpt-5.5", "/home/dev/src/app", "more", "d");
  now.usage(kT0 + 5100, "resp_a", {2000, 1000, 100, 20, 5});
  now.token_count(kT0 + 5101);
  // A row that grows without a record of its own: not counted either.
  Usage more = now.totals();
  more.input += 999;
  now.token_count_raw(kT0 + 5200, more, {999, 0, 0, 0, 0});
  CodexHarness h;
  h.feed(old.text + now.text);
  CHECK(h.errors.empty());
  REQUIRE(h.requests.size() == 2);
  CHECK(h.requests[0].message_id == kCodexThread + ":tc:1000/0/0/10/0");
  CHECK(h.requests[1].message_id == kCodexThread + ":resp_a");
  check_tokens(h.requests[1], 900, 1000, 100, 20, 5);
}

TEST_CASE("a fork's copy of its parent's history counts nothing until its own turn",
          "[parse][codex]") {
  const std::string parent_id = uuid7(kT0, 11);
  for (const bool records : {true, false}) {
    for (const bool restamped : {false, true}) {
      // Without turn ids (the older shape) only the lines' times tell the
      // copy from the child's own turns: a re-stamped copy is not told apart.
      if (restamped && !records) continue;
      INFO("records " << records << ", copy re-stamped " << restamped);
      RolloutStyle style = records ? RolloutStyle{} : legacy();
      RolloutWriter parent(parent_id, style);
      session(parent, {{1000, 0, 0, 10, 0}, {2000, 900, 0, 20, 0}});
      const int64_t forked = kT0 + 60'000;
      const std::string child_id = uuid7(forked, 12);
      RolloutWriter child(child_id, style);
      child.set_totals(parent.totals());
      child.session_meta(forked, "/home/dev/src/app", "main", "instructions", "\"exec\"", "user",
                         "\"forked_from_id\":\"" + parent_id + "\"");
      std::string copy = parent.text;
      if (restamped) {
        // Codex Desktop stamps the copied lines with the fork's time.
        for (size_t at = copy.find("\"timestamp\":\""); at != std::string::npos;
             at = copy.find("\"timestamp\":\"", at + 1))
          copy.replace(at + 13, 24, "2026-12-05T02:29:54.000Z");
      }
      child.text += copy;
      child.turn_start(forked + 10, uuid7(forked + 10, 13), "gpt-5.5", "/home/dev/src/app", "p",
                       "d");
      child.usage(forked + 20, "resp_child", {3000, 2000, 0, 30, 3});
      child.token_count(forked + 21);
      CodexHarness h;
      h.path = "/x/rollout-2026-12-05T02-29-54-" + child_id + ".jsonl";
      REQUIRE(h.reader.begin_file(h.path, ""));
      h.feed(child.text);
      CHECK(h.errors.empty());
      REQUIRE(h.requests.size() == 1);
      check_tokens(h.requests[0], 1000, 2000, 0, 30, 3);
      CHECK(h.requests[0].session_id == child_id);
      CHECK(h.requests[0].message_id.rfind(child_id, 0) == 0);
    }
  }
}

TEST_CASE("a fork whose own totals start again is counted from its own rows", "[parse][codex]") {
  const std::string parent_id = uuid7(kT0, 21);
  RolloutWriter parent(parent_id, legacy());
  session(parent, {{90'000, 0, 0, 10, 0}});
  const std::string child_id = uuid7(kT0 + 1000, 22);
  RolloutWriter child(child_id, legacy());
  child.session_meta(kT0 + 1000, "/w", "", "i");
  child.text += parent.text;
  child.turn_start(kT0 + 1010, uuid7(kT0 + 1010, 23), "gpt-5.5", "/w", "p", "d");
  child.usage(kT0 + 1020, "r", {500, 100, 0, 7, 0});  // its totals restart from zero
  child.token_count(kT0 + 1021);
  CodexHarness h;
  h.feed(child.text);
  REQUIRE(h.requests.size() == 1);
  check_tokens(h.requests[0], 400, 100, 0, 7, 0);
}

TEST_CASE("a spawned subagent's requests are a sidechain of its parent's session",
          "[parse][codex]") {
  const std::string parent = uuid7(kT0 - 5000, 31), child = uuid7(kT0, 32);
  RolloutWriter w(child);
  w.session_meta(
      kT0, "/w", "feat/x", "i",
      "{\"subagent\":{\"thread_spawn\":{\"parent_thread_id\":\"" + parent + "\",\"depth\":1}}}",
      "subagent");
  w.turn_start(kT0 + 10, uuid7(kT0 + 10, 33), "gpt-5.5", "/w", "p", "d");
  w.usage(kT0 + 20, "resp_s", {100, 0, 0, 5, 0});
  CodexHarness h;
  h.feed(w.text);
  REQUIRE(h.requests.size() == 1);
  CHECK(h.requests[0].sidechain);
  CHECK(h.requests[0].agent_id == child);
  CHECK(h.requests[0].session_id == parent);
  CHECK(h.requests[0].message_id == child + ":resp_s");
  CHECK(h.requests[0].git_branch == "feat/x");
}

TEST_CASE("the model is turn_context's, else thread_settings_applied's, aliases by day",
          "[parse][codex]") {
  const std::string meta =
      R"({"timestamp":"2026-12-05T02:28:54.288Z","type":"session_meta","payload":{"id":")" +
      kCodexThread + R"(","cwd":"/w","cli_version":"0.169.0"}})";
  auto record = [](const std::string& ts, const std::string& id) {
    return R"({"timestamp":")" + ts + R"(","type":"token_usage_record","payload":{"thread_id":")" +
           kCodexThread + R"(","response_id":")" + id +
           R"(","usage":{"input_tokens":10,"output_tokens":1}}})";
  };
  auto settings = [](const std::string& model) {
    return R"({"timestamp":"2026-12-05T02:28:55.000Z","type":"event_msg","payload":{"type":"thread_settings_applied","thread_settings":{"model":")" +
           model + R"("}}})";
  };
  auto context = [](const std::string& model) {
    return R"({"timestamp":"2026-12-05T02:28:56.000Z","type":"turn_context","payload":{"turn_id":"t","model":")" +
           model + R"("}})";
  };
  CodexHarness h;
  h.line(meta);
  h.line(record("2026-12-05T02:28:54.500Z", "r0"));
  h.line(settings("gpt-6-sol"));
  h.line(record("2026-12-05T02:28:55.500Z", "r1"));
  h.line(context("codex-auto-review"));
  h.line(settings("gpt-5.5"));  // turn_context's model stays
  h.line(record("2026-12-05T02:28:57.000Z", "r2"));
  h.line(record("2026-07-29T23:59:59.999Z", "r3"));
  h.line(record("2026-03-05T00:00:00.000Z", "r4"));
  h.line(record("2025-08-01T00:00:00.000Z", "r5"));
  CHECK(h.errors.empty());
  REQUIRE(h.requests.size() == 6);
  CHECK(h.requests[0].model == "unknown");  // no model named yet: unpriced
  CHECK(h.requests[1].model == "gpt-6-sol");
  CHECK(h.requests[2].model == "gpt-5.6-luna");
  CHECK(h.requests[3].model == "gpt-5.4");
  CHECK(h.requests[4].model == "gpt-5.4");
  CHECK(h.requests[5].model == "gpt-5");
}

TEST_CASE("a rollout read in two parts gives what one read gives", "[parse][codex]") {
  RolloutWriter old(kCodexThread, legacy());
  session(old, {{1000, 0, 0, 10, 0}, {3000, 2000, 0, 10, 0}, {4000, 3500, 0, 99, 9}});
  const std::string fixture = codepulse::test::read_file(kFixture);
  for (const std::string& text : {fixture, old.text}) {
    CodexHarness whole;
    whole.feed(text);
    size_t cut = 0;
    while ((cut = text.find('\n', cut)) != std::string::npos) {
      ++cut;
      CodexHarness first;
      first.feed(text.substr(0, cut));
      CodexHarness second(first.reader.carried());
      second.feed(text.substr(cut));
      std::vector<RequestLine> both = first.requests;
      both.insert(both.end(), second.requests.begin(), second.requests.end());
      INFO("cut at byte " << cut);
      REQUIRE(both.size() == whole.requests.size());
      for (size_t i = 0; i < both.size(); ++i) {
        CHECK(both[i].message_id == whole.requests[i].message_id);
        CHECK(both[i].model == whole.requests[i].model);
        CHECK(both[i].cwd == whole.requests[i].cwd);
        CHECK(both[i].turn_id == whole.requests[i].turn_id);
        CHECK(both[i].tokens.input == whole.requests[i].tokens.input);
        CHECK(both[i].tokens.output == whole.requests[i].tokens.output);
        REQUIRE(both[i].tools.size() == whole.requests[i].tools.size());
        for (size_t t = 0; t < both[i].tools.size(); ++t) {
          CHECK(both[i].tools[t].id == whole.requests[i].tools[t].id);
          CHECK(both[i].tools[t].file_path == whole.requests[i].tools[t].file_path);
          CHECK(both[i].tools[t].lines_added == whole.requests[i].tools[t].lines_added);
        }
      }
    }
  }
}
