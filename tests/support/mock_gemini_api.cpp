// The mock Gemini API's protocol: routes, request checks, and the JSON and
// server-sent events of a response, shaped as the Gemini API (v1beta) sends
// them (MockModelApi records what was asked and served).
#include "tests/support/mock_gemini_api.hpp"

#include <mutex>
#include <stdexcept>

#include "tests/support/mock_json_internal.hpp"
#include "tests/support/mock_model_api_internal.hpp"

namespace codepulse::test {

using mock_http::Reply;
using mock_json::Object;
using Kind = MockGeminiPart::Kind;

namespace {

using Ledger = MockLedger<MockGeminiAnswer, MockGeminiServed>;

constexpr std::string_view kModelsPrefix = "/v1beta/models/";
// The answer to Gemini CLI's routing call: a simple task.
constexpr std::string_view kRouting = R"({"complexity_reasoning":"mock","complexity_score":10})";

Reply error_reply(int status, std::string_view state, std::string_view message) {
  const std::string error =
      Object().number("code", status).string("message", message).string("status", state).done();
  return mock_http::json_reply(status, Object().raw("error", error).done());
}

std::string usage_json(const MockGeminiUsage& u, bool final_chunk) {
  Object o;
  o.number("promptTokenCount", u.prompt_tokens);
  if (!final_chunk) return o.number("totalTokenCount", u.prompt_tokens).done();
  o.number("candidatesTokenCount", u.candidates_tokens);
  if (u.cached_tokens) o.number("cachedContentTokenCount", u.cached_tokens);
  if (u.thoughts_tokens) o.number("thoughtsTokenCount", u.thoughts_tokens);
  if (u.tool_use_prompt_tokens) o.number("toolUsePromptTokenCount", u.tool_use_prompt_tokens);
  return o.number("totalTokenCount", u.total()).done();
}

std::string part_json(const MockGeminiPart& p, std::string_view text_piece) {
  if (p.kind == Kind::kText) return Object().string("text", text_piece).done();
  const std::string call = Object().string("name", p.name).raw("args", p.text).done();
  return Object().raw("functionCall", call).done();
}

// One GenerateContentResponse holding `parts`; the last of a stream (or a
// whole response) carries finishReason and the whole usage.
std::string chunk_json(const MockGeminiServed& s, const std::vector<std::string>& parts,
                       const MockGeminiUsage& usage, bool last) {
  Object candidate;
  candidate.raw("content",
                Object().string("role", "model").raw("parts", mock_json::array(parts)).done());
  if (last) candidate.string("finishReason", "STOP");
  candidate.number("index", 0);
  return Object()
      .raw("candidates", "[" + candidate.done() + "]")
      .raw("usageMetadata", usage_json(usage, last))
      .string("modelVersion", s.model_version)
      .string("responseId", s.response_id)
      .done();
}

// The chunks of a streamed answer: each text part in two pieces, each
// function call whole, one part a chunk.
std::vector<std::string> chunks(const MockGeminiServed& s) {
  std::vector<std::string> parts;
  for (const MockGeminiPart& p : s.answer.parts) {
    if (p.kind == Kind::kFunctionCall) {
      parts.push_back(part_json(p, ""));
      continue;
    }
    for (std::string_view piece : mock_json::pieces(p.text, 2))
      parts.push_back(part_json(p, piece));
  }
  if (parts.empty()) parts.push_back(Object().string("text", "").done());
  std::vector<std::string> out;
  for (size_t i = 0; i < parts.size(); ++i)
    out.push_back(chunk_json(s, {parts[i]}, s.answer.usage, i + 1 == parts.size()));
  return out;
}

std::string whole_json(const MockGeminiServed& s) {
  std::vector<std::string> parts;
  for (const MockGeminiPart& p : s.answer.parts)
    parts.push_back(part_json(p, p.text));
  return chunk_json(s, parts, s.answer.usage, true);
}

// The routing call's answer, in the shape of a whole response.
Reply routing_reply(const std::string& model) {
  MockGeminiServed s;
  s.model_version = model;
  s.response_id = "routing";
  s.answer.usage = {200, 20, 0, 0, 0};
  s.answer.parts = {MockGeminiPart::text_part(std::string(kRouting))};
  return mock_http::json_reply(200, whole_json(s));
}

}  // namespace

MockGeminiPart MockGeminiPart::text_part(std::string text) {
  return {Kind::kText, "", std::move(text)};
}

MockGeminiPart MockGeminiPart::function_call(std::string name, std::string args_json) {
  return {Kind::kFunctionCall, std::move(name), std::move(args_json)};
}

void check_answer(const MockGeminiAnswer& a) {
  for (const MockGeminiPart& p : a.parts)
    if (p.kind == Kind::kFunctionCall)
      mock_json::require_object("mock gemini api: the args of functionCall " + p.name, p.text);
}

Reply answer_request(Ledger& ledger, const mock_http::Request& req, MockRequest& seen) {
  const std::string path = req.path(), query = req.target.substr(path.size());
  seen.api_key = !req.header("x-goog-api-key").empty() || query.find("key=") != std::string::npos;
  const size_t colon = path.rfind(':');
  if (!path.starts_with(kModelsPrefix) || colon == std::string::npos ||
      colon < kModelsPrefix.size())
    return error_reply(404, "NOT_FOUND", "Not found: " + path);
  seen.model = path.substr(kModelsPrefix.size(), colon - kModelsPrefix.size());
  const std::string method = path.substr(colon + 1);
  seen.stream = method == "streamGenerateContent";
  if (!seen.stream && method != "generateContent")
    return error_reply(404, "NOT_FOUND", "Method not found: " + method);
  if (req.method != "POST") return error_reply(405, "INVALID_ARGUMENT", "Method not allowed");
  if (!seen.api_key)
    return error_reply(403, "PERMISSION_DENIED",
                       "Method doesn't allow unregistered callers. Please use an API key.");
  if (!mock_json::is_json_object(req.body) || req.body.find("\"contents\"") == std::string::npos)
    return error_reply(400, "INVALID_ARGUMENT", "contents is not specified");
  if (!seen.stream && req.body.find("\"complexity_score\"") != std::string::npos)
    return routing_reply(seen.model);

  std::lock_guard lock(ledger.mu);
  std::optional<MockGeminiServed> next = ledger.take(&MockGeminiServed::answer);
  if (!next) return error_reply(400, "INVALID_ARGUMENT", mock_json::kScriptEnded);
  MockGeminiServed& s = *next;
  s.model = seen.model;
  s.model_version = s.answer.model_version.empty() ? seen.model : s.answer.model_version;
  s.response_id = ledger.next_id("gresp");
  s.streamed = seen.stream;
  Reply r;
  if (!s.streamed) {
    r.body = whole_json(s);
  } else if (query.find("alt=sse") != std::string::npos) {
    r.content_type = "text/event-stream";
    for (const std::string& c : chunks(s))
      r.events.push_back("data: " + c + "\r\n\r\n");
  } else {
    r.body = mock_json::array(chunks(s));
  }
  ledger.served.push_back(std::move(*next));
  return r;
}

template class MockModelApi<MockGeminiAnswer, MockGeminiServed>;

}  // namespace codepulse::test
