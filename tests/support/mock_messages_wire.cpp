// The mock Messages API's JSON, shaped as the Anthropic Messages API sends it:
// messages, streaming events (message_start, ping, content_block_start /
// _delta / _stop, message_delta, message_stop), usage and errors.
#include "tests/support/mock_messages_wire.hpp"

#include <algorithm>

#include "tests/support/mock_json_internal.hpp"

namespace codepulse::test::mock_wire {
namespace {

using mock_json::Object;
using mock_json::sse_event;

std::string cache_creation_json(const MockCacheCreation& c) {
  return Object()
      .number("ephemeral_5m_input_tokens", c.ephemeral_5m_input_tokens)
      .number("ephemeral_1h_input_tokens", c.ephemeral_1h_input_tokens)
      .done();
}

std::string iteration_json(const MockIteration& it) {
  Object o;
  o.string("type", it.type);
  if (!it.model.empty()) o.string("model", it.model);
  o.number("input_tokens", it.input_tokens).number("output_tokens", it.output_tokens);
  o.number("cache_read_input_tokens", it.cache_read_input_tokens);
  o.number("cache_creation_input_tokens", it.cache_creation_input_tokens);
  if (it.cache_creation) o.raw("cache_creation", cache_creation_json(*it.cache_creation));
  return o.done();
}

bool has_tool_use(const MockResponse& r) {
  return std::any_of(r.blocks.begin(), r.blocks.end(),
                     [](const MockBlock& b) { return b.kind == MockBlock::Kind::kToolUse; });
}

std::string block_json(const MockBlock& b, const std::string& tool_use_id, bool with_content) {
  if (b.kind == MockBlock::Kind::kText)
    return Object().string("type", "text").string("text", with_content ? b.text : "").done();
  return Object()
      .string("type", "tool_use")
      .string("id", tool_use_id)
      .string("name", b.tool_name)
      .raw("input", with_content ? b.input_json : "{}")
      .done();
}

// The message object without its usage and content: shared by the whole
// message and message_start.
Object message_head(const std::string& model, const WireIds& ids) {
  Object o;
  o.string("id", ids.message_id).string("type", "message").string("role", "assistant");
  o.string("model", model);
  return o;
}

}  // namespace

std::string usage_json(const MockUsage& u, UsageAt at) {
  Object o;
  o.number("input_tokens", u.input_tokens);
  o.number("cache_creation_input_tokens", u.cache_creation_input_tokens);
  o.number("cache_read_input_tokens", u.cache_read_input_tokens);
  if (u.cache_creation) o.raw("cache_creation", cache_creation_json(*u.cache_creation));
  // Before the answer the API reports a placeholder output count.
  o.number("output_tokens",
           at == UsageAt::kStart ? std::min<int64_t>(u.output_tokens, 1) : u.output_tokens);
  if (at == UsageAt::kFinal && u.server_tool_use)
    o.raw("server_tool_use",
          Object()
              .number("web_search_requests", u.server_tool_use->web_search_requests)
              .number("web_fetch_requests", u.server_tool_use->web_fetch_requests)
              .done());
  if (u.service_tier) o.string("service_tier", *u.service_tier);
  if (u.inference_geo) o.string("inference_geo", *u.inference_geo);
  if (u.speed) o.string("speed", *u.speed);
  if (at == UsageAt::kFinal && u.iterations) {
    std::vector<std::string> list;
    for (const MockIteration& it : *u.iterations)
      list.push_back(iteration_json(it));
    o.raw("iterations", mock_json::array(list));
  }
  return o.done();
}

std::string message_json(const MockResponse& r, const std::string& model, const WireIds& ids) {
  std::string content = "[";
  for (size_t i = 0, tool = 0; i < r.blocks.size(); ++i) {
    const bool is_tool = r.blocks[i].kind == MockBlock::Kind::kToolUse;
    content +=
        (i ? "," : "") + block_json(r.blocks[i], is_tool ? ids.tool_use_ids[tool] : "", true);
    if (is_tool) ++tool;
  }
  return message_head(model, ids)
      .raw("content", content + "]")
      .string("stop_reason", has_tool_use(r) ? "tool_use" : "end_turn")
      .raw("stop_sequence", "null")
      .raw("usage", usage_json(r.usage, UsageAt::kFinal))
      .done();
}

std::vector<std::string> message_events(const MockResponse& r, const std::string& model,
                                        const WireIds& ids) {
  std::vector<std::string> out;
  const std::string start = message_head(model, ids)
                                .raw("content", "[]")
                                .raw("stop_reason", "null")
                                .raw("stop_sequence", "null")
                                .raw("usage", usage_json(r.usage, UsageAt::kStart))
                                .done();
  out.push_back(sse_event("message_start",
                          Object().string("type", "message_start").raw("message", start).done()));
  out.push_back(sse_event("ping", R"({"type":"ping"})"));
  for (size_t i = 0, tool = 0; i < r.blocks.size(); ++i) {
    const MockBlock& b = r.blocks[i];
    const bool is_tool = b.kind == MockBlock::Kind::kToolUse;
    const int64_t index = static_cast<int64_t>(i);
    out.push_back(sse_event(
        "content_block_start",
        Object()
            .string("type", "content_block_start")
            .number("index", index)
            .raw("content_block", block_json(b, is_tool ? ids.tool_use_ids[tool] : "", false))
            .done()));
    std::vector<std::string_view> parts = mock_json::pieces(is_tool ? b.input_json : b.text, 3);
    if (is_tool) parts.insert(parts.begin(), std::string_view());  // the API opens with ""
    for (std::string_view part : parts) {
      const std::string delta =
          is_tool ? Object().string("type", "input_json_delta").string("partial_json", part).done()
                  : Object().string("type", "text_delta").string("text", part).done();
      out.push_back(sse_event("content_block_delta", Object()
                                                         .string("type", "content_block_delta")
                                                         .number("index", index)
                                                         .raw("delta", delta)
                                                         .done()));
    }
    out.push_back(
        sse_event("content_block_stop",
                  Object().string("type", "content_block_stop").number("index", index).done()));
    if (is_tool) ++tool;
  }
  const std::string delta = Object()
                                .string("stop_reason", has_tool_use(r) ? "tool_use" : "end_turn")
                                .raw("stop_sequence", "null")
                                .done();
  out.push_back(sse_event("message_delta", Object()
                                               .string("type", "message_delta")
                                               .raw("delta", delta)
                                               .raw("usage", usage_json(r.usage, UsageAt::kFinal))
                                               .done()));
  out.push_back(sse_event("message_stop", R"({"type":"message_stop"})"));
  return out;
}

std::string error_json(std::string_view type, std::string_view message,
                       std::string_view request_id) {
  return Object()
      .string("type", "error")
      .raw("error", Object().string("type", type).string("message", message).done())
      .string("request_id", request_id)
      .done();
}

}  // namespace codepulse::test::mock_wire
