// A local stand-in for the Anthropic Messages API (a MockModelApi): it answers
// POST /v1/messages with the responses a test scripts, streamed as
// server-sent events the way the real API streams them, and records every
// request it saw and what it served.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/mock_model_api.hpp"

namespace codepulse::test {

// usage.cache_creation: cache writes by lifetime.
struct MockCacheCreation {
  int64_t ephemeral_5m_input_tokens = 0, ephemeral_1h_input_tokens = 0;
};

struct MockServerToolUse {
  int64_t web_search_requests = 0, web_fetch_requests = 0;
};

// One entry of usage.iterations: "message", "compaction", "advisor_message"
// or "fallback_message"; an advisor's entry names its own model.
struct MockIteration {
  std::string type = "message";
  std::string model;  // empty: left out
  int64_t input_tokens = 0, output_tokens = 0;
  int64_t cache_read_input_tokens = 0, cache_creation_input_tokens = 0;
  std::optional<MockCacheCreation> cache_creation;  // nullopt: left out
};

// The usage a response reports. An unset optional is left out of the JSON,
// as a gateway that does not know it would.
struct MockUsage {
  int64_t input_tokens = 0, output_tokens = 0;
  int64_t cache_creation_input_tokens = 0, cache_read_input_tokens = 0;
  std::optional<MockCacheCreation> cache_creation;
  std::optional<MockServerToolUse> server_tool_use;
  std::optional<std::string> inference_geo, speed, service_tier;
  std::optional<std::vector<MockIteration>> iterations;
};

// The four counts every response reports, the optional fields left out.
MockUsage mock_usage(int64_t input, int64_t output, int64_t cache_writes, int64_t cache_reads);

// A content block of a response: text, or a tool call with its input.
struct MockBlock {
  enum class Kind { kText, kToolUse };
  Kind kind = Kind::kText;
  std::string text;        // kText
  std::string tool_name;   // kToolUse
  std::string input_json;  // kToolUse: a JSON object, checked when the mock is made

  static MockBlock text_block(std::string text);
  static MockBlock tool_use(std::string name, std::string input_json);
};

// One scripted answer, served to the next POST /v1/messages. Its stop reason
// is "tool_use" when it holds a tool call, else "end_turn".
struct MockResponse {
  std::vector<MockBlock> blocks;
  MockUsage usage;
  std::string model;  // empty: the model the request asked for
  // Non-empty: served only to a request whose body contains this text, for
  // a side request that may come at any point (OpenCode's title). A request
  // gets the first such response it fits, else the next response in script
  // order that has no only_for.
  std::string only_for;
};

// What one scripted response became on the wire.
struct MockServed {
  size_t script_index = 0;
  std::string message_id, request_id, model;
  std::vector<std::string> tool_use_ids;  // one per tool_use block, in order
  bool streamed = false;
  MockResponse response;
};

// How the mock answers: POST /v1/messages (the next scripted response,
// streamed when asked), POST /v1/messages/count_tokens (an estimate), HEAD or
// GET /api/hello; any other path 404, in the API's error shape. A tool_use
// block's input must be a JSON object (checked when the mock is made).
// MockRequest::api_key: it carried x-api-key or Authorization.

using MockMessagesApi = MockModelApi<MockResponse, MockServed>;

}  // namespace codepulse::test
