// Copilot CLI OpenTelemetry export lines for tests (copilot_otel_lines.hpp).
#include "tests/support/copilot_otel_lines.hpp"

#include "common/json_writer.hpp"

namespace codepulse::test {
namespace {

void hr_time(JsonWriter& w, const char* key, int64_t s, int64_t ns) {
  w.key(key).begin_array().value(s).value(ns).end_array();
}

// The span's common head: type, ids, name, kind, times.
void head(JsonWriter& w, const std::string& trace, const std::string& span,
          const std::string& parent, const std::string& name, int kind, int64_t end_s) {
  w.begin_object().field("type", "span").field("traceId", trace).field("spanId", span);
  if (!parent.empty()) w.field("parentSpanId", parent);
  w.field("name", name).field("kind", kind);
  hr_time(w, "startTime", end_s - 1, 411000000);
  hr_time(w, "endTime", end_s, 481000000);
}

// status, events (a sandbox event holding the canary), resource, scope.
void tail(JsonWriter& w, const std::string& canary) {
  w.key("status").begin_object().field("code", 0).end_object();
  w.key("events").begin_array().begin_object().field("name",
                                                     "github.copilot.sandbox.enforcement_state");
  w.key("attributes").begin_object().field("github.copilot.sandbox.command", canary + " event");
  w.end_object();
  hr_time(w, "time", 1796439394, 0);
  w.field("droppedAttributesCount", 0).end_object().end_array();
  w.key("resource").begin_object().key("attributes").begin_object();
  w.field("service.version", "1.0.102").field("service.name", "github-copilot").end_object();
  w.field("schemaUrl", "https://opentelemetry.io/schemas/1.44.0").end_object();
  w.key("instrumentationScope").begin_object().field("name", "github.copilot");
  w.field("version", "1.0.102").end_object();
  w.end_object();
}

// The content attributes OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT adds.
void content(JsonWriter& w, const std::string& canary) {
  w.field("gen_ai.input.messages",
          R"([{"role":"user","parts":[{"type":"text","content":")" + canary + R"( prompt"}]}])");
  w.field("gen_ai.output.messages", R"([{"role":"assistant","parts":[{"type":"text","content":")" +
                                        canary + R"( answer"}]}])");
  w.field("gen_ai.system_instructions",
          R"([{"type":"text","content":")" + canary + R"( instructions"}])");
  w.field("gen_ai.tool.definitions",
          R"([{"type":"function","name":"bash","description":")" + canary + R"( tools"}])");
}

}  // namespace

CopilotChatSpan copilot_chat(const std::string& span, const std::string& response_id, int64_t input,
                             int64_t output, int64_t cache_read, int64_t cache_write) {
  CopilotChatSpan c;
  c.span = span;
  c.response_id = response_id;
  c.input = input;
  c.output = output;
  c.cache_read = cache_read;
  c.cache_write = cache_write;
  return c;
}

std::string copilot_chat_line(const CopilotChatSpan& c, const std::string& canary) {
  std::string out;
  JsonWriter w(out);
  head(w, c.trace, c.span, c.parent, "chat " + c.model, 2, c.end_s);
  w.key("attributes").begin_object();
  w.field("gen_ai.operation.name", "chat").field("gen_ai.provider.name", "anthropic");
  w.field("gen_ai.request.model", c.request_model.empty() ? c.model : c.request_model);
  w.field("gen_ai.conversation.id", c.conversation).field("gen_ai.request.stream", true);
  w.field("server.address", "127.0.0.1").field("server.port", 18931);
  w.key("gen_ai.response.finish_reasons").begin_array().value("stop").end_array();
  if (c.usage) {
    w.field("gen_ai.usage.input_tokens", c.input).field("gen_ai.usage.output_tokens", c.output);
    if (c.cache_read) w.field("gen_ai.usage.cache_read.input_tokens", c.cache_read);
    if (c.cache_write) w.field("gen_ai.usage.cache_write.input_tokens", c.cache_write);
    if (c.reasoning) w.field("gen_ai.usage.reasoning.output_tokens", c.reasoning);
    w.field("gen_ai.response.model", c.model);
    if (!c.response_id.empty()) w.field("gen_ai.response.id", c.response_id);
  }
  w.field("github.copilot.cost", 0.0).field("github.copilot.initiator", "agent");
  w.field("github.copilot.turn_id", "0");
  content(w, canary);
  w.end_object();
  tail(w, canary);
  return out;
}

std::string copilot_tool_line(const CopilotToolSpan& t, const std::string& canary) {
  std::string out;
  JsonWriter w(out);
  head(w, t.trace, t.span, t.parent, "execute_tool " + t.name, 0, t.end_s);
  w.key("attributes").begin_object();
  w.field("gen_ai.operation.name", "execute_tool").field("gen_ai.conversation.id", t.conversation);
  w.field("gen_ai.tool.name", t.name).field("gen_ai.tool.call.id", t.call_id);
  w.field("gen_ai.tool.type", "function").field("gen_ai.provider.name", "anthropic");
  w.field("gen_ai.tool.description", canary + " description");
  w.field("gen_ai.tool.call.arguments", R"({"path":")" + canary + R"( args"})");
  if (!t.file_path.empty()) w.field("github.copilot.tool.parameters.file_path", t.file_path);
  if (!t.command.empty()) w.field("github.copilot.tool.parameters.command", t.command);
  w.field("gen_ai.tool.call.result", canary + " result");
  w.end_object();
  tail(w, canary);
  return out;
}

std::string copilot_agent_line(const CopilotAgentSpan& a, const std::string& canary) {
  std::string out;
  JsonWriter w(out);
  head(w, a.trace, a.span, a.parent, "invoke_agent", 0, a.end_s);
  w.key("attributes").begin_object();
  w.field("gen_ai.operation.name", "invoke_agent").field("gen_ai.provider.name", "anthropic");
  w.field("gen_ai.conversation.id", a.conversation).field("github.copilot.agent.type", "builtin");
  w.key("gen_ai.response.finish_reasons").begin_array().value("stop").end_array();
  w.field("gen_ai.usage.input_tokens", a.input).field("gen_ai.usage.output_tokens", a.output);
  w.field("github.copilot.turn_count", 2);
  content(w, canary);
  w.end_object();
  tail(w, canary);
  return out;
}

std::string copilot_metric_line() {
  return R"({"type":"metric","name":"gen_ai.client.inference.usage.input_tokens",)"
         R"("description":"The number of input tokens used, including cached tokens.",)"
         R"("unit":"{token}","dataPoints":[{"attributes":{"gen_ai.operation.name":"chat",)"
         R"("gen_ai.provider.name":"anthropic","gen_ai.request.model":"claude-sonnet-4.5"},)"
         R"("startTime":[1796439340,904476344],"endTime":[1796439342,91361223],"value":4050}],)"
         R"("resource":{"attributes":{"service.version":"1.0.102","service.name":)"
         R"("github-copilot"}},"instrumentationScope":{"name":"github.copilot"}})";
}

std::string copilot_otlp_line(const std::vector<CopilotChatSpan>& chats,
                              const std::string& canary) {
  std::string out;
  JsonWriter w(out);
  auto attr = [&w](const std::string& k, const std::string& type, const std::string& v) {
    w.begin_object().field("key", k).key("value").begin_object().field(type, v).end_object();
    w.end_object();
  };
  w.begin_object().key("resourceSpans").begin_array().begin_object();
  w.key("resource").begin_object().key("attributes").begin_array();
  attr("service.name", "stringValue", "github-copilot");
  attr("service.version", "stringValue", "1.0.102");
  w.end_array().end_object();
  w.key("scopeSpans").begin_array().begin_object();
  w.key("scope").begin_object().field("name", "github.copilot").end_object();
  w.key("spans").begin_array();
  for (const CopilotChatSpan& c : chats) {
    w.begin_object().field("traceId", c.trace).field("spanId", c.span);
    w.field("parentSpanId", c.parent).field("name", "chat " + c.model).field("kind", 3);
    w.field("startTimeUnixNano", std::to_string((c.end_s - 1) * 1000000000));
    w.field("endTimeUnixNano", std::to_string(c.end_s * 1000000000 + 481000000));
    w.key("attributes").begin_array();
    attr("gen_ai.operation.name", "stringValue", "chat");
    attr("gen_ai.conversation.id", "stringValue", c.conversation);
    attr("gen_ai.request.model", "stringValue", c.model);
    attr("gen_ai.response.model", "stringValue", c.model);
    attr("gen_ai.input.messages", "stringValue", canary + " otlp prompt");
    attr("gen_ai.usage.input_tokens", "intValue", std::to_string(c.input));
    attr("gen_ai.usage.output_tokens", "intValue", std::to_string(c.output));
    attr("gen_ai.usage.cache_read.input_tokens", "intValue", std::to_string(c.cache_read));
    attr("gen_ai.usage.cache_creation.input_tokens", "intValue", std::to_string(c.cache_write));
    if (!c.response_id.empty()) attr("gen_ai.response.id", "stringValue", c.response_id);
    attr("gen_ai.output.messages", "stringValue", canary + " otlp answer");
    w.end_array();
    w.key("status").begin_object().end_object().end_object();
  }
  w.end_array().end_object().end_array().end_object().end_array().end_object();
  return out;
}

std::string copilot_workspace_yaml(const std::string& id, const std::string& cwd,
                                   const std::string& branch, const std::string& canary) {
  return "id: " + id + "\ncwd: " + cwd + "\ngit_root: " + cwd +
         "\nrepository: acme/widgets\nhost_type: github\nbranch: " + branch +
         "\nclient_name: github/cli\nname: " + canary +
         " first prompt\nuser_named: false\nsummary_count: 0\nfork_count: 0\n"
         "created_at: 2026-12-05T02:56:57.429Z\nupdated_at: 2026-12-05T02:57:10.098Z\n";
}

}  // namespace codepulse::test
