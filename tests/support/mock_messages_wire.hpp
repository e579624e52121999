// The JSON the mock Messages API sends (tests/support/mock_messages_api.hpp):
// a message, its server-sent events, usage, errors. Shared by the server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tests/support/mock_messages_api.hpp"

namespace codepulse::test::mock_wire {

// The ids a response is served under.
struct WireIds {
  std::string message_id;
  std::vector<std::string> tool_use_ids;  // one per tool_use block
};

// Where usage is reported: message_start carries what is known before the
// answer (output_tokens a placeholder), message_delta and a whole message
// the final, cumulative usage.
enum class UsageAt { kStart, kFinal };
std::string usage_json(const MockUsage& usage, UsageAt at);

// The answer to a request without "stream": true.
std::string message_json(const MockResponse& r, const std::string& model, const WireIds& ids);

// The answer to a streaming request: each element is one whole event,
// "event: NAME\ndata: JSON\n\n", in the order the API sends them.
std::vector<std::string> message_events(const MockResponse& r, const std::string& model,
                                        const WireIds& ids);

// {"type":"error","error":{"type":...,"message":...},"request_id":...}
std::string error_json(std::string_view type, std::string_view message,
                       std::string_view request_id);

}  // namespace codepulse::test::mock_wire
