// Claude Desktop agent mode ("Cowork") sessions: Claude Code transcripts in
// each session's own .claude/projects below the app's local-agent-mode-sessions
// folder. The app cannot run here, so the tree is built in the layout others
// read from real installs (<org>/<account>/local_<id>.json + local_<id>/ with
// .claude/projects/**, audit.jsonl, .audit-key, uploads/, outputs/; agent-type
// sessions under agent/). Then: per-assistant totals over a store holding
// Claude Code, Claude Desktop and Copilot CLI records.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "tests/support/copilot_otel_lines.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/report_rows.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

const std::string kCanary = "CANARY_DESKTOP_b27e";

AssistantSpec line(const std::string& id, long long input, long long output, long long c5m,
                   long long cr) {
  AssistantSpec s;
  s.message_id = id;
  s.request_id = "req_" + id;
  s.uuid = "uuid-" + id;
  s.model = "claude-opus-4-6";
  s.cwd = "/sessions/quiet-fox/outputs";
  s.input = input;
  s.output = output;
  s.cache_5m = c5m;
  s.cache_read = cr;
  s.text = kCanary + " answer";
  return s;
}

// One account tree with two sessions (one agent-type), the files the app
// keeps beside the transcripts, and app state: 4 requests counted.
void desktop_tree(const std::string& root) {
  const std::string account =
      root + "/3f9c1e2a-0b4d-4e6f-8a7b-9c0d1e2f3a4b/" + "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d";
  const std::string s1 = account + "/local_0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a";
  write_file(s1 + ".json", R"({"sessionId":"local_0d1e2f3a","processName":"quiet-fox",)"
                           R"("cwd":"/sessions/quiet-fox","systemPrompt":")" +
                               kCanary + R"( system","title":")" + kCanary + R"( title"})");
  const std::string proj = s1 + "/.claude/projects/-sessions-quiet-fox-outputs";
  AssistantSpec a1 = line("msg_d1", 10, 100, 1000, 5000);
  AssistantSpec a2 = line("msg_d2", 20, 200, 0, 6000);
  write_file(proj + "/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b.jsonl",
             user_prompt_line("p1", kCanary + " prompt", "9e8d7c6b", "/sessions/quiet-fox") + "\n" +
                 assistant_line(a1) + "\n" + assistant_line(a1) + "\n" + assistant_line(a2) + "\n");
  AssistantSpec sub = line("msg_d3", 1, 30, 0, 700);
  sub.sidechain = true;
  write_file(proj + "/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b/subagents/agent-a1.jsonl",
             assistant_line(sub) + "\n");
  // The Agent SDK stream: partial usage snapshots and a result total of the
  // same requests, HMAC-chained. Never read.
  write_file(s1 + "/audit.jsonl", assistant_line(line("msg_d1", 999, 999, 0, 0)) + "\n" +
                                      assistant_line(line("msg_audit", 7777, 7777, 0, 0)) + "\n");
  write_file(s1 + "/.audit-key", kCanary);
  write_file(s1 + "/uploads/notes.jsonl", assistant_line(line("msg_up", 5555, 5555, 0, 0)));
  write_file(s1 + "/outputs/result.jsonl", assistant_line(line("msg_out", 4444, 4444, 0, 0)));
  write_file(s1 + "/.claude/backups/.claude.json.backup", "{}");
  const std::string s2 = account + "/agent/local_ditto_5f4e3d2c";
  write_file(s2 + ".json", R"({"sessionId":"local_ditto_5f4e3d2c","cwd":"/sessions/ditto"})");
  write_file(s2 + "/.claude/projects/-sessions-ditto/1b2c3d4e.jsonl",
             assistant_line(line("msg_d4", 4, 40, 400, 4000)) + "\n");
  write_file(root + "/3f9c1e2a-0b4d-4e6f-8a7b-9c0d1e2f3a4b/cowork_settings.json", "{}");
  write_file(account + "/rpm/cache.jsonl", assistant_line(line("msg_rpm", 3333, 3333, 0, 0)));
}

// A Claude Code transcript in ~/.claude/projects: 1 request.
void claude_code_tree(const std::string& home) {
  AssistantSpec c = line("msg_c1", 7, 70, 700, 7000);
  c.cwd = "/home/dev/src/app";
  write_file(home + "/.claude/projects/-home-dev-src-app/a1b2c3d4.jsonl", assistant_line(c) + "\n");
}

// A Copilot CLI export in ~/.copilot/otel: 1 request.
void copilot_tree(const std::string& home) {
  CopilotChatSpan c;
  c.span = "c1";
  c.response_id = "msg_cp1";
  c.input = 1230;
  c.output = 40;
  c.cache_read = 200;
  c.cache_write = 30;
  write_file(home + "/.copilot/otel/copilot-otel.jsonl", copilot_chat_line(c, kCanary) + "\n");
}

}  // namespace

TEST_CASE("claude-desktop: agent-mode transcripts under XDG_CONFIG_HOME, never audit.jsonl",
          "[integration][desktop]") {
  TempDir dir;
  const std::string home = dir / "home";
  const std::string xdg = dir / "xdg";
  desktop_tree(xdg + "/Claude/local-agent-mode-sessions");
  claude_code_tree(home);
  const std::string state = dir / "state";
  auto scan = run({tracker_bin(), "scan", "--state", state, "--json"},
                  {"HOME=" + home, "XDG_CONFIG_HOME=" + xdg});
  REQUIRE(scan.exit_code == 0);
  CHECK(scan.err.find("audit") == std::string::npos);
  const auto rows = tracker_report_rows(state, "assistant,model");
  check_report_row(rows, "claude-desktop|claude-opus-4-6", 4, 35, 370, 1400, 15700);
  check_report_row(rows, "claude-code|claude-opus-4-6", 1, 7, 70, 700, 7000);
  CHECK(rows.size() == 2);
  const std::string all = folder_contents(state);
  CHECK(all.find("CANARY") == std::string::npos);
  CHECK(all.find("msg_audit") == std::string::npos);
  CHECK(all.find("msg_up") == std::string::npos);
  CHECK(all.find("msg_rpm") == std::string::npos);
}

TEST_CASE("claude-desktop: the macOS folder, and each tool's roots read only its own files",
          "[integration][desktop]") {
  TempDir dir;
  const std::string home = dir / "home";
  desktop_tree(home + "/Library/Application Support/Claude/local-agent-mode-sessions");
  claude_code_tree(home);
  // Only Claude Code: the Desktop sessions are not read as its transcripts.
  const std::string code_state = dir / "code";
  REQUIRE(run({tracker_bin(), "scan", "--state", code_state, "--assistant", "claude-code"},
              {"HOME=" + home})
              .exit_code == 0);
  auto rows = tracker_report_rows(code_state, "assistant,model");
  CHECK(rows.size() == 1);
  check_report_row(rows, "claude-code|claude-opus-4-6", 1, 7, 70, 700, 7000);
  // Only Claude Desktop: the Claude Code transcript is not read as the app's.
  const std::string desktop_state = dir / "desktop";
  REQUIRE(run({tracker_bin(), "scan", "--state", desktop_state, "--assistant", "claude-desktop"},
              {"HOME=" + home})
              .exit_code == 0);
  rows = tracker_report_rows(desktop_state, "assistant,model");
  CHECK(rows.size() == 1);
  check_report_row(rows, "claude-desktop|claude-opus-4-6", 4, 35, 370, 1400, 15700);
}

TEST_CASE("report --group-by assistant,model --format json: exact totals per assistant",
          "[integration][desktop][copilot][report]") {
  TempDir dir;
  const std::string home = dir / "home";
  const std::string xdg = dir / "xdg";
  desktop_tree(xdg + "/Claude/local-agent-mode-sessions");
  claude_code_tree(home);
  copilot_tree(home);
  const std::string state = dir / "state";
  REQUIRE(run({tracker_bin(), "scan", "--state", state}, {"HOME=" + home, "XDG_CONFIG_HOME=" + xdg})
              .exit_code == 0);
  auto r = run({tracker_bin(), "report", "--state", state, "--group-by", "assistant,model",
                "--format", "json"});
  REQUIRE(r.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::padded_string json(r.out);
  simdjson::dom::element root;
  REQUIRE_FALSE(parser.parse(json).get(root));
  struct Want {
    int64_t records, input, output, cache_create, cache_read;
  };
  const std::map<std::string, Want> want = {
      {"claude-code", {1, 7, 70, 700, 7000}},
      {"claude-desktop", {4, 35, 370, 1400, 15700}},
      {"copilot-cli", {1, 1000, 40, 30, 200}},
  };
  std::map<std::string, Want> got;
  simdjson::dom::array groups;
  REQUIRE_FALSE(root["rows"].get_array().get(groups));
  for (auto g : groups) {
    std::string_view key;
    REQUIRE_FALSE(g["key"].get_string().get(key));
    Want w{};
    REQUIRE_FALSE(g["records"].get_int64().get(w.records));
    REQUIRE_FALSE(g["input"].get_int64().get(w.input));
    REQUIRE_FALSE(g["output"].get_int64().get(w.output));
    REQUIRE_FALSE(g["cache_create"].get_int64().get(w.cache_create));
    REQUIRE_FALSE(g["cache_read"].get_int64().get(w.cache_read));
    got[std::string(key)] = w;
  }
  REQUIRE(got.size() == want.size());
  for (const auto& [assistant, w] : want) {
    INFO(assistant);
    REQUIRE(got.count(assistant) == 1);
    CHECK(got[assistant].records == w.records);
    CHECK(got[assistant].input == w.input);
    CHECK(got[assistant].output == w.output);
    CHECK(got[assistant].cache_create == w.cache_create);
    CHECK(got[assistant].cache_read == w.cache_read);
  }
}
