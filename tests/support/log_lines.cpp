#include "tests/support/log_lines.hpp"

#include <cstdio>

namespace codepulse::test {

std::string json_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

std::string advisor_iteration(const std::string& model, long long input, long long output,
                              long long cache_read, long long cache_total, long long c5m,
                              long long c1h) {
  std::string out = R"({"type":"advisor_message","model":")" + json_escape(model) +
                    R"(","input_tokens":)" + std::to_string(input) + R"(,"output_tokens":)" +
                    std::to_string(output) + R"(,"cache_read_input_tokens":)" +
                    std::to_string(cache_read) + R"(,"cache_creation_input_tokens":)" +
                    std::to_string(cache_total);
  if (c5m >= 0 || c1h >= 0)
    out += R"(,"cache_creation":{"ephemeral_5m_input_tokens":)" +
           std::to_string(c5m < 0 ? 0 : c5m) + R"(,"ephemeral_1h_input_tokens":)" +
           std::to_string(c1h < 0 ? 0 : c1h) + "}";
  return out + "}";
}

namespace {

// The message object of an assistant line: model, id, content and usage.
std::string message_json(const AssistantSpec& s) {
  std::string content = s.tool_json.empty()
                            ? R"({"type":"text","text":")" + json_escape(s.text) + R"("})"
                            : s.tool_json;
  const long long cache_total = s.cache_total >= 0 ? s.cache_total : s.cache_5m + s.cache_1h;
  std::string usage =
      R"({"input_tokens":)" + std::to_string(s.input) + R"(,"cache_creation_input_tokens":)" +
      std::to_string(cache_total) + R"(,"cache_read_input_tokens":)" +
      std::to_string(s.cache_read) + R"(,"cache_creation":{"ephemeral_5m_input_tokens":)" +
      std::to_string(s.cache_5m) + R"(,"ephemeral_1h_input_tokens":)" + std::to_string(s.cache_1h) +
      R"(},"output_tokens":)" + std::to_string(s.output) +
      R"(,"server_tool_use":{"web_search_requests":)" + std::to_string(s.web_search) +
      R"(,"web_fetch_requests":)" + std::to_string(s.web_fetch) + R"(},"service_tier":"standard")" +
      (s.fast ? R"(,"speed":"fast")" : "") +
      (s.inference_geo_json.empty() ? "" : R"(,"inference_geo":)" + s.inference_geo_json) +
      (s.iterations_json.empty() ? "" : R"(,"iterations":)" + s.iterations_json) +
      (s.usage_extra_json.empty() ? "" : "," + s.usage_extra_json) + "}";
  return R"({"model":")" + s.model + R"(","id":")" + s.message_id +
         R"(","type":"message","role":"assistant","content":[)" + content +
         R"(],"stop_reason":null,"stop_sequence":null,"usage":)" + usage + "}";
}

}  // namespace

std::string assistant_line(const AssistantSpec& s) {
  std::string line =
      R"({"parentUuid":null,"isSidechain":)" + std::string(s.sidechain ? "true" : "false") +
      R"(,"userType":"external","cwd":")" + json_escape(s.cwd) + R"(","sessionId":")" +
      s.session_id + R"(","version":"2.1.39","gitBranch":")" + json_escape(s.branch) +
      R"(","slug":"quiet-blue-river","message":)" + message_json(s);
  if (!s.request_id.empty()) line += R"(,"requestId":")" + s.request_id + "\"";
  line += R"(,"type":"assistant","uuid":")" + s.uuid + R"(","timestamp":")" + s.timestamp + "\"}";
  return line;
}

std::string agent_progress_line(const AssistantSpec& s, const std::string& agent_id) {
  std::string sub =
      R"({"type":"assistant","timestamp":")" + s.timestamp + R"(","message":)" + message_json(s);
  if (!s.request_id.empty()) sub += R"(,"requestId":")" + s.request_id + "\"";
  sub += R"(,"uuid":")" + s.uuid + "\"}";
  return R"({"parentUuid":null,"isSidechain":false,"userType":"external","cwd":")" +
         json_escape(s.cwd) + R"(","sessionId":")" + s.session_id +
         R"(","version":"2.1.39","gitBranch":")" + json_escape(s.branch) +
         R"(","type":"progress","data":{"message":)" + sub +
         R"(,"normalizedMessages":[],"type":"agent_progress","prompt":"the agent's prompt","agentId":")" +
         agent_id + R"("},"toolUseID":"agent_msg","parentToolUseID":"toolu_p","uuid":"progress-)" +
         s.uuid + R"(","timestamp":")" + s.timestamp + "\"}";
}

std::string agent_progress_result_line(const std::string& tool_id, const std::string& result_text,
                                       const std::string& tool_use_result_json,
                                       const std::string& agent_id, bool is_error) {
  const std::string sub =
      R"({"type":"user","message":{"role":"user","content":[{"tool_use_id":")" + tool_id +
      R"(","type":"tool_result","content":")" + json_escape(result_text) + "\"" +
      (is_error ? R"(,"is_error":true)" : "") + R"(}]},"uuid":"sub-result-)" + tool_id +
      R"(","timestamp":"2026-02-12T16:05:20.000Z","toolUseResult":)" + tool_use_result_json + "}";
  return R"({"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/home/dev/src/app","sessionId":"11111111-1111-4111-8111-111111111111","version":"2.1.39","gitBranch":"main","type":"progress","data":{"message":)" +
         sub +
         R"(,"normalizedMessages":[],"type":"agent_progress","prompt":"the agent's prompt","agentId":")" +
         agent_id +
         R"("},"toolUseID":"agent_msg","parentToolUseID":"toolu_p","uuid":"progress-result-)" +
         tool_id + R"(","timestamp":"2026-02-12T16:05:20.001Z"})";
}

std::string user_prompt_line(const std::string& uuid, const std::string& text,
                             const std::string& session, const std::string& cwd) {
  return R"({"parentUuid":null,"isSidechain":false,"userType":"external","cwd":")" +
         json_escape(cwd) + R"(","sessionId":")" + session +
         R"(","version":"2.1.39","gitBranch":"main","type":"user","message":{"role":"user","content":")" +
         json_escape(text) + R"("},"uuid":")" + uuid +
         R"(","timestamp":"2026-02-12T16:05:00.000Z"})";
}

std::string tool_use_block(const std::string& id, const std::string& name,
                           const std::string& input_json) {
  return R"({"type":"tool_use","id":")" + id + R"(","name":")" + name + R"(","input":)" +
         input_json + R"(,"caller":{"type":"direct"}})";
}

std::string tool_result_line(const std::string& tool_id, const std::string& result_text,
                             const std::string& tool_use_result_json, const std::string& uuid) {
  return R"({"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/home/dev/src/app","sessionId":"11111111-1111-4111-8111-111111111111","version":"2.1.39","gitBranch":"main","type":"user","message":{"role":"user","content":[{"tool_use_id":")" +
         tool_id + R"(","type":"tool_result","content":")" + json_escape(result_text) +
         R"("}]},"uuid":")" + uuid +
         R"(","timestamp":"2026-02-12T16:05:20.000Z","toolUseResult":)" + tool_use_result_json +
         "}";
}

std::string branch_lines(const std::vector<std::string>& branches) {
  std::string out;
  for (size_t i = 0; i < branches.size(); ++i) {
    AssistantSpec a;
    a.message_id = "msg_branch_" + std::to_string(i);
    a.request_id = "req_branch_" + std::to_string(i);
    a.uuid = "cccccccc-0000-4000-8000-" + std::to_string(100'000'000'000ULL + i);
    a.branch = branches[i];
    out += assistant_line(a) + "\n";
  }
  return out;
}

}  // namespace codepulse::test
