// Gemini CLI 0.61.0 session records as it writes them (gemini_lines.hpp).
#include "tests/corpus/gemini_lines.hpp"

#include "tests/corpus/json_writer.hpp"

namespace codepulse::bench::gemini {
namespace {

using corpus::Json;

const char* tool_name(const ToolCall& c) {
  switch (c.kind) {
    case ToolCall::Kind::kWriteFile:
      return "write_file";
    case ToolCall::Kind::kReplace:
      return "replace";
    case ToolCall::Kind::kReadFile:
      return "read_file";
    case ToolCall::Kind::kShell:
      return "run_shell_command";
    case ToolCall::Kind::kOther:
      break;
  }
  return c.name.c_str();
}

// What the tool answered the model (functionResponse.response.output).
std::string tool_output(const ToolCall& c) {
  if (c.status != "success") return "Error: " + c.text;
  switch (c.kind) {
    case ToolCall::Kind::kWriteFile:
      return "Successfully created and wrote to new file: " + c.path +
             ". Here is the updated code:\n" + c.text + "\n";
    case ToolCall::Kind::kReplace:
      return "Successfully modified file: " + c.path +
             " (1 replacements). Here is the updated code:\n" + c.text + "\n";
    case ToolCall::Kind::kShell:
      return "<untrusted_context>\nOutput: " + c.text +
             "\nProcess Group PGID: 4242\n</untrusted_context>";
    case ToolCall::Kind::kReadFile:
    case ToolCall::Kind::kOther:
      break;
  }
  return c.text;
}

void function_response(Json& j, const ToolCall& c) {
  j.obj().k("functionResponse").obj();
  j.k("id").s(c.id).k("name").s(tool_name(c));
  j.k("response").obj().k("output").s(tool_output(c)).end();
  j.end().end();
}

void args(Json& j, const ToolCall& c) {
  j.obj();
  switch (c.kind) {
    case ToolCall::Kind::kWriteFile:
      j.k("file_path").s(c.path).k("content").s(c.text + "\n");
      break;
    case ToolCall::Kind::kReplace:
      j.k("file_path").s(c.path).k("old_string").s(c.text + " (old)");
      j.k("new_string").s(c.text).k("instruction").s(c.text + " (why)");
      break;
    case ToolCall::Kind::kReadFile:
      j.k("file_path").s(c.path);
      break;
    case ToolCall::Kind::kShell:
      j.k("command").s(c.command).k("description").s(c.text + " (what)");
      break;
    case ToolCall::Kind::kOther:
      j.k("query").s(c.text);
      break;
  }
  j.end();
}

void result_display(Json& j, const ToolCall& c) {
  const bool change = c.kind == ToolCall::Kind::kWriteFile || c.kind == ToolCall::Kind::kReplace;
  if (c.status != "success") {
    j.s(tool_output(c));
    return;
  }
  if (!change) {  // a read shows nothing; a command its output
    j.s(c.kind == ToolCall::Kind::kReadFile ? std::string() : c.text);
    return;
  }
  j.obj();
  j.k("fileDiff")
      .s("Index: " + c.path + "\n===\n--- " + c.path + "\tOriginal\n+++ " + c.path +
         "\tWritten\n@@ -0,0 +1,1 @@\n+" + c.text + "\n");
  j.k("fileName").s(c.path).k("filePath").s(c.path);
  j.k("originalContent").s(c.kind == ToolCall::Kind::kReplace ? c.text + " (old)\n" : "");
  j.k("newContent").s(c.text + "\n");
  j.k("diffStat").obj();
  j.k("model_added_lines").n(c.added).k("model_removed_lines").n(c.removed);
  j.k("model_added_chars").n(static_cast<int64_t>(c.text.size())).k("model_removed_chars").n(0);
  j.k("user_added_lines").n(0).k("user_removed_lines").n(0);
  j.k("user_added_chars").n(0).k("user_removed_chars").n(0);
  j.end();
  j.k("isNewFile").b(c.kind == ToolCall::Kind::kWriteFile).k("isBuildFile").b(false);
  j.end();
}

void tool_call(Json& j, const ToolCall& c, int64_t ts_ms) {
  j.obj();
  j.k("id").s(c.id).k("name").s(tool_name(c));
  j.k("args");
  args(j, c);
  j.k("result").arr();
  function_response(j, c);
  j.end();
  j.k("status").s(c.status).k("timestamp").ts(ts_ms + 50);
  if (!c.agent_id.empty()) j.k("agentId").s(c.agent_id);
  j.k("resultDisplay");
  result_display(j, c);
  j.k("description").s(c.text + " (described)");
  j.k("displayName").s(c.kind == ToolCall::Kind::kShell ? "Shell" : "Tool");
  j.k("renderOutputAsMarkdown").b(c.kind != ToolCall::Kind::kShell);
  j.end();
}

}  // namespace

std::string header_line(const std::string& session_id, const std::string& project_hash,
                        int64_t start_ms, bool subagent,
                        const std::vector<std::string>& directories) {
  std::string o;
  Json j(o);
  j.obj().k("sessionId").s(session_id).k("projectHash").s(project_hash);
  j.k("startTime").ts(start_ms).k("lastUpdated").ts(start_ms);
  j.k("kind").s(subagent ? "subagent" : "main");
  if (subagent) {
    j.k("directories").arr();
    for (const std::string& d : directories)
      j.s(d);
    j.end();
  }
  j.end();
  return o;
}

std::string user_prompt_json(const std::string& id, int64_t ts_ms, const std::string& text) {
  std::string o;
  Json j(o);
  j.obj().k("id").s(id).k("timestamp").ts(ts_ms).k("type").s("user");
  j.k("content").arr().obj().k("text").s(text).end().end();
  j.end();
  return o;
}

std::string function_response_json(const std::string& id, int64_t ts_ms,
                                   const std::vector<ToolCall>& calls) {
  std::string o;
  Json j(o);
  j.obj().k("id").s(id).k("timestamp").ts(ts_ms).k("type").s("user");
  j.k("content").arr();
  for (const ToolCall& c : calls)
    function_response(j, c);
  j.end().end();
  return o;
}

std::string gemini_json(const GeminiMessage& m) {
  std::string o;
  Json j(o);
  j.obj().k("id").s(m.id).k("timestamp").ts(m.ts_ms).k("type").s("gemini");
  j.k("content").s(m.content);
  j.k("thoughts").arr();
  if (!m.thought.empty()) {
    j.obj().k("subject").s(m.thought + " (subject)").k("description").s(m.thought);
    j.k("timestamp").ts(m.ts_ms - 10).end();
  }
  j.end();
  j.k("tokens");
  if (m.has_tokens) {
    const Tokens& t = m.tokens;
    j.obj().k("input").n(t.input).k("output").n(t.output).k("cached").n(t.cached);
    j.k("thoughts").n(t.thoughts).k("tool").n(t.tool).k("total").n(t.total()).end();
  } else {
    j.null();
  }
  j.k("model").s(m.model);
  if (m.with_tool_calls) {
    j.k("toolCalls").arr();
    for (const ToolCall& c : m.calls)
      tool_call(j, c, m.ts_ms);
    j.end();
  }
  j.end();
  return o;
}

std::string set_last_updated(int64_t ts_ms) {
  std::string o;
  Json j(o);
  j.obj().k("$set").obj().k("lastUpdated").ts(ts_ms).end().end();
  return o;
}

std::string set_messages(const std::vector<std::string>& message_jsons, int64_t ts_ms) {
  std::string o;
  Json j(o);
  j.obj().k("$set").obj().k("messages").arr();
  for (const std::string& m : message_jsons)
    j.raw(m);
  j.end().k("lastUpdated").ts(ts_ms).end().end();
  return o;
}

std::string set_summary(const std::string& summary) {
  std::string o;
  Json j(o);
  j.obj().k("$set").obj().k("summary").s(summary).end().end();
  return o;
}

std::string rewind_to(const std::string& message_id) {
  std::string o;
  Json j(o);
  j.obj().k("$rewindTo").s(message_id).end();
  return o;
}

std::string legacy_session_json(const std::string& session_id, const std::string& project_hash,
                                int64_t start_ms, const std::vector<std::string>& message_jsons) {
  std::string o = "{\n  \"sessionId\": ";
  o += corpus::json_string(session_id);
  o += ",\n  \"projectHash\": " + corpus::json_string(project_hash);
  o += ",\n  \"startTime\": \"";
  corpus::append_ts(o, start_ms);
  o += "\",\n  \"lastUpdated\": \"";
  corpus::append_ts(o, start_ms);
  o += "\",\n  \"messages\": [";
  for (size_t i = 0; i < message_jsons.size(); ++i) {
    o += i ? ",\n    " : "\n    ";
    o += message_jsons[i];
  }
  o += "\n  ]\n}";
  return o;
}

std::string session_context_json(int64_t ts_ms, const std::string& cwd) {
  return user_prompt_json("d04923d38bb0f6017037e74183378ef4", ts_ms,
                          "<session_context>\nThis is the Gemini CLI.\n- **Workspace "
                          "Directories:**\n  - " +
                              cwd + "\n</session_context>");
}

}  // namespace codepulse::bench::gemini
