// Copilot CLI OpenTelemetry export lines for tests, in the shape
// @github/copilot 1.0.102 writes with COPILOT_OTEL_FILE_EXPORTER_PATH (one
// span per line: "type":"span", traceId/spanId/parentSpanId, name,
// startTime/endTime as [seconds, nanoseconds], attributes as a flat object,
// status, events, resource, instrumentationScope; then "type":"metric"
// lines), and as the OTLP/JSON TracesData of the OpenTelemetry file-exporter
// spec. Every content attribute (prompts, answers, system instructions, tool
// definitions, arguments and results, span events) holds the canary given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace codepulse::test {

struct CopilotChatSpan {
  std::string trace = "4f1c0a0e5b6d7c8e9f00112233445566", span, parent = "aa00000000000001";
  std::string conversation = "6f1b6a4e-0d5c-4b7e-9c61-2a8f0e3d9b10";
  std::string response_id, model = "claude-sonnet-4.5", request_model;  // "" request: = model
  int64_t end_s = 1796439394;                                           // 2026-12-05
  // As Copilot CLI writes them: input includes the cache reads and writes.
  int64_t input = 0, output = 0, cache_read = 0, cache_write = 0, reasoning = 0;
  bool usage = true;
};

struct CopilotToolSpan {
  std::string trace = "4f1c0a0e5b6d7c8e9f00112233445566", span, parent = "aa00000000000001";
  std::string conversation = "6f1b6a4e-0d5c-4b7e-9c61-2a8f0e3d9b10";
  std::string name, call_id, file_path, command;  // path/command: with content capture only
  int64_t end_s = 1796439394;
};

struct CopilotAgentSpan {
  std::string trace = "4f1c0a0e5b6d7c8e9f00112233445566", span = "aa00000000000001", parent;
  std::string conversation = "6f1b6a4e-0d5c-4b7e-9c61-2a8f0e3d9b10";
  int64_t end_s = 1796439395;
  int64_t input = 0, output = 0;  // the turn's totals (no cache split)
};

// A chat span with its id, response id and usage as Copilot writes it.
CopilotChatSpan copilot_chat(const std::string& span, const std::string& response_id, int64_t input,
                             int64_t output, int64_t cache_read, int64_t cache_write);
std::string copilot_chat_line(const CopilotChatSpan& c, const std::string& canary);
std::string copilot_tool_line(const CopilotToolSpan& t, const std::string& canary);
std::string copilot_agent_line(const CopilotAgentSpan& a, const std::string& canary);
// A metric line as Copilot CLI writes them after its spans.
std::string copilot_metric_line();
// The same chat spans as one OTLP/JSON TracesData line (intValue as strings).
std::string copilot_otlp_line(const std::vector<CopilotChatSpan>& chats, const std::string& canary);
// A session's workspace.yaml as Copilot CLI writes it; its name is the first prompt.
std::string copilot_workspace_yaml(const std::string& id, const std::string& cwd,
                                   const std::string& branch, const std::string& canary);

}  // namespace codepulse::test
