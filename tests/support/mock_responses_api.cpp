// The mock Responses API's protocol: routes, request checks, and the JSON and
// server-sent events of a response, shaped as the OpenAI Responses API sends
// them (MockModelApi records what was asked and served).
#include "tests/support/mock_responses_api.hpp"

#include <simdjson.h>

#include <mutex>
#include <stdexcept>

#include "tests/support/mock_json_internal.hpp"
#include "tests/support/mock_model_api_internal.hpp"

namespace codepulse::test {

namespace {

using Kind = MockOutputItem::Kind;
using Ledger = MockLedger<MockResponsesAnswer, MockResponsesServed>;
using mock_http::Reply;
using mock_json::Object;

Reply error_reply(int status, std::string_view type, std::string_view message) {
  const std::string error = Object()
                                .string("message", message)
                                .string("type", type)
                                .raw("param", "null")
                                .raw("code", "null")
                                .done();
  return mock_http::json_reply(status, Object().raw("error", error).done());
}

std::string usage_json(const MockResponsesUsage& u) {
  Object input_details;
  input_details.number("cached_tokens", u.cached_tokens);
  if (u.cache_write_tokens) input_details.number("cache_write_tokens", *u.cache_write_tokens);
  return Object()
      .number("input_tokens", u.input_tokens)
      .raw("input_tokens_details", input_details.done())
      .number("output_tokens", u.output_tokens)
      .raw("output_tokens_details", Object().number("reasoning_tokens", u.reasoning_tokens).done())
      .number("total_tokens", u.input_tokens + u.output_tokens)
      .done();
}

// An output item as response.output_item.done and the whole response carry
// it; `done` false: as response.output_item.added opens it.
std::string item_json(const MockOutputItem& item, const std::string& id, const std::string& call_id,
                      bool done) {
  Object o;
  const char* status = done ? "completed" : "in_progress";
  switch (item.kind) {
    case Kind::kMessage: {
      const std::string part = Object()
                                   .string("type", "output_text")
                                   .string("text", done ? item.text : "")
                                   .raw("annotations", "[]")
                                   .done();
      o.string("type", "message").string("id", id).string("status", status);
      o.string("role", "assistant").raw("content", done ? "[" + part + "]" : "[]");
      break;
    }
    case Kind::kFunctionCall:
      o.string("type", "function_call").string("id", id).string("status", status);
      o.string("call_id", call_id).string("name", item.name);
      o.string("arguments", done ? item.text : "");
      break;
    case Kind::kCustomToolCall:
      o.string("type", "custom_tool_call").string("id", id).string("status", status);
      o.string("call_id", call_id).string("name", item.name);
      o.string("input", done ? item.text : "");
      break;
  }
  return o.done();
}

std::string response_json(const MockResponsesServed& s, bool completed) {
  std::vector<std::string> output;
  for (size_t i = 0, call = 0; completed && i < s.answer.output.size(); ++i) {
    const bool is_call = s.answer.output[i].kind != Kind::kMessage;
    output.push_back(
        item_json(s.answer.output[i], s.item_ids[i], is_call ? s.call_ids[call++] : "", true));
  }
  Object o;
  o.string("id", s.response_id).string("object", "response").number("created_at", 1796400000);
  o.string("status", completed ? "completed" : "in_progress").string("model", s.model);
  o.raw("output", mock_json::array(output));
  o.raw("usage", completed ? usage_json(s.answer.usage) : "null");
  return o.done();
}

// The events of a streamed response, each with its sequence_number.
std::vector<std::string> response_events(const MockResponsesServed& s) {
  std::vector<std::string> out;
  auto add = [&out](std::string_view type, Object o) {
    o.string("type", type).number("sequence_number", static_cast<int64_t>(out.size()));
    out.push_back(mock_json::sse_event(type, o.done()));
  };
  add("response.created", Object().raw("response", response_json(s, false)));
  for (size_t i = 0, call = 0; i < s.answer.output.size(); ++i) {
    const MockOutputItem& item = s.answer.output[i];
    const std::string call_id = item.kind == Kind::kMessage ? "" : s.call_ids[call++];
    const auto index = static_cast<int64_t>(i);
    add("response.output_item.added",
        Object()
            .number("output_index", index)
            .raw("item", item_json(item, s.item_ids[i], call_id, false)));
    if (item.kind == Kind::kMessage)
      for (std::string_view piece : mock_json::pieces(item.text, 3))
        add("response.output_text.delta", Object()
                                              .string("item_id", s.item_ids[i])
                                              .number("output_index", index)
                                              .number("content_index", 0)
                                              .string("delta", piece));
    add("response.output_item.done",
        Object()
            .number("output_index", index)
            .raw("item", item_json(item, s.item_ids[i], call_id, true)));
  }
  add("response.completed", Object().raw("response", response_json(s, true)));
  return out;
}

}  // namespace

MockOutputItem MockOutputItem::message(std::string text) {
  return {Kind::kMessage, "", std::move(text)};
}

MockOutputItem MockOutputItem::function_call(std::string name, std::string arguments_json) {
  return {Kind::kFunctionCall, std::move(name), std::move(arguments_json)};
}

MockOutputItem MockOutputItem::custom_tool_call(std::string name, std::string input) {
  return {Kind::kCustomToolCall, std::move(name), std::move(input)};
}

void check_answer(const MockResponsesAnswer& a) {
  for (const MockOutputItem& item : a.output)
    if (item.kind == Kind::kFunctionCall)
      mock_json::require_object("mock responses api: the arguments of function_call " + item.name,
                                item.text);
}

Reply answer_request(Ledger& ledger, const mock_http::Request& req, MockRequest& seen) {
  seen.api_key = req.header("authorization").starts_with("Bearer ");
  const std::string path = req.path();
  if (path != "/v1/responses")
    return error_reply(404, "invalid_request_error", "Not found: " + path);
  if (req.method != "POST") return error_reply(405, "invalid_request_error", "Method not allowed");
  if (!seen.api_key)
    return error_reply(401, "invalid_request_error", "You didn't provide an API key.");
  simdjson::dom::parser parser;
  simdjson::dom::object body;
  std::string_view model;
  if (parser.parse(simdjson::padded_string(req.body)).get_object().get(body) ||
      body["model"].get_string().get(model))
    return error_reply(400, "invalid_request_error", "Missing required parameter: 'model'.");
  seen.model = std::string(model);
  bool stream = false;
  seen.stream = !body["stream"].get_bool().get(stream) && stream;
  if (body["input"].error())
    return error_reply(400, "invalid_request_error", "Missing required parameter: 'input'.");

  std::lock_guard lock(ledger.mu);
  std::optional<MockResponsesServed> next = ledger.take(&MockResponsesServed::answer);
  if (!next) return error_reply(400, "invalid_request_error", mock_json::kScriptEnded);
  MockResponsesServed& s = *next;
  s.model = s.answer.model.empty() ? seen.model : s.answer.model;
  s.response_id = ledger.next_id("resp");
  for (const MockOutputItem& item : s.answer.output) {
    s.item_ids.push_back(ledger.next_id(item.kind == Kind::kMessage ? "msg" : "fc"));
    if (item.kind != Kind::kMessage) s.call_ids.push_back(ledger.next_id("call"));
  }
  s.streamed = seen.stream;
  Reply r;
  if (s.streamed) {
    r.content_type = "text/event-stream; charset=utf-8";
    r.events = response_events(s);
  } else {
    r.body = response_json(s, true);
  }
  r.headers = {{"x-request-id", ledger.next_id("req")}};
  ledger.served.push_back(std::move(*next));
  return r;
}

template class MockModelApi<MockResponsesAnswer, MockResponsesServed>;

}  // namespace codepulse::test
