// An OpenCode message into requests (tracker/parse/opencode_requests.hpp):
// one per billed call, keyed so that every re-read meets the same records.
#include "tracker/parse/opencode_requests.hpp"

#include <catch2/catch.hpp>

using namespace codepulse;
using namespace codepulse::tracker;
using namespace codepulse::tracker::opencode;

namespace {

Tokens tokens(int64_t input, int64_t output, int64_t cache_read = 0) {
  Tokens t;
  t.present = true;
  t.input = input;
  t.output = output;
  t.cache_read = cache_read;
  return t;
}

MessageFields assistant(Tokens t) {
  MessageFields m;
  m.role = "assistant";
  m.parent_id = "msg_user";
  m.model_id = "claude-sonnet-4-5";
  m.provider_id = "anthropic";
  m.cwd = "/w";
  m.created_ms = 1000;
  m.tokens = t;
  return m;
}

MessagePart step(const std::string& id, int64_t created, Tokens t) {
  MessagePart p;
  p.id = id;
  p.created_ms = created;
  p.fields.kind = PartKind::kStepFinish;
  p.fields.tokens = t;
  return p;
}

MessagePart tool(const std::string& id, const std::string& call) {
  MessagePart p;
  p.id = id;
  p.fields.kind = PartKind::kTool;
  p.fields.finished = true;
  ToolCall c;
  c.id = call;
  c.name = "read";
  c.kind = ToolKind::kRead;
  c.file_path = "/w/a";
  p.fields.calls.push_back(c);
  return p;
}

SessionFacts main_session() {
  SessionFacts s;
  s.root_id = "ses_1";
  s.directory = "/w";
  s.version = "1.18.33";
  return s;
}

}  // namespace

TEST_CASE("an OpenCode message with one step is one request under the message id",
          "[parse][opencode]") {
  std::vector<RequestLine> out;
  message_requests("msg_a", assistant(tokens(1500, 70, 2400)), main_session(),
                   {tool("prt_1", "toolu_1"), step("prt_2", 2000, tokens(1500, 70, 2400))}, out);
  REQUIRE(out.size() == 1);
  const RequestLine& r = out[0];
  CHECK(r.assistant == "opencode");
  CHECK(r.message_id == "msg_a");
  CHECK(r.session_id == "ses_1");
  CHECK(r.turn_id == "msg_user");
  CHECK(r.cwd == "/w");
  CHECK(r.cc_version == "1.18.33");
  CHECK(r.model == "claude-sonnet-4-5");
  CHECK(r.timestamp_ms == 1000);
  CHECK_FALSE(r.sidechain);
  CHECK(r.tokens.input == 1500);
  CHECK(r.tokens.cache_read == 2400);
  REQUIRE(r.tools.size() == 1);
  CHECK(r.tools[0].id == "toolu_1");
}

TEST_CASE("an OpenCode message with several steps is a request per step", "[parse][opencode]") {
  // OpenCode keeps the last step's tokens on the message: the last step
  // takes the message id (a legacy copy of the message meets it), the others
  // their part ids; each step's tools are the ones before its step-finish.
  std::vector<RequestLine> out;
  message_requests(
      "msg_a", assistant(tokens(30, 3)), main_session(),
      {tool("prt_1", "t1"), step("prt_2", 2000, tokens(10, 1)), tool("prt_3", "t2"),
       step("prt_4", 3000, tokens(20, 2)), tool("prt_5", "t3"), step("prt_6", 4000, tokens(30, 3))},
      out);
  REQUIRE(out.size() == 3);
  CHECK(out[0].message_id == "prt_2");
  CHECK(out[0].tokens.input == 10);
  CHECK(out[0].timestamp_ms == 1000);
  CHECK(out[1].message_id == "prt_4");
  CHECK(out[1].timestamp_ms == 2000);
  CHECK(out[2].message_id == "msg_a");
  CHECK(out[2].tokens.input == 30);
  CHECK(out[2].timestamp_ms == 3000);
  REQUIRE(out[0].tools.size() == 1);
  CHECK(out[0].tools[0].id == "t1");
  CHECK(out[1].tools[0].id == "t2");
  CHECK(out[2].tools[0].id == "t3");
}

TEST_CASE("an OpenCode message without a step-finish counts its own tokens once it has any",
          "[parse][opencode]") {
  std::vector<RequestLine> out;
  message_requests("msg_a", assistant(tokens(0, 0)), main_session(), {tool("prt_1", "t1")}, out);
  CHECK(out.empty());  // streaming: nothing billed is known yet
  message_requests("msg_a", assistant(tokens(100, 5)), main_session(), {tool("prt_1", "t1")}, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].message_id == "msg_a");
  CHECK(out[0].tokens.input == 100);
  CHECK(out[0].tools.size() == 1);
}

TEST_CASE("an OpenCode subagent's message belongs to the session that started it",
          "[parse][opencode]") {
  SessionFacts sub = main_session();
  sub.agent_id = "ses_child";
  std::vector<RequestLine> out;
  message_requests("msg_b", assistant(tokens(9, 1)), sub, {step("prt_9", 5, tokens(9, 1))}, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].sidechain);
  CHECK(out[0].agent_id == "ses_child");
  CHECK(out[0].session_id == "ses_1");
}

TEST_CASE("an OpenCode user message or a message without a cwd", "[parse][opencode]") {
  std::vector<RequestLine> out;
  MessageFields user = assistant(tokens(5, 5));
  user.role = "user";
  message_requests("msg_u", user, main_session(), {}, out);
  CHECK(out.empty());
  MessageFields no_cwd = assistant(tokens(5, 5));
  no_cwd.cwd.clear();
  message_requests("msg_c", no_cwd, main_session(), {}, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].cwd == "/w");  // the session's directory
}
