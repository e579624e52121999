// parse: the reader of GitHub Copilot CLI's OpenTelemetry file export
// (COPILOT_OTEL_FILE_EXPORTER_PATH; docs/ASSISTANTS.md). Usage comes from
// `chat` spans, one per model call; an `invoke_agent` span's total only for a
// trace without any chat span with usage. Tool calls come from
// `execute_tool` spans and join the next chat span under the same parent.
#pragma once

#include <simdjson.h>

#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracker/parse/assistant_log.hpp"
#include "tracker/parse/copilot_spans.hpp"
#include "tracker/parse/copilot_workspace.hpp"

namespace codepulse::tracker {

class CopilotOtelReader final : public JsonlLogReader {
 public:
  bool begin_file(const std::string& path, std::string_view carried) override;
  std::string carried() const override;
  bool wants(std::string_view line) const override;
  LogLineResult parse(std::string_view line, size_t capacity,
                      std::vector<RequestLine>& out) override;
  // Copilot CLI's folder for an export outside <copilot home>/otel/
  // (Sources::copilot_home()); "" leaves such an export without folders.
  void set_copilot_home(std::string home) { copilot_home_ = std::move(home); }

  // A tool call waiting for the chat span it joins.
  struct PendingTool {
    std::string trace_id, parent_span_id;
    ToolCall call;
  };

 private:
  void take_tool(const CopilotSpan& s);
  // Appends the request of a chat (or invoke_agent) span; "" or what is wrong.
  std::string take_usage(const CopilotSpan& s, bool agent_total, std::vector<RequestLine>& out);
  std::vector<ToolCall> claim_tools(const std::string& trace, const std::string& parent);
  void forget_trace(const std::string& trace);
  std::string model_of_trace(const std::string& trace) const;

  simdjson::ondemand::parser parser_;
  std::vector<CopilotSpan> spans_;
  CopilotWorkspaces workspaces_;
  std::string copilot_home_;
  // Carried from line to line (and with the file's offset):
  std::deque<PendingTool> tools_;
  std::deque<std::string> chat_traces_;                           // traces with a counted chat span
  std::deque<std::pair<std::string, std::string>> trace_models_;  // trace -> model
};

}  // namespace codepulse::tracker
