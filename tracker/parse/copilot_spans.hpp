// parse: the spans of one line of a Copilot CLI OpenTelemetry file export,
// reduced to the attributes codepulse reads. Two shapes are read: the line
// Copilot CLI's own file exporter writes (one span per line, "type":"span",
// attributes as a flat object; seen from @github/copilot 1.0.102) and the
// OTLP/JSON TracesData of the OpenTelemetry file-exporter spec
// (resourceSpans/scopeSpans/spans, attributes as [{key, value}]).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tracker/parse/assistant_log.hpp"

namespace codepulse::tracker {

struct CopilotSpan {
  std::string trace_id, span_id, parent_span_id, name;
  int64_t end_ms = 0;           // endTime, else startTime (UTC ms)
  std::string operation;        // gen_ai.operation.name ("chat", "execute_tool", ...)
  std::string response_id;      // gen_ai.response.id
  std::string response_model;   // gen_ai.response.model
  std::string request_model;    // gen_ai.request.model
  std::string conversation_id;  // gen_ai.conversation.id
  std::string version;          // resource service.version
  std::string tool_name;        // gen_ai.tool.name
  std::string tool_call_id;     // gen_ai.tool.call.id
  std::string tool_file_path;   // github.copilot.tool.parameters.file_path
  std::string tool_command;     // github.copilot.tool.parameters.command
  std::string mcp_server, mcp_tool;
  bool failed = false;  // status.code 2 (ERROR)
  // gen_ai.usage.*: as logged (input includes the cache reads and writes).
  bool has_usage = false;
  int64_t input = 0, output = 0, cache_read = 0, cache_write = 0, reasoning = 0;
};

// Appends the spans of `line` (bytes up to line.data() + capacity readable)
// to `out`. kIgnored: a line that holds no span (a metric, a log record);
// kMalformed / kInvalid with the reason otherwise.
LogLineResult parse_copilot_spans(simdjson::ondemand::parser& parser, std::string_view line,
                                  size_t capacity, std::vector<CopilotSpan>& out);

}  // namespace codepulse::tracker
