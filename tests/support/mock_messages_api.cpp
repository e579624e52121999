// The mock Messages API's protocol: routes, request checks and what is served
// (MockModelApi records it). The JSON it sends is built in
// mock_messages_wire.cpp.
#include "tests/support/mock_messages_api.hpp"

#include <simdjson.h>

#include <mutex>
#include <stdexcept>

#include "tests/support/mock_json_internal.hpp"
#include "tests/support/mock_messages_wire.hpp"
#include "tests/support/mock_model_api_internal.hpp"

namespace codepulse::test {

using mock_http::Reply;

namespace {

Reply error_reply(int status, std::string_view type, std::string_view message,
                  const std::string& request_id) {
  return {status,
          "application/json",
          mock_wire::error_json(type, message, request_id),
          {},
          {{"request-id", request_id}}};
}

Reply ok_reply(std::string body, const std::string& request_id) {
  return {200, "application/json", std::move(body), {}, {{"request-id", request_id}}};
}

// The fields of a Messages API body the mock looks at; `problem` says what
// is wrong with it, empty when nothing.
struct Body {
  std::string model, problem;
  bool stream = false;
};

Body read_body(const std::string& text, bool count_tokens) {
  Body b;
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  if (parser.parse(simdjson::padded_string(text)).get_object().get(doc)) {
    b.problem = "the request body is not a JSON object";
    return b;
  }
  std::string_view model;
  if (doc["model"].get_string().get(model)) {
    b.problem = "model: Field required";
    return b;
  }
  b.model = std::string(model);
  simdjson::dom::array messages;
  if (doc["messages"].get_array().get(messages)) {
    b.problem = "messages: Field required";
    return b;
  }
  int64_t max_tokens = 0;
  if (!count_tokens && (doc["max_tokens"].get_int64().get(max_tokens) || max_tokens < 1)) {
    b.problem = "max_tokens: Field required";
    return b;
  }
  bool stream = false;
  if (!doc["stream"].get_bool().get(stream)) b.stream = stream;
  return b;
}

}  // namespace

MockBlock MockBlock::text_block(std::string text) {
  MockBlock b;
  b.kind = Kind::kText;
  b.text = std::move(text);
  return b;
}

MockBlock MockBlock::tool_use(std::string name, std::string input_json) {
  MockBlock b;
  b.kind = Kind::kToolUse;
  b.tool_name = std::move(name);
  b.input_json = std::move(input_json);
  return b;
}

namespace {

using Ledger = MockLedger<MockResponse, MockServed>;

// POST /v1/messages: the next scripted response, streamed when asked.
Reply messages(Ledger& ledger, const Body& body, const std::string& request_id,
               const std::string& request_body) {
  std::lock_guard lock(ledger.mu);
  auto next = ledger.take([&request_body](const MockResponse& r) {
    return !r.only_for.empty() && request_body.find(r.only_for) != std::string::npos;
  });
  if (!next) next = ledger.take([](const MockResponse& r) { return r.only_for.empty(); });
  if (!next)
    return error_reply(400, "invalid_request_error",
                       "the mock's script has no response left for this request", request_id);
  MockServed s;
  s.script_index = next->first;
  s.response = std::move(next->second);
  s.model = s.response.model.empty() ? body.model : s.response.model;
  s.request_id = request_id;
  s.message_id = ledger.next_id("msg");
  for (const MockBlock& b : s.response.blocks)
    if (b.kind == MockBlock::Kind::kToolUse) s.tool_use_ids.push_back(ledger.next_id("toolu"));
  s.streamed = body.stream;
  const mock_wire::WireIds ids{s.message_id, s.tool_use_ids};
  Reply r = ok_reply("", request_id);
  if (body.stream) {
    r.content_type = "text/event-stream; charset=utf-8";
    r.events = mock_wire::message_events(s.response, s.model, ids);
  } else {
    r.body = mock_wire::message_json(s.response, s.model, ids);
  }
  ledger.served.push_back(std::move(s));
  return r;
}

}  // namespace

void MessagesProtocol::check(const MockResponse& r) {
  for (const MockBlock& b : r.blocks)
    if (b.kind == MockBlock::Kind::kToolUse && !mock_json::is_json_object(b.input_json))
      throw std::invalid_argument("mock messages api: the input of tool_use " + b.tool_name +
                                  " is not a JSON object: " + b.input_json);
}

Reply MessagesProtocol::internal_error(const std::string& message) {
  return error_reply(500, "api_error", message, "");
}

Reply MessagesProtocol::answer(Ledger& ledger, const mock_http::Request& req, MockRequest& seen) {
  seen.api_key = !req.header("x-api-key").empty() || !req.header("authorization").empty();
  std::string request_id;
  {
    std::lock_guard lock(ledger.mu);
    request_id = ledger.next_id("req");
  }
  const std::string path = req.path();
  if (path == "/api/hello") {  // the reachability probe of Claude Code's nonessential traffic
    if (req.method != "HEAD" && req.method != "GET")
      return error_reply(405, "invalid_request_error", "Method not allowed", request_id);
    return ok_reply("{}", request_id);
  }
  const bool count_tokens = path == "/v1/messages/count_tokens";
  if (path != "/v1/messages" && !count_tokens)
    return error_reply(404, "not_found_error", "Not found: " + path, request_id);
  if (req.method != "POST")
    return error_reply(405, "invalid_request_error", "Method not allowed", request_id);
  if (!seen.api_key)
    return error_reply(401, "authentication_error", "x-api-key header is required", request_id);
  if (req.header("anthropic-version").empty())
    return error_reply(400, "invalid_request_error", "anthropic-version: header is required",
                       request_id);
  const Body body = read_body(req.body, count_tokens);
  seen.model = body.model;
  seen.stream = body.stream;
  if (!body.problem.empty())
    return error_reply(400, "invalid_request_error", body.problem, request_id);
  if (count_tokens) {
    // No tokenizer here: about four bytes of request per token.
    const auto estimate = static_cast<int64_t>((req.body.size() + 3) / 4);
    return ok_reply("{\"input_tokens\":" + std::to_string(estimate) + "}", request_id);
  }
  return messages(ledger, body, request_id, req.body);
}

template class MockModelApi<MessagesProtocol>;

}  // namespace codepulse::test
