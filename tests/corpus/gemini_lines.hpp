// Gemini CLI 0.61.0 session records, byte for byte as it writes them
// (JSON.stringify, its key order), observed in notes/issue21-observed.md and
// in runs against a mock API: the session header, messages, tool calls with
// their results, and the $set / $rewindTo lines. For the tests and the
// Gemini corpus generator (gemini_corpus.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace codepulse::bench::gemini {

// usageMetadata as Gemini CLI copies it into a message's `tokens`.
struct Tokens {
  int64_t input = 0;     // promptTokenCount, cached included
  int64_t output = 0;    // candidatesTokenCount
  int64_t cached = 0;    // cachedContentTokenCount
  int64_t thoughts = 0;  // thoughtsTokenCount
  int64_t tool = 0;      // toolUsePromptTokenCount
  // totalTokenCount as the API computes it.
  int64_t total() const { return input + output + thoughts + tool; }
};

// A completed tool call, with what Gemini CLI records of its result.
struct ToolCall {
  enum class Kind { kWriteFile, kReplace, kReadFile, kShell, kOther };
  Kind kind = Kind::kOther;
  std::string id;
  std::string name;     // kOther: the tool's name
  std::string path;     // write_file / replace / read_file: args.file_path as the model gave it
  std::string command;  // kShell: args.command
  std::string text;     // file content, new string, command output...: free text
  std::string status = "success";
  int64_t added = 0, removed = 0;  // write_file / replace: diffStat model lines
  std::string agent_id;            // invoke_agent: the subagent's session id
};

// One message of `type` "gemini": its text, thought summaries, usage (null
// when `has_tokens` is false), model and tool calls.
struct GeminiMessage {
  std::string id;
  int64_t ts_ms = 0;
  std::string content;
  std::string thought;  // "" for none: one thought {subject, description, timestamp}
  bool has_tokens = true;
  Tokens tokens;
  std::string model;
  bool with_tool_calls = false;  // write the toolCalls key (the second copy)
  std::vector<ToolCall> calls;
};

// {"sessionId","projectHash","startTime","lastUpdated","kind"[, "directories"]}
std::string header_line(const std::string& session_id, const std::string& project_hash,
                        int64_t start_ms, bool subagent = false,
                        const std::vector<std::string>& directories = {});
// {"id","timestamp","type":"user","content":[{"text"}]}
std::string user_prompt_json(const std::string& id, int64_t ts_ms, const std::string& text);
// The user message answering tool calls: {"content":[{"functionResponse"...}]}
std::string function_response_json(const std::string& id, int64_t ts_ms,
                                   const std::vector<ToolCall>& calls);
std::string gemini_json(const GeminiMessage& m);
// {"$set":{"lastUpdated"}}
std::string set_last_updated(int64_t ts_ms);
// {"$set":{"messages":[...],"lastUpdated"}}: a checkpoint of the conversation.
std::string set_messages(const std::vector<std::string>& message_jsons, int64_t ts_ms);
// {"$set":{"summary"}} (a subagent's result) / {"$rewindTo": id}
std::string set_summary(const std::string& summary);
std::string rewind_to(const std::string& message_id);
// A legacy session-*.json: the header's fields and "messages", indented by two.
std::string legacy_session_json(const std::string& session_id, const std::string& project_hash,
                                int64_t start_ms, const std::vector<std::string>& message_jsons);

// The session_context message the first $set of a session restates.
std::string session_context_json(int64_t ts_ms, const std::string& cwd);

}  // namespace codepulse::bench::gemini
