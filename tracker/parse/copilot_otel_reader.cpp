// parse: Copilot CLI OpenTelemetry spans -> RequestLines (copilot_otel_reader.hpp).
#include "tracker/parse/copilot_otel_reader.hpp"

#include <algorithm>

#include "common/json_writer.hpp"
#include "common/record/assistant.hpp"
#include "tracker/parse/git_commit_command.hpp"

namespace codepulse::tracker {
namespace {

// How much is carried: enough for the spans of the turns in flight.
constexpr size_t kMaxPendingTools = 512;
constexpr size_t kMaxTraces = 256;

std::string operation_of(const CopilotSpan& s) {
  if (!s.operation.empty()) return s.operation;
  for (std::string_view op : {"chat", "execute_tool", "invoke_agent"}) {
    if (s.name.rfind(op, 0) == 0 && (s.name.size() == op.size() || s.name[op.size()] == ' '))
      return std::string(op);
  }
  return {};
}

// Copilot CLI's built-in tools: view reads a file; create, edit (and the
// apply_patch of its GPT models) change one; bash runs a command.
ToolKind kind_of(const CopilotSpan& s) {
  const std::string& n = s.tool_name;
  if (n == "view") return ToolKind::kRead;
  if (n == "create" || n == "edit" || n == "apply_patch" || n == "str_replace_editor")
    return ToolKind::kChange;
  if (!s.tool_command.empty() && is_git_commit_command(s.tool_command)) return ToolKind::kGitCommit;
  return ToolKind::kOther;
}

// The carried state is JSON: {"tools":[[trace, parent, id, name, path, kind]...],
// "chats":[trace...], "models":[[trace, model]...]}.
bool read_text(simdjson::dom::element e, std::string& out) {
  std::string_view s;
  if (e.get_string().get(s)) return false;
  out.assign(s);
  return true;
}

}  // namespace

bool CopilotOtelReader::begin_file(const std::string& path, std::string_view carried) {
  tools_.clear();
  chat_traces_.clear();
  trace_models_.clear();
  std::string home = CopilotWorkspaces::home_of_export(path);
  workspaces_.set_home(home.empty() ? copilot_home_ : std::move(home));
  if (carried.empty()) return true;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(carried.data(), carried.size()).get(doc)) return false;
  simdjson::dom::array tools, chats, models;
  if (doc["tools"].get_array().get(tools) || doc["chats"].get_array().get(chats) ||
      doc["models"].get_array().get(models))
    return false;
  for (simdjson::dom::element t : tools) {
    simdjson::dom::array a;
    PendingTool pt;
    int64_t kind = 0;
    if (t.get_array().get(a) || a.size() != 6 || !read_text(a.at(0), pt.trace_id) ||
        !read_text(a.at(1), pt.parent_span_id) || !read_text(a.at(2), pt.call.id) ||
        !read_text(a.at(3), pt.call.name) || !read_text(a.at(4), pt.call.file_path) ||
        a.at(5).get_int64().get(kind) || kind < 0 || kind > 3)
      return false;
    pt.call.kind = static_cast<ToolKind>(kind);
    tools_.push_back(std::move(pt));
  }
  for (simdjson::dom::element c : chats) {
    std::string trace;
    if (!read_text(c, trace)) return false;
    chat_traces_.push_back(std::move(trace));
  }
  for (simdjson::dom::element m : models) {
    simdjson::dom::array a;
    std::pair<std::string, std::string> tm;
    if (m.get_array().get(a) || a.size() != 2 || !read_text(a.at(0), tm.first) ||
        !read_text(a.at(1), tm.second))
      return false;
    trace_models_.push_back(std::move(tm));
  }
  return true;
}

std::string CopilotOtelReader::carried() const {
  if (tools_.empty() && chat_traces_.empty() && trace_models_.empty()) return {};
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("tools").begin_array();
  for (const PendingTool& t : tools_) {
    w.begin_array().value(t.trace_id).value(t.parent_span_id).value(t.call.id);
    w.value(t.call.name).value(t.call.file_path).value(static_cast<int64_t>(t.call.kind));
    w.end_array();
  }
  w.end_array().key("chats").begin_array();
  for (const std::string& c : chat_traces_)
    w.value(c);
  w.end_array().key("models").begin_array();
  for (const auto& [trace, model] : trace_models_)
    w.begin_array().value(trace).value(model).end_array();
  w.end_array().end_object();
  return out;
}

// Metric lines, most of a file, start with their type. Anything else is
// read, so a broken line is reported.
bool CopilotOtelReader::wants(std::string_view line) const {
  return line.rfind(R"({"type":"metric")", 0) != 0;
}

LogLineResult CopilotOtelReader::parse(std::string_view line, size_t capacity,
                                       std::vector<RequestLine>& out) {
  spans_.clear();
  LogLineResult r = parse_copilot_spans(parser_, line, capacity, spans_);
  if (r.kind != LogLineKind::kIgnored) return r;
  std::string problem;
  const size_t before = out.size();
  for (const CopilotSpan& s : spans_) {
    const std::string op = operation_of(s);
    std::string wrong;
    if (op == "execute_tool") {
      take_tool(s);
    } else if (op == "chat") {
      wrong = take_usage(s, false, out);
    } else if (op == "invoke_agent") {
      const bool counted =
          std::find(chat_traces_.begin(), chat_traces_.end(), s.trace_id) != chat_traces_.end();
      if (s.has_usage && !counted) wrong = take_usage(s, true, out);
      if (s.parent_span_id.empty()) forget_trace(s.trace_id);  // the turn is over
    }
    if (problem.empty()) problem = wrong;
  }
  if (out.size() > before) {
    r.kind = LogLineKind::kRequests;
  } else if (!problem.empty()) {
    r.kind = LogLineKind::kInvalid;
    r.error = problem;
  }
  return r;
}

void CopilotOtelReader::take_tool(const CopilotSpan& s) {
  PendingTool t;
  t.trace_id = s.trace_id;
  t.parent_span_id = s.parent_span_id;
  t.call.id = s.tool_call_id.empty() ? s.span_id : s.tool_call_id;
  t.call.name = !s.mcp_server.empty() && !s.mcp_tool.empty()
                    ? "mcp:" + s.mcp_server + "/" + s.mcp_tool
                    : (s.tool_name.empty() ? std::string("unknown") : s.tool_name);
  t.call.kind = kind_of(s);
  if (t.call.kind == ToolKind::kRead || t.call.kind == ToolKind::kChange)
    t.call.file_path = s.tool_file_path;
  if (tools_.size() >= kMaxPendingTools) tools_.pop_front();
  tools_.push_back(std::move(t));
}

std::vector<ToolCall> CopilotOtelReader::claim_tools(const std::string& trace,
                                                     const std::string& parent) {
  std::vector<ToolCall> calls;
  for (auto it = tools_.begin(); it != tools_.end();) {
    if (it->trace_id == trace && it->parent_span_id == parent) {
      calls.push_back(std::move(it->call));
      it = tools_.erase(it);
    } else {
      ++it;
    }
  }
  return calls;
}

void CopilotOtelReader::forget_trace(const std::string& trace) {
  tools_.erase(std::remove_if(tools_.begin(), tools_.end(),
                              [&](const PendingTool& t) { return t.trace_id == trace; }),
               tools_.end());
  chat_traces_.erase(std::remove(chat_traces_.begin(), chat_traces_.end(), trace),
                     chat_traces_.end());
  trace_models_.erase(std::remove_if(trace_models_.begin(), trace_models_.end(),
                                     [&](const auto& tm) { return tm.first == trace; }),
                      trace_models_.end());
}

std::string CopilotOtelReader::model_of_trace(const std::string& trace) const {
  for (auto it = trace_models_.rbegin(); it != trace_models_.rend(); ++it)
    if (it->first == trace) return it->second;
  return {};
}

std::string CopilotOtelReader::take_usage(const CopilotSpan& s, bool agent_total,
                                          std::vector<RequestLine>& out) {
  std::string model = !s.response_model.empty() ? s.response_model : s.request_model;
  if (!agent_total && !model.empty() && !s.trace_id.empty() &&
      model_of_trace(s.trace_id) != model) {
    if (trace_models_.size() >= kMaxTraces) trace_models_.pop_front();
    trace_models_.emplace_back(s.trace_id, model);
  }
  if (!s.has_usage) {
    if (s.failed) return {};  // a failed call: nothing billed, nothing to tell
    return "chat span without gen_ai.usage attributes: its tokens are not counted";
  }
  if (s.end_ms <= 0) return "span without startTime/endTime";
  if (s.response_id.empty() && (s.trace_id.empty() || s.span_id.empty()))
    return "span without gen_ai.response.id or trace and span ids";
  RequestLine r;
  r.assistant = kCopilotCli;
  // gen_ai.usage.input_tokens includes the cache reads and writes (OTel GenAI
  // conventions; Copilot CLI 1.0.102 writes it so): the uncached rest is
  // input - both. A total smaller than its cache parts did not include them.
  const int64_t cached = s.cache_read + s.cache_write;
  r.tokens.input = cached <= s.input ? s.input - cached : s.input;
  r.tokens.cache_read = s.cache_read;
  r.tokens.cache_write_5m = s.cache_write;
  // output_tokens includes the reasoning tokens; a reasoning count above it
  // cannot be inside it.
  r.tokens.output = s.output;
  r.tokens.reasoning = s.reasoning;
  if (s.reasoning > s.output) r.tokens.output += s.reasoning;
  if (r.tokens.input + r.tokens.output + r.tokens.cache_read + r.tokens.cache_write_5m == 0)
    return {};
  r.message_id =
      agent_total || s.response_id.empty() ? s.trace_id + ":" + s.span_id : s.response_id;
  r.session_id = !s.conversation_id.empty() ? s.conversation_id : s.trace_id;
  r.turn_id = s.trace_id;
  r.model = !model.empty() ? model : model_of_trace(s.trace_id);
  r.timestamp_ms = s.end_ms;
  r.cc_version = s.version;
  const CopilotWorkspace& w = workspaces_.find(r.session_id);
  r.cwd = w.cwd;
  r.git_branch = w.branch;
  r.tools =
      agent_total ? claim_tools(s.trace_id, s.span_id) : claim_tools(s.trace_id, s.parent_span_id);
  if (!agent_total) {
    if (chat_traces_.size() >= kMaxTraces) chat_traces_.pop_front();
    if (std::find(chat_traces_.begin(), chat_traces_.end(), s.trace_id) == chat_traces_.end())
      chat_traces_.push_back(s.trace_id);
  }
  out.push_back(std::move(r));
  return {};
}

}  // namespace codepulse::tracker
