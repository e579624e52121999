// OpenCode's message and part JSON (tracker/parse/opencode_json.hpp), in the
// shapes opencode-ai 1.18.33 wrote against a mock of the Anthropic and
// OpenAI-compatible APIs.
#include "tracker/parse/opencode_json.hpp"

#include <catch2/catch.hpp>

using namespace codepulse;
using namespace codepulse::tracker;
using namespace codepulse::tracker::opencode;

namespace {

// Verbatim from opencode-ai 1.18.33's database (Anthropic mock: served
// input_tokens 1500, cache_creation 600, cache_read 2400, output 70).
constexpr const char* kAssistant =
    R"({"parentID":"msg_2440bcdb90014rXqqBBWIWLJM8","role":"assistant","mode":"build","agent":"build","path":{"cwd":"/tmp/explore/oc4/work","root":"/tmp/explore/oc4/work"},"cost":0.00852,"tokens":{"total":4570,"input":1500,"output":70,"reasoning":0,"cache":{"write":600,"read":2400}},"modelID":"claude-mock-1","providerID":"mock","time":{"created":1796437955043,"completed":1796437957824},"finish":"tool-calls"})";

ToolCall only_call(const PartFields& p) {
  REQUIRE(p.kind == PartKind::kTool);
  REQUIRE(p.calls.size() == 1);
  return p.calls.front();
}

}  // namespace

TEST_CASE("an OpenCode assistant message gives its model, place, time and tokens",
          "[parse][opencode]") {
  JsonReader json;
  MessageFields m;
  REQUIRE(json.message(kAssistant, m) == nullptr);
  CHECK(m.role == "assistant");
  CHECK(m.parent_id == "msg_2440bcdb90014rXqqBBWIWLJM8");
  CHECK(m.model_id == "claude-mock-1");
  CHECK(m.provider_id == "mock");
  CHECK(m.cwd == "/tmp/explore/oc4/work");
  CHECK(m.created_ms == 1796437955043);
  CHECK(m.tokens.present);
  CHECK(m.tokens.input == 1500);
  CHECK(m.tokens.output == 70);
  CHECK(m.tokens.cache_write == 600);
  CHECK(m.tokens.cache_read == 2400);
  CHECK(m.tokens.total == 4570);
  const TokenCounts c = to_counts(m.tokens);
  CHECK(c.input == 1500);
  CHECK(c.output == 70);
  CHECK(c.cache_write_5m == 600);
  CHECK(c.cache_read == 2400);
}

TEST_CASE("OpenCode's reasoning is outside its output: a record's output gains it",
          "[parse][opencode]") {
  // opencode-ai 1.18.33 over an OpenAI-compatible mock that served
  // prompt_tokens 2000 (cached 1200), completion_tokens 90 (reasoning 40):
  // input 800 + output 50 + reasoning 40 + cache.read 1200 = total 2090.
  JsonReader json;
  MessageFields m;
  REQUIRE(
      json.message(
          R"({"role":"assistant","tokens":{"total":2090,"input":800,"output":50,"reasoning":40,"cache":{"write":0,"read":1200}},"modelID":"gpt-mock-1","providerID":"mockoa","time":{"created":1}})",
          m) == nullptr);
  TokenCounts c = to_counts(m.tokens);
  CHECK(c.input == 800);
  CHECK(c.cache_read == 1200);
  CHECK(c.output == 90);  // what the API billed as output
  CHECK(c.reasoning == 40);
  // A row whose total shows the output already holding the reasoning (older
  // OpenCode versions) is not counted twice.
  Tokens old;
  old.input = 800;
  old.output = 90;
  old.reasoning = 40;
  old.cache_read = 1200;
  old.total = 2090;
  c = to_counts(old);
  CHECK(c.output == 90);
  CHECK(c.reasoning == 40);
  // Without a total, 1.18.33's meaning holds.
  old.total.reset();
  CHECK(to_counts(old).output == 130);
}

TEST_CASE("OpenCode's model names: the model id, with the endpoint when only the provider says it",
          "[parse][opencode]") {
  CHECK(model_name("anthropic", "claude-sonnet-4-5") == "claude-sonnet-4-5");
  CHECK(model_name("openrouter", "anthropic/claude-sonnet-4.5") == "anthropic/claude-sonnet-4.5");
  CHECK(model_name("amazon-bedrock", "claude-sonnet-4-5") == "amazon-bedrock/claude-sonnet-4-5");
  CHECK(model_name("amazon-bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0") ==
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
  CHECK(model_name("google-vertex-anthropic", "claude-opus-4-1@20250805") ==
        "claude-opus-4-1@20250805");
  CHECK(model_name("google-vertex", "gemini-2.5-pro") == "google-vertex/gemini-2.5-pro");
}

TEST_CASE("OpenCode parts: only step-finish and tool parts are parsed", "[parse][opencode]") {
  CHECK(part_may_matter(R"({"reason":"stop","type":"step-finish","tokens":{}})"));
  CHECK(part_may_matter(R"({"type":"tool","tool":"bash"})"));
  CHECK(part_may_matter("{\"type\" : \"tool\"}"));
  CHECK_FALSE(part_may_matter(R"({"type":"text","text":"a \"type\":\"tool\" in text"})"));
  CHECK_FALSE(part_may_matter(R"({"snapshot":"x","type":"step-start"})"));
  CHECK_FALSE(part_may_matter(R"({"type":"patch","files":["/a"]})"));
  CHECK_FALSE(part_may_matter(R"({"type":"reasoning","text":"x"})"));

  JsonReader json;
  PartFields p;
  REQUIRE(
      json.part(
          R"({"reason":"tool-calls","snapshot":"20d1","type":"step-finish","tokens":{"total":4570,"input":1500,"output":70,"reasoning":0,"cache":{"write":600,"read":2400}},"cost":0.00852})",
          p) == nullptr);
  CHECK(p.kind == PartKind::kStepFinish);
  CHECK(p.tokens.input == 1500);
  CHECK(p.tokens.cache_read == 2400);

  PartFields broken;
  CHECK(json.part(R"({"type":"step-finish","reason":"stop"})", broken) != nullptr);
  CHECK(json.part(R"({"type":"step-finish","tokens":{"input":-3}})", broken) != nullptr);
  CHECK(json.part(R"({"type":"step-fin)", broken) != nullptr);
  PartFields text;
  REQUIRE(json.part(R"({"type":"text","text":"hello"})", text) == nullptr);
  CHECK(text.kind == PartKind::kOther);
}

TEST_CASE("OpenCode tool parts give the file, the change's lines and a commit",
          "[parse][opencode]") {
  JsonReader json;
  SECTION("write of a new file: its lines added") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"write","callID":"toolu_mock_3","state":{"status":"completed","input":{"filePath":"/w/notes.md","content":"a\nb\nc\n"},"output":"Wrote file successfully.","metadata":{"diagnostics":{},"filepath":"/w/notes.md","exists":false,"truncated":false},"title":"notes.md","time":{"start":1,"end":2}}})",
            p) == nullptr);
    const ToolCall c = only_call(p);
    CHECK(p.finished);
    CHECK(c.id == "toolu_mock_3");
    CHECK(c.name == "write");
    CHECK(c.file_path == "/w/notes.md");
    CHECK(c.kind == ToolKind::kChange);
    CHECK(c.counted);
    CHECK(c.lines_added == 3);
    CHECK(c.lines_removed == 0);
  }
  SECTION("write over a file: the change, without counts") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"write","callID":"c","state":{"status":"completed","input":{"filePath":"/w/a","content":"x\n"},"output":"ok","metadata":{"exists":true}}})",
            p) == nullptr);
    const ToolCall c = only_call(p);
    CHECK(c.kind == ToolKind::kChange);
    CHECK(c.lines_added == 0);
  }
  SECTION("edit: the lines of its filediff") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"edit","callID":"toolu_e1","state":{"status":"completed","input":{"filePath":"/w/notes.md","oldString":"line2","newString":"x\ny"},"output":"Edit applied successfully.","metadata":{"diagnostics":{},"diff":"@@ -1 +1,2 @@","filediff":{"file":"/w/notes.md","patch":"-line2\n+x\n+y\n","additions":2,"deletions":1}}}})",
            p) == nullptr);
    const ToolCall c = only_call(p);
    CHECK(c.kind == ToolKind::kChange);
    CHECK(c.file_path == "/w/notes.md");
    CHECK(c.lines_added == 2);
    CHECK(c.lines_removed == 1);
  }
  SECTION("read: the file read") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"read","callID":"toolu_r1","state":{"status":"completed","input":{"filePath":"/w/notes.md"},"output":"<content>1: x</content>","metadata":{"preview":"x"}}})",
            p) == nullptr);
    const ToolCall c = only_call(p);
    CHECK(c.kind == ToolKind::kRead);
    CHECK(c.file_path == "/w/notes.md");
    CHECK_FALSE(c.counted);
  }
  SECTION("bash: a git commit and the sha it printed") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"bash","callID":"toolu_b1","state":{"status":"completed","input":{"command":"git add -A && git commit -m 'x'","description":"commit"},"output":"[main 1a2b3c4] x\n 1 file changed","metadata":{"exit":0}}})",
            p) == nullptr);
    const ToolCall c = only_call(p);
    CHECK(c.kind == ToolKind::kGitCommit);
    CHECK(c.counted);
    CHECK(c.commit_sha == "1a2b3c4");
    CHECK(c.file_path.empty());
  }
  SECTION("bash: any other command is only its name") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"bash","callID":"b","state":{"status":"completed","input":{"command":"ls -la"},"output":"[x 1234567] y"}})",
            p) == nullptr);
    const ToolCall c = only_call(p);
    CHECK(c.kind == ToolKind::kOther);
    CHECK(c.commit_sha.empty());
  }
  SECTION("apply_patch: a call per file, with its counts") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"apply_patch","callID":"call_9","state":{"status":"completed","input":{"patchText":"*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch"},"output":"ok","metadata":{"diff":"...","files":[{"filePath":"/w/a.txt","relativePath":"a.txt","type":"add","patch":"+x","additions":1,"deletions":0},{"filePath":"/w/b.txt","relativePath":"b.txt","type":"update","patch":"-y","additions":0,"deletions":4,"movePath":"/w/c.txt"}]}}})",
            p) == nullptr);
    REQUIRE(p.calls.size() == 2);
    CHECK(p.calls[0].id == "call_9");
    CHECK(p.calls[0].file_path == "/w/a.txt");
    CHECK(p.calls[0].lines_added == 1);
    CHECK(p.calls[1].id == "call_9#1");
    CHECK(p.calls[1].file_path == "/w/c.txt");
    CHECK(p.calls[1].lines_removed == 4);
    CHECK(p.calls[1].kind == ToolKind::kChange);
  }
  SECTION("apply_patch that failed: its files from the patch text, nothing changed") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"apply_patch","callID":"call_7","state":{"status":"error","input":{"patchText":"*** Begin Patch\n*** Update File: src/x.c\n@@\n-a\n+b\n+c\n*** Delete File: old.c\n*** End Patch"},"error":"verification failed"}})",
            p) == nullptr);
    REQUIRE(p.calls.size() == 2);
    CHECK(p.finished);
    CHECK(p.calls[0].file_path == "src/x.c");
    CHECK(p.calls[0].lines_added == 0);
    CHECK(p.calls[1].file_path == "old.c");
    CHECK(p.calls[1].counted);
    // State "error": each call failed (ToolUse::error, the waste ledger's tool-error loops).
    CHECK((p.calls[0].failed && p.calls[1].failed));
  }
  SECTION("a tool still running is not finished") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"edit","callID":"x","state":{"status":"running","input":{"filePath":"/w/a"},"time":{"start":1}}})",
            p) == nullptr);
    CHECK_FALSE(p.finished);
  }
  SECTION("another tool: its name") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"glob","callID":"g","state":{"status":"completed","input":{"pattern":"**/*.c","path":"/w"},"output":"a.c"}})",
            p) == nullptr);
    const ToolCall c = only_call(p);
    CHECK(c.name == "glob");
    CHECK(c.kind == ToolKind::kOther);
    CHECK(c.file_path.empty());
    CHECK_FALSE(c.failed);
  }
  SECTION("a tool that failed: the flag, never the error's text") {
    PartFields p;
    REQUIRE(
        json.part(
            R"({"type":"tool","tool":"bash","callID":"b","state":{"status":"error","input":{"command":"make"},"error":"CANARY exit 2"}})",
            p) == nullptr);
    const ToolCall c = only_call(p);
    CHECK(c.failed);
    CHECK(c.name == "bash");
    CHECK(c.file_path.find("CANARY") == std::string::npos);
  }
}
