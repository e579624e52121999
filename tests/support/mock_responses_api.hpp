// A local stand-in for the OpenAI Responses API, what Codex CLI calls (a
// MockModelApi): it answers POST /v1/responses with the responses a test
// scripts, streamed as server-sent events the way the real API streams them,
// and records every request it saw and what it served.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/mock_model_api.hpp"

namespace codepulse::test {

// The usage a response reports; total_tokens is input + output. Cached and
// cache-written tokens are parts of input_tokens, reasoning of output_tokens.
struct MockResponsesUsage {
  int64_t input_tokens = 0, cached_tokens = 0, output_tokens = 0, reasoning_tokens = 0;
  // input_tokens_details.cache_write_tokens; nullopt: left out.
  std::optional<int64_t> cache_write_tokens;
};

// One item of a response's output: assistant text, a function call (Codex's
// exec_command) or a custom tool call with free-form input (Codex's apply_patch).
struct MockOutputItem {
  enum class Kind { kMessage, kFunctionCall, kCustomToolCall };
  Kind kind = Kind::kMessage;
  std::string name;  // the tool of a call
  // kMessage: the text; kFunctionCall: the arguments, a JSON object (checked
  // when the mock is made); kCustomToolCall: the input.
  std::string text;

  static MockOutputItem message(std::string text);
  static MockOutputItem function_call(std::string name, std::string arguments_json);
  static MockOutputItem custom_tool_call(std::string name, std::string input);
};

// One scripted answer, served to the next POST /v1/responses.
struct MockResponsesAnswer {
  std::vector<MockOutputItem> output;
  MockResponsesUsage usage;
  std::string model;  // empty: the model the request asked for
};

// What one scripted answer became on the wire.
struct MockResponsesServed {
  size_t script_index = 0;
  std::string response_id, model;
  std::vector<std::string> item_ids;  // one per output item
  std::vector<std::string> call_ids;  // one per call item, in order
  bool streamed = false;
  MockResponsesAnswer answer;
};

// How the mock answers: POST /v1/responses with the next scripted answer,
// streamed when the body asks ("stream": true: response.created, per item
// response.output_item.added, text deltas, response.output_item.done, then
// response.completed with the usage), else the whole response; any other
// path 404, in the API's error shape. MockRequest::api_key: it carried
// Authorization: Bearer.

using MockResponsesApi = MockModelApi<MockResponsesAnswer, MockResponsesServed>;

}  // namespace codepulse::test
