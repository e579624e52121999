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

std::string assistant_line(const AssistantSpec& s) {
  std::string content = s.tool_json.empty()
                            ? R"({"type":"text","text":")" + json_escape(s.text) + R"("})"
                            : s.tool_json;
  std::string usage =
      R"({"input_tokens":)" + std::to_string(s.input) + R"(,"cache_creation_input_tokens":)" +
      std::to_string(s.cache_5m + s.cache_1h) + R"(,"cache_read_input_tokens":)" +
      std::to_string(s.cache_read) + R"(,"cache_creation":{"ephemeral_5m_input_tokens":)" +
      std::to_string(s.cache_5m) + R"(,"ephemeral_1h_input_tokens":)" + std::to_string(s.cache_1h) +
      R"(},"output_tokens":)" + std::to_string(s.output) +
      R"(,"server_tool_use":{"web_search_requests":)" + std::to_string(s.web_search) +
      R"(,"web_fetch_requests":0},"service_tier":"standard")" +
      (s.fast ? R"(,"speed":"fast")" : "") + "}";
  std::string line =
      R"({"parentUuid":null,"isSidechain":)" + std::string(s.sidechain ? "true" : "false") +
      R"(,"userType":"external","cwd":")" + json_escape(s.cwd) + R"(","sessionId":")" +
      s.session_id + R"(","version":"2.1.39","gitBranch":")" + json_escape(s.branch) +
      R"(","slug":"quiet-blue-river","message":{"model":")" + s.model + R"(","id":")" +
      s.message_id + R"(","type":"message","role":"assistant","content":[)" + content +
      R"(],"stop_reason":null,"stop_sequence":null,"usage":)" + usage + "}";
  if (!s.request_id.empty()) line += R"(,"requestId":")" + s.request_id + "\"";
  line += R"(,"type":"assistant","uuid":")" + s.uuid + R"(","timestamp":")" + s.timestamp + "\"}";
  return line;
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
