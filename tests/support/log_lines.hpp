// Builders of realistic Claude Code transcript lines for tests.
#pragma once

#include <string>
#include <vector>

namespace codepulse::test {

struct AssistantSpec {
  std::string message_id = "msg_01";
  std::string request_id = "req_01";  // empty: field omitted
  std::string model = "claude-opus-4-6";
  std::string timestamp = "2026-02-12T16:05:13.088Z";
  std::string session_id = "11111111-1111-4111-8111-111111111111";
  std::string cwd = "/home/dev/src/app";
  std::string branch = "main";
  std::string uuid = "aaaaaaaa-0000-4000-8000-000000000001";
  bool sidechain = false;
  long long input = 3, output = 10, cache_5m = 100, cache_1h = 0, cache_read = 1000;
  long long web_search = 0, web_fetch = 0;
  long long cache_total = -1;  // cache_creation_input_tokens; -1: cache_5m + cache_1h
  bool fast = false;
  std::string inference_geo_json;  // when set: usage.inference_geo's JSON value ("\"us\"")
  std::string iterations_json;     // when set: usage.iterations, as JSON
  std::string usage_extra_json;    // when set: more fields at the end of usage ("\"k\":1")
  std::string text = "hello";      // the content block's text (or thinking)
  std::string tool_json;           // when set: a tool_use block instead of text
};

std::string assistant_line(const AssistantSpec& s);
// The same request streamed into the parent session as a subagent's
// agent_progress line (data.message holds the subagent's line).
std::string agent_progress_line(const AssistantSpec& s, const std::string& agent_id);
// One usage.iterations entry of type advisor_message, as Claude Code writes it
// (the cache_creation breakdown only when c5m or c1h is not negative).
std::string advisor_iteration(const std::string& model, long long input, long long output,
                              long long cache_read, long long cache_total, long long c5m = -1,
                              long long c1h = -1);
// One assistant line per text, each its own request, with the text as its
// git branch: a field the tracker keeps and sends (unless hashed). The
// control of a privacy check: a canary placed where it must be found.
std::string branch_lines(const std::vector<std::string>& branches);
std::string json_escape(const std::string& s);  // the body of a JSON string literal
std::string user_prompt_line(const std::string& uuid, const std::string& text,
                             const std::string& session = "11111111-1111-4111-8111-111111111111",
                             const std::string& cwd = "/home/dev/src/app");
// A tool_use block: {"type":"tool_use","id":...,"name":...,"input":{...}}
std::string tool_use_block(const std::string& id, const std::string& name,
                           const std::string& input_json);
// A user line carrying a tool_result for `tool_id` and `tool_use_result_json`.
std::string tool_result_line(const std::string& tool_id, const std::string& result_text,
                             const std::string& tool_use_result_json,
                             const std::string& uuid = "bbbbbbbb-0000-4000-8000-000000000001");
// The same tool result streamed into the parent session as a subagent's
// agent_progress line (data.message holds the subagent's user line, with
// toolUseResult after its message); `is_error` flags the tool_result block.
std::string agent_progress_result_line(const std::string& tool_id, const std::string& result_text,
                                       const std::string& tool_use_result_json,
                                       const std::string& agent_id, bool is_error = false);

}  // namespace codepulse::test
