// The Copilot CLI OpenTelemetry reader on export lines in the shape Copilot
// CLI 1.0.102 writes (tests/support/copilot_otel_lines.hpp; observed from the
// real CLI run offline against a local Anthropic-style mock) and in the OTLP
// JSON shape of the OpenTelemetry file-exporter spec.
#include "tracker/parse/copilot_otel_reader.hpp"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/record/assistant.hpp"
#include "tests/support/copilot_otel_lines.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::CopilotAgentSpan;
using codepulse::test::CopilotChatSpan;
using codepulse::test::CopilotToolSpan;

namespace {

const std::string kCanary = "CANARY_COPILOT_7f3a";

struct Feed {
  CopilotOtelReader reader;
  std::vector<RequestLine> out;
  std::string buf;

  LogLineResult line(const std::string& l) {
    if (!reader.wants(l)) return {};
    buf = l;
    buf.append(simdjson::SIMDJSON_PADDING, '\0');
    return reader.parse(std::string_view(buf.data(), l.size()), buf.size(), out);
  }
};

CopilotChatSpan chat(const std::string& span, const std::string& response, int64_t input,
                     int64_t output, int64_t cache_read, int64_t cache_write) {
  return test::copilot_chat(span, response, input, output, cache_read, cache_write);
}

CopilotToolSpan tool(const std::string& span, const std::string& name, const std::string& id) {
  CopilotToolSpan t;
  t.span = span;
  t.name = name;
  t.call_id = id;
  return t;
}

}  // namespace

TEST_CASE("copilot reader: a chat span is one request, cache parts taken out of input",
          "[parse][copilot]") {
  Feed f;
  REQUIRE(f.reader.begin_file("/x/otel.jsonl", ""));
  // The real CLI served (uncached 1200, cache read 300, cache write 50)
  // writes input_tokens 1550.
  const auto r = f.line(test::copilot_chat_line(chat("c1", "msg_01", 1550, 40, 300, 50), kCanary));
  REQUIRE(r.kind == LogLineKind::kRequests);
  REQUIRE(f.out.size() == 1);
  const RequestLine& q = f.out[0];
  CHECK(q.assistant == kCopilotCli);
  CHECK(q.message_id == "msg_01");
  CHECK(q.tokens.input == 1200);
  CHECK(q.tokens.cache_read == 300);
  CHECK(q.tokens.cache_write_5m == 50);
  CHECK(q.tokens.output == 40);
  CHECK(q.model == "claude-sonnet-4.5");
  CHECK(q.session_id == "6f1b6a4e-0d5c-4b7e-9c61-2a8f0e3d9b10");
  CHECK(q.turn_id == "4f1c0a0e5b6d7c8e9f00112233445566");
  CHECK(q.timestamp_ms == 1796439394481);
  CHECK(q.cc_version == "1.0.102");
  CHECK(q.cwd.empty());  // spans carry no folder, and /x has no session-state
}

TEST_CASE("copilot reader: reasoning is part of output, ids fall back to trace:span",
          "[parse][copilot]") {
  Feed f;
  REQUIRE(f.reader.begin_file("/x/otel.jsonl", ""));
  CopilotChatSpan c = chat("c9", "", 100, 50, 0, 0);
  c.reasoning = 20;
  c.model = "gpt-5.4";
  f.line(test::copilot_chat_line(c, kCanary));
  REQUIRE(f.out.size() == 1);
  CHECK(f.out[0].message_id == "4f1c0a0e5b6d7c8e9f00112233445566:c9");
  CHECK(f.out[0].tokens.output == 50);
  CHECK(f.out[0].tokens.reasoning == 20);
  // A reasoning count above output cannot be inside it.
  c.span = "c10";
  c.reasoning = 80;
  f.line(test::copilot_chat_line(c, kCanary));
  REQUIRE(f.out.size() == 2);
  CHECK(f.out[1].tokens.output == 130);
  // Cache parts larger than input: input did not include them.
  f.line(test::copilot_chat_line(chat("c11", "", 10, 1, 300, 0), kCanary));
  REQUIRE(f.out.size() == 3);
  CHECK(f.out[2].tokens.input == 10);
  CHECK(f.out[2].tokens.cache_read == 300);
}

TEST_CASE("copilot reader: tool spans join the chat span they precede under the same parent",
          "[parse][copilot]") {
  Feed f;
  REQUIRE(f.reader.begin_file("/x/otel.jsonl", ""));
  // As Copilot CLI writes them: a chat's tool spans come before the chat's own line.
  CopilotToolSpan create = tool("t1", "create", "toolu_0_1");
  create.file_path = "/work/repo/src/new.txt";
  CopilotToolSpan bash = tool("t2", "bash", "toolu_0_2");
  bash.command = "git add -A && git commit -m 'x'";
  CopilotToolSpan other = tool("t3", "view", "toolu_9_9");
  other.parent = "bb00000000000002";  // a subagent's: waits for its own chat
  CHECK(f.line(test::copilot_tool_line(create, kCanary)).kind == LogLineKind::kIgnored);
  f.line(test::copilot_tool_line(bash, kCanary));
  f.line(test::copilot_tool_line(other, kCanary));
  REQUIRE(!f.reader.carried().empty());
  f.line(test::copilot_chat_line(chat("c1", "msg_01", 100, 10, 0, 0), kCanary));
  REQUIRE(f.out.size() == 1);
  REQUIRE(f.out[0].tools.size() == 2);
  CHECK(f.out[0].tools[0].id == "toolu_0_1");
  CHECK(f.out[0].tools[0].name == "create");
  CHECK(f.out[0].tools[0].kind == ToolKind::kChange);
  CHECK(f.out[0].tools[0].file_path == "/work/repo/src/new.txt");
  CHECK(f.out[0].tools[1].name == "bash");
  CHECK(f.out[0].tools[1].kind == ToolKind::kGitCommit);
  CHECK(f.out[0].tools[1].file_path.empty());
  // The next chat of the same parent gets nothing more.
  f.line(test::copilot_chat_line(chat("c2", "msg_02", 100, 10, 0, 0), kCanary));
  REQUIRE(f.out.size() == 2);
  CHECK(f.out[1].tools.empty());
  // The subagent's chat gets its own.
  CopilotChatSpan sub = chat("c3", "msg_03", 10, 1, 0, 0);
  sub.parent = "bb00000000000002";
  f.line(test::copilot_chat_line(sub, kCanary));
  REQUIRE(f.out.size() == 3);
  REQUIRE(f.out[2].tools.size() == 1);
  CHECK(f.out[2].tools[0].kind == ToolKind::kRead);
}

TEST_CASE("copilot reader: pending tools and counted traces carry over a restart",
          "[parse][copilot]") {
  std::string carried;
  {
    Feed f;
    REQUIRE(f.reader.begin_file("/x/otel.jsonl", ""));
    f.line(test::copilot_chat_line(chat("c1", "msg_01", 100, 10, 0, 0), kCanary));
    CopilotToolSpan e = tool("t1", "edit", "toolu_1");
    e.file_path = "/w/a \"b\".txt";
    f.line(test::copilot_tool_line(e, kCanary));
    carried = f.reader.carried();
  }
  CHECK(carried.find(kCanary) == std::string::npos);
  Feed g;
  REQUIRE(g.reader.begin_file("/x/otel.jsonl", carried));
  g.line(test::copilot_chat_line(chat("c2", "msg_02", 100, 10, 0, 0), kCanary));
  REQUIRE(g.out.size() == 1);
  REQUIRE(g.out[0].tools.size() == 1);
  CHECK(g.out[0].tools[0].file_path == "/w/a \"b\".txt");
  // The trace had a chat span: its invoke_agent total is not counted again,
  // and the turn's end clears what was carried for it.
  CopilotAgentSpan a;
  a.input = 200;
  a.output = 20;
  CHECK(g.line(test::copilot_agent_line(a, kCanary)).kind == LogLineKind::kIgnored);
  CHECK(g.out.size() == 1);
  CHECK(g.reader.carried().empty());
  CHECK_FALSE(g.reader.begin_file("/x/otel.jsonl", "{broken"));
}

TEST_CASE("copilot reader: invoke_agent totals only for a trace without chat usage",
          "[parse][copilot]") {
  Feed f;
  REQUIRE(f.reader.begin_file("/x/otel.jsonl", ""));
  // A chat span without usage (github/copilot-cli#4860) names the model and
  // is reported; the turn's invoke_agent total is then counted.
  CopilotChatSpan bare = chat("c1", "", 0, 0, 0, 0);
  bare.usage = false;
  bare.model = "gpt-5.4";
  const auto r = f.line(test::copilot_chat_line(bare, kCanary));
  CHECK(r.kind == LogLineKind::kInvalid);
  CHECK(r.error.find("without gen_ai.usage") != std::string::npos);
  CopilotAgentSpan a;
  a.input = 4050;
  a.output = 65;
  CHECK(f.line(test::copilot_agent_line(a, kCanary)).kind == LogLineKind::kRequests);
  REQUIRE(f.out.size() == 1);
  CHECK(f.out[0].message_id == "4f1c0a0e5b6d7c8e9f00112233445566:aa00000000000001");
  CHECK(f.out[0].tokens.input == 4050);
  CHECK(f.out[0].tokens.output == 65);
  CHECK(f.out[0].model == "gpt-5.4");
}

TEST_CASE("copilot reader: metrics, other records and bad lines", "[parse][copilot]") {
  Feed f;
  REQUIRE(f.reader.begin_file("/x/otel.jsonl", ""));
  CHECK_FALSE(f.reader.wants(test::copilot_metric_line()));
  CHECK(f.line(R"({"type":"log","attributes":{"gen_ai.usage.input_tokens":5}})").kind ==
        LogLineKind::kIgnored);
  // Another tool's lines: reported.
  CHECK(f.line(R"({"gen_ai.x":1})").kind == LogLineKind::kInvalid);
  CHECK(f.line(R"({"type":"assistant","message":{}})").kind == LogLineKind::kInvalid);
  const std::string good = test::copilot_chat_line(chat("c1", "msg_01", 100, 10, 0, 0), kCanary);
  CHECK(f.line(good.substr(0, good.size() / 2)).kind == LogLineKind::kMalformed);
  CHECK(f.line(good + " x").kind == LogLineKind::kMalformed);
  std::string negative = good;
  negative.replace(negative.find("\"gen_ai.usage.input_tokens\":100"), 31,
                   "\"gen_ai.usage.input_tokens\":-5");
  CHECK(f.line(negative).kind == LogLineKind::kInvalid);
  std::string no_time = good;
  no_time.replace(no_time.find("\"endTime\""), 9, "\"endTimeX\"");
  no_time.replace(no_time.find("\"startTime\""), 11, "\"startTimeX\"");
  CHECK(f.line(no_time).kind == LogLineKind::kInvalid);
  // Invalid UTF-8 inside content text: the usage around it is kept.
  std::string bad_utf8 = good;
  bad_utf8.replace(bad_utf8.find(kCanary), kCanary.size(), std::string("\xff\xfe", 2));
  CHECK(f.line(bad_utf8).kind == LogLineKind::kRequests);
  CHECK(f.out.size() == 1);
}

TEST_CASE("copilot reader: OTLP JSON TracesData lines", "[parse][copilot]") {
  Feed f;
  REQUIRE(f.reader.begin_file("/x/otel.jsonl", ""));
  CopilotChatSpan a = chat("c1", "chatcmpl-1", 1000, 10, 400, 0);
  CopilotChatSpan b = chat("c2", "", 500, 5, 0, 100);
  b.model = "gpt-5.4";
  const auto r = f.line(test::copilot_otlp_line({a, b}, kCanary));
  INFO(r.error);
  REQUIRE(r.kind == LogLineKind::kRequests);
  REQUIRE(f.out.size() == 2);
  CHECK(f.out[0].message_id == "chatcmpl-1");
  CHECK(f.out[0].tokens.input == 600);
  CHECK(f.out[0].tokens.cache_read == 400);
  CHECK(f.out[0].cc_version == "1.0.102");
  CHECK(f.out[0].timestamp_ms == 1796439394481);
  CHECK(f.out[1].message_id == "4f1c0a0e5b6d7c8e9f00112233445566:c2");
  CHECK(f.out[1].tokens.input == 400);
  CHECK(f.out[1].tokens.cache_write_5m == 100);
  CHECK(f.out[1].model == "gpt-5.4");
}

TEST_CASE("copilot reader: cwd and branch from the session's workspace.yaml", "[parse][copilot]") {
  test::TempDir dir;
  const std::string home = dir / ".copilot";
  const std::string id = "6f1b6a4e-0d5c-4b7e-9c61-2a8f0e3d9b10";
  test::write_file(home + "/session-state/" + id + "/workspace.yaml",
                   test::copilot_workspace_yaml(id, "/work/repo", "feature/PROJ-7-x", kCanary));
  Feed f;
  REQUIRE(f.reader.begin_file(home + "/otel/copilot-otel.jsonl", ""));
  f.line(test::copilot_chat_line(chat("c1", "msg_01", 100, 10, 0, 0), kCanary));
  REQUIRE(f.out.size() == 1);
  CHECK(f.out[0].cwd == "/work/repo");
  CHECK(f.out[0].git_branch == "feature/PROJ-7-x");
  CHECK(copilot_workspace_value("cwd: \"/a b\"\n", "cwd") == "/a b");
  CHECK(copilot_workspace_value("  cwd: /nested\nname: x\n", "cwd").empty());
  CHECK(CopilotWorkspaces::home_of_export("/h/.copilot/otel/a.jsonl") == "/h/.copilot");
  CHECK(CopilotWorkspaces::home_of_export("/tmp/a.jsonl").empty());
}

// tests/fixtures/copilot-cli/otel-1.0.102-byok.jsonl was written by the real
// @github/copilot 1.0.102 (linux-x64), run as `copilot -p ... --allow-all-tools`
// with COPILOT_OFFLINE=true, COPILOT_PROVIDER_TYPE=anthropic and
// COPILOT_PROVIDER_BASE_URL at a local mock of the Messages API, content
// capture off. The mock served four responses: usage (uncached input, cache
// read, cache write, output) = (1000, 200, 30, 40), (1100, 900, 0, 50),
// (1200, 1000, 0, 60), (1300, 1100, 0, 70); the first called `create`, the
// second `edit` and `view`, the third `bash` (a git commit).
TEST_CASE("copilot reader: a real Copilot CLI 1.0.102 export", "[parse][copilot]") {
  const std::string text = test::read_file(std::string(CODEPULSE_SOURCE_DIR) +
                                           "/tests/fixtures/copilot-cli/otel-1.0.102-byok.jsonl");
  Feed f;
  REQUIRE(f.reader.begin_file("/x/otel.jsonl", ""));
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = text.find('\n', pos);
    const auto r = f.line(text.substr(pos, end - pos));
    CHECK((r.kind == LogLineKind::kIgnored || r.kind == LogLineKind::kRequests));
    pos = end + 1;
  }
  REQUIRE(f.out.size() == 4);
  const int64_t uncached[] = {1000, 1100, 1200, 1300}, read[] = {200, 900, 1000, 1100},
                written[] = {30, 0, 0, 0}, output[] = {40, 50, 60, 70};
  const size_t tools[] = {1, 2, 1, 0};
  for (size_t i = 0; i < 4; ++i) {
    INFO(i);
    const RequestLine& q = f.out[i];
    CHECK(q.message_id == "msg_000" + std::to_string(i));
    CHECK(q.tokens.input == uncached[i]);
    CHECK(q.tokens.cache_read == read[i]);
    CHECK(q.tokens.cache_write_5m == written[i]);
    CHECK(q.tokens.output == output[i]);
    CHECK(q.model == "claude-sonnet-4.5");
    CHECK(q.session_id == "fe128710-d2fd-42a3-86fb-3b848f464178");
    CHECK(q.cc_version == "1.0.102");
    CHECK(q.tools.size() == tools[i]);
  }
  CHECK(f.out[0].tools[0].name == "create");
  CHECK(f.out[0].tools[0].id == "toolu_0_1");
  CHECK(f.out[1].tools[0].name == "view");
  CHECK(f.out[1].tools[1].name == "edit");
  CHECK(f.out[2].tools[0].name == "bash");
  CHECK(f.reader.carried().empty());  // the invoke_agent span closed the turn
}

TEST_CASE("copilot reader: a failed chat span without usage is no problem", "[parse][copilot]") {
  Feed f;
  REQUIRE(f.reader.begin_file("/x/otel.jsonl", ""));
  CopilotChatSpan bare = chat("c1", "", 0, 0, 0, 0);
  bare.usage = false;
  std::string line = test::copilot_chat_line(bare, kCanary);
  line.replace(line.find(R"("status":{"code":0})"), 19, R"("status":{"code":2})");
  CHECK(f.line(line).kind == LogLineKind::kIgnored);
}
