// parse: Copilot CLI OpenTelemetry export lines -> CopilotSpan (copilot_spans.hpp).
// Only the attributes named below are read. gen_ai.input.messages,
// gen_ai.output.messages, gen_ai.system_instructions, gen_ai.tool.definitions,
// gen_ai.tool.call.arguments and gen_ai.tool.call.result (content capture)
// and the span events are skipped unread.
#include "tracker/parse/copilot_spans.hpp"

#include "common/utf8.hpp"
#include "tracker/parse/json_values_internal.hpp"

namespace codepulse::tracker {

using namespace parse_internal;

namespace {

enum class Attr {
  kNone,
  kOperation,
  kResponseId,
  kResponseModel,
  kRequestModel,
  kConversation,
  kToolName,
  kToolCallId,
  kToolFilePath,
  kToolCommand,
  kMcpServer,
  kMcpTool,
  kInput,
  kOutput,
  kCacheRead,
  kCacheWrite,
  kReasoning,
};

Attr attr_of(std::string_view k) {
  if (k.rfind("gen_ai.usage.", 0) == 0) {
    const std::string_view u = k.substr(13);
    if (u == "input_tokens") return Attr::kInput;
    if (u == "output_tokens") return Attr::kOutput;
    if (u == "cache_read.input_tokens") return Attr::kCacheRead;
    // Copilot CLI writes cache_write; the semantic conventions name it cache_creation.
    if (u == "cache_write.input_tokens" || u == "cache_creation.input_tokens")
      return Attr::kCacheWrite;
    if (u == "reasoning.output_tokens") return Attr::kReasoning;
    return Attr::kNone;
  }
  if (k == "gen_ai.operation.name") return Attr::kOperation;
  if (k == "gen_ai.response.id") return Attr::kResponseId;
  if (k == "gen_ai.response.model") return Attr::kResponseModel;
  if (k == "gen_ai.request.model") return Attr::kRequestModel;
  if (k == "gen_ai.conversation.id") return Attr::kConversation;
  if (k == "gen_ai.tool.name") return Attr::kToolName;
  if (k == "gen_ai.tool.call.id") return Attr::kToolCallId;
  if (k == "github.copilot.tool.parameters.file_path") return Attr::kToolFilePath;
  if (k == "github.copilot.tool.parameters.command") return Attr::kToolCommand;
  if (k == "github.copilot.tool.parameters.mcp_server_name") return Attr::kMcpServer;
  if (k == "github.copilot.tool.parameters.mcp_tool_name") return Attr::kMcpTool;
  return Attr::kNone;
}

// A count: a JSON integer, or one written as a string (OTLP's intValue).
bool read_attr_count(od::value v, int64_t& out) {
  od::json_type t;
  if (v.type().get(t)) return false;
  if (t == od::json_type::number) return read_count(v, out);
  std::string_view s;
  if (t != od::json_type::string || v.get_string().get(s) || s.empty() || s.size() > 10)
    return false;
  int64_t x = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    x = x * 10 + (c - '0');
  }
  if (x > kMaxTokenCount) return false;
  out = x;
  return true;
}

// Takes one attribute; false (with `error`) when a token count is no count.
bool take_attr(CopilotSpan& s, Attr a, od::value v, std::string& error) {
  int64_t* count = nullptr;
  std::string* text = nullptr;
  switch (a) {
    case Attr::kNone:
      return true;
    case Attr::kOperation:
      text = &s.operation;
      break;
    case Attr::kResponseId:
      text = &s.response_id;
      break;
    case Attr::kResponseModel:
      text = &s.response_model;
      break;
    case Attr::kRequestModel:
      text = &s.request_model;
      break;
    case Attr::kConversation:
      text = &s.conversation_id;
      break;
    case Attr::kToolName:
      text = &s.tool_name;
      break;
    case Attr::kToolCallId:
      text = &s.tool_call_id;
      break;
    case Attr::kToolFilePath:
      text = &s.tool_file_path;
      break;
    case Attr::kToolCommand:
      text = &s.tool_command;
      break;
    case Attr::kMcpServer:
      text = &s.mcp_server;
      break;
    case Attr::kMcpTool:
      text = &s.mcp_tool;
      break;
    case Attr::kInput:
      count = &s.input;
      break;
    case Attr::kOutput:
      count = &s.output;
      break;
    case Attr::kCacheRead:
      count = &s.cache_read;
      break;
    case Attr::kCacheWrite:
      count = &s.cache_write;
      break;
    case Attr::kReasoning:
      count = &s.reasoning;
      break;
  }
  if (text) {
    read_string(v, *text);  // anything but a string leaves it empty
    return true;
  }
  bool null = false;
  if (!v.is_null().get(null) && null) return true;
  if (!read_attr_count(v, *count)) {
    error = "a gen_ai.usage attribute is not a token count";
    return false;
  }
  s.has_usage = true;
  return true;
}

// [seconds, nanoseconds] (Copilot CLI) -> ms; 0 when absent or broken.
int64_t read_hr_time(od::value v) {
  od::array a;
  if (v.get_array().get(a)) return 0;
  int64_t parts[2] = {0, 0};
  int n = 0;
  for (auto e : a) {
    od::value x;
    int64_t part = 0;
    if (e.get(x) || x.get_int64().get(part) || part < 0 || n >= 2) return 0;
    parts[n++] = part;
  }
  if (n != 2 || parts[0] > 253'402'300'799) return 0;  // past 9999-12-31
  return parts[0] * 1000 + parts[1] / 1'000'000;
}

// Unix nanoseconds as a JSON number or string (OTLP) -> ms; 0 when broken.
int64_t read_unix_nanos(od::value v) {
  od::json_type t;
  if (v.type().get(t)) return 0;
  uint64_t ns = 0;
  if (t == od::json_type::number) {
    if (v.get_uint64().get(ns)) return 0;
  } else {
    std::string_view s;
    if (v.get_string().get(s) || s.empty() || s.size() > 20) return 0;
    for (char c : s) {
      if (c < '0' || c > '9') return 0;
      ns = ns * 10 + static_cast<uint64_t>(c - '0');
    }
  }
  return static_cast<int64_t>(ns / 1'000'000);
}

// A flat attribute object {"key": value, ...}.
const char* read_flat_attributes(od::value v, CopilotSpan& s, std::string& error) {
  od::object obj;
  if (v.get_object().get(obj)) return "attributes is not an object";
  for (auto field : obj) {
    std::string_view k;
    od::value value;
    if (field.unescaped_key().get(k) || field.value().get(value)) return "broken attributes object";
    if (!take_attr(s, attr_of(k), value, error)) return nullptr;
  }
  return nullptr;
}

// An OTLP attribute list [{"key": k, "value": {"stringValue"|"intValue"|...: v}}].
// `version` collects service.version from a resource's list.
const char* read_otlp_attributes(od::value v, CopilotSpan* s, std::string* version,
                                 std::string& error) {
  od::array list;
  if (v.get_array().get(list)) return "attributes is not an array";
  for (auto e : list) {
    od::object kv;
    if (e.get_object().get(kv)) return "broken attribute";
    std::string key;
    for (auto field : kv) {
      od::raw_json_string name;
      od::value value;
      if (!read_field(field, name, value)) return "broken attribute";
      if (name == "key") {
        read_string(value, key);
      } else if (name == "value" && !key.empty()) {
        const Attr a = s ? attr_of(key) : Attr::kNone;
        const bool wants_version = version && key == "service.version";
        if (a == Attr::kNone && !wants_version) continue;
        od::object typed;
        if (value.get_object().get(typed)) return "broken attribute value";
        for (auto tf : typed) {
          od::raw_json_string type;
          od::value inner;
          if (!read_field(tf, type, inner)) return "broken attribute value";
          if (wants_version && type == "stringValue") read_string(inner, *version);
          if (s && !take_attr(*s, a, inner, error)) return nullptr;
        }
      }
    }
    if (!error.empty()) return nullptr;
  }
  return nullptr;
}

const char* read_resource(od::value v, std::string& version, std::string& error, bool otlp) {
  od::object obj;
  if (v.get_object().get(obj)) return nullptr;  // not needed: ignore its shape
  for (auto field : obj) {
    od::raw_json_string key;
    od::value value;
    if (!read_field(field, key, value)) return "broken resource object";
    if (key != "attributes") continue;
    if (otlp) return read_otlp_attributes(value, nullptr, &version, error);
    od::object attrs;
    if (value.get_object().get(attrs)) return nullptr;
    for (auto af : attrs) {
      od::raw_json_string name;
      od::value av;
      if (!read_field(af, name, av)) return "broken resource attributes";
      if (name == "service.version") read_string(av, version);
    }
  }
  return nullptr;
}

// A field of a span object in either shape: Copilot CLI's (times as
// [s, ns], flat attributes) or OTLP's (times in ns, attribute lists).
const char* read_span_field(bool otlp, od::raw_json_string key, od::value v, CopilotSpan& s,
                            int64_t& start_ms, std::string& error) {
  if (key == "traceId") {
    read_string(v, s.trace_id);
  } else if (key == "spanId") {
    read_string(v, s.span_id);
  } else if (key == "parentSpanId") {
    read_string(v, s.parent_span_id);
  } else if (key == "name") {
    read_string(v, s.name);
  } else if (key == (otlp ? "startTimeUnixNano" : "startTime")) {
    start_ms = otlp ? read_unix_nanos(v) : read_hr_time(v);
  } else if (key == (otlp ? "endTimeUnixNano" : "endTime")) {
    s.end_ms = otlp ? read_unix_nanos(v) : read_hr_time(v);
  } else if (key == "attributes") {
    return otlp ? read_otlp_attributes(v, &s, nullptr, error) : read_flat_attributes(v, s, error);
  } else if (key == "status") {
    od::object status;
    int64_t code = 0;
    if (!v.get_object().get(status) && !status["code"].get_int64().get(code)) s.failed = code == 2;
  }
  // events (sandbox paths, messages), kind: not read.
  return nullptr;
}

// One OTLP span object.
const char* read_otlp_span(od::object span, CopilotSpan& s, std::string& error) {
  int64_t start_ms = 0;
  for (auto field : span) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return "broken span object";
    if (const char* broken = read_span_field(true, key, v, s, start_ms, error)) return broken;
    if (!error.empty()) return nullptr;
  }
  if (s.end_ms == 0) s.end_ms = start_ms;
  return nullptr;
}

// {"resourceSpans": [{"resource": ..., "scopeSpans": [{"scope": ..., "spans": [...]}]}]}
const char* read_resource_spans(od::value v, std::vector<CopilotSpan>& out, std::string& error) {
  od::array resources;
  if (v.get_array().get(resources)) return "resourceSpans is not an array";
  for (auto r : resources) {
    od::object resource;
    if (r.get_object().get(resource)) return "broken resourceSpans entry";
    const size_t first = out.size();
    std::string version;
    for (auto field : resource) {
      od::raw_json_string key;
      od::value value;
      if (!read_field(field, key, value)) return "broken resourceSpans entry";
      if (key == "resource") {
        if (const char* broken = read_resource(value, version, error, true)) return broken;
      } else if (key == "scopeSpans") {
        od::array scopes;
        if (value.get_array().get(scopes)) return "scopeSpans is not an array";
        for (auto sc : scopes) {
          od::object scope;
          if (sc.get_object().get(scope)) return "broken scopeSpans entry";
          for (auto sf : scope) {
            od::raw_json_string skey;
            od::value sv;
            if (!read_field(sf, skey, sv)) return "broken scopeSpans entry";
            if (skey != "spans") continue;
            od::array spans;
            if (sv.get_array().get(spans)) return "spans is not an array";
            for (auto sp : spans) {
              od::object span;
              if (sp.get_object().get(span)) return "broken span";
              out.emplace_back();
              if (const char* broken = read_otlp_span(span, out.back(), error)) return broken;
              if (!error.empty()) return nullptr;
            }
          }
        }
      }
    }
    for (size_t i = first; i < out.size(); ++i)
      if (out[i].version.empty()) out[i].version = version;
  }
  return nullptr;
}

// The line's top-level object: a Copilot CLI span, an OTLP TracesData, or
// something else (a metric). `is_span` tells which was found.
const char* read_top(od::object top, std::vector<CopilotSpan>& out, std::string& error,
                     bool& is_span, bool& other) {
  CopilotSpan s;
  int64_t start_ms = 0;
  bool otlp = false;
  for (auto field : top) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return "broken JSON object";
    if (key == "type") {
      std::string type;
      read_string(v, type);
      if (type != "span") {
        // Copilot CLI writes spans and metrics; OpenTelemetry files may hold
        // log records too. Another type is another tool's line.
        if (type != "metric" && type != "log") error = "not an OpenTelemetry span or metric line";
        other = true;
        return nullptr;
      }
      is_span = true;
    } else if (key == "resourceSpans") {
      otlp = true;
      if (const char* broken = read_resource_spans(v, out, error)) return broken;
      if (!error.empty()) return nullptr;
    } else if (key == "resource") {
      if (const char* broken = read_resource(v, s.version, error, false)) return broken;
    } else {
      if (const char* broken = read_span_field(false, key, v, s, start_ms, error)) return broken;
      if (!error.empty()) return nullptr;
    }
  }
  if (otlp) {
    is_span = true;
    return nullptr;
  }
  if (!is_span && s.span_id.empty() && s.trace_id.empty()) {
    error = "not an OpenTelemetry span or metric line";
    other = true;
    return nullptr;
  }
  is_span = true;
  if (s.end_ms == 0) s.end_ms = start_ms;
  out.push_back(std::move(s));
  return nullptr;
}

LogLineResult parse_text(simdjson::ondemand::parser& parser, const char* data, size_t len,
                         size_t capacity, std::vector<CopilotSpan>& out) {
  LogLineResult r;
  od::document doc;
  od::object top;
  if (auto err = parser.iterate(data, len, capacity).get(doc); err) {
    r.kind = LogLineKind::kMalformed;
    r.error = err == simdjson::UTF8_ERROR ? "invalid UTF-8" : simdjson::error_message(err);
    return r;
  }
  if (auto err = doc.get_object().get(top); err) {
    r.kind = LogLineKind::kMalformed;
    r.error = err == simdjson::UTF8_ERROR ? "invalid UTF-8" : "not a JSON object";
    return r;
  }
  bool is_span = false, other = false;
  std::string error;
  const size_t first = out.size();
  if (const char* broken = read_top(top, out, error, is_span, other)) {
    out.resize(first);
    r.kind = LogLineKind::kMalformed;
    r.error = broken;
    return r;
  }
  if (!error.empty()) {
    out.resize(first);
    r.kind = LogLineKind::kInvalid;
    r.error = error;
    return r;
  }
  if (other) return r;  // a metric or log record: nothing of ours
  if (const char* rest = nullptr; !doc.current_location().get(rest)) {
    out.resize(first);
    r.kind = LogLineKind::kMalformed;
    r.error = "trailing content after the JSON object";
  }
  return r;
}

}  // namespace

LogLineResult parse_copilot_spans(simdjson::ondemand::parser& parser, std::string_view line,
                                  size_t capacity, std::vector<CopilotSpan>& out) {
  LogLineResult r = parse_text(parser, line.data(), line.size(), capacity, out);
  if (r.kind == LogLineKind::kMalformed && r.error == "invalid UTF-8") {
    // A corrupt byte in some text must not lose the usage around it: read a
    // copy with invalid bytes replaced (only ids and numbers are kept).
    std::string repaired = replace_invalid_utf8(line);
    const size_t len = repaired.size();
    repaired.append(simdjson::SIMDJSON_PADDING, ' ');
    r = parse_text(parser, repaired.data(), len, repaired.size(), out);
  }
  return r;
}

}  // namespace codepulse::tracker
