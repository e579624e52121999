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

// A JSON reply with the request-id header the API sends.
Reply with_id(int status, std::string body, const std::string& request_id) {
  Reply r = mock_http::json_reply(status, std::move(body));
  r.headers = {{"request-id", request_id}};
  return r;
}

Reply error_reply(int status, std::string_view type, std::string_view message,
                  const std::string& request_id) {
  return with_id(status, mock_wire::error_json(type, message, request_id), request_id);
}

Reply ok_reply(std::string body, const std::string& request_id) {
  return with_id(200, std::move(body), request_id);
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

MockUsage mock_usage(int64_t input, int64_t output, int64_t cache_writes, int64_t cache_reads) {
  return {input,        output,       cache_writes, cache_reads,  std::nullopt,
          std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
}

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
  std::optional<MockServed> next =
      ledger.take(&MockServed::response, [&request_body](const MockResponse& r) {
        return !r.only_for.empty() && request_body.find(r.only_for) != std::string::npos;
      });
  if (!next)
    next = ledger.take(&MockServed::response,
                       [](const MockResponse& r) { return r.only_for.empty(); });
  if (!next) return error_reply(400, "invalid_request_error", mock_json::kScriptEnded, request_id);
  MockServed& s = *next;
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
  ledger.served.push_back(std::move(*next));
  return r;
}

}  // namespace

void check_answer(const MockResponse& r) {
  for (const MockBlock& b : r.blocks)
    if (b.kind == MockBlock::Kind::kToolUse)
      mock_json::require_object("mock messages api: the input of tool_use " + b.tool_name,
                                b.input_json);
}

Reply answer_request(Ledger& ledger, const mock_http::Request& req, MockRequest& seen) {
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

template class MockModelApi<MockResponse, MockServed>;

}  // namespace codepulse::test
