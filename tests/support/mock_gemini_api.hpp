// A local stand-in for the Gemini API (generativelanguage, v1beta), what
// Gemini CLI calls (a MockModelApi): it answers generateContent and
// streamGenerateContent with the responses a test scripts, streamed as
// server-sent events the way the real API streams them, answers Gemini CLI's
// model-routing call itself, and records every request it saw and what it
// served.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/mock_model_api.hpp"

namespace codepulse::test {

// usageMetadata: promptTokenCount (cached tokens are part of it),
// candidatesTokenCount, then cachedContentTokenCount, thoughtsTokenCount and
// toolUsePromptTokenCount only when not zero (as the API leaves them out),
// and totalTokenCount = prompt + candidates + thoughts + tool-use prompt.
struct MockGeminiUsage {
  int64_t prompt_tokens = 0, candidates_tokens = 0, cached_tokens = 0, thoughts_tokens = 0;
  int64_t tool_use_prompt_tokens = 0;
  int64_t total() const {
    return prompt_tokens + candidates_tokens + thoughts_tokens + tool_use_prompt_tokens;
  }
};

// A part of the model's content: text, or a function call with its args.
struct MockGeminiPart {
  enum class Kind { kText, kFunctionCall };
  Kind kind = Kind::kText;
  std::string name;  // kFunctionCall: the function
  // kText: the text; kFunctionCall: the args, a JSON object (checked when
  // the mock is made).
  std::string text;

  static MockGeminiPart text_part(std::string text);
  static MockGeminiPart function_call(std::string name, std::string args_json);
};

// One scripted answer, served to the next generateContent or
// streamGenerateContent call (but the routing call).
struct MockGeminiAnswer {
  std::vector<MockGeminiPart> parts;
  MockGeminiUsage usage;
  std::string model_version;  // empty: the model named in the request's path
};

// What one scripted answer became on the wire.
struct MockGeminiServed {
  size_t script_index = 0;
  std::string response_id;
  std::string model;          // the model named in the request's path
  std::string model_version;  // the modelVersion sent
  bool streamed = false;
  MockGeminiAnswer answer;
};

// How the mock answers: POST /v1beta/models/MODEL:streamGenerateContent
// (?alt=sse: server-sent events, one per chunk, text cut in pieces, the
// last chunk with finishReason STOP and the whole usageMetadata; the earlier
// ones with promptTokenCount and totalTokenCount only; without alt=sse a JSON
// array of the chunks) and :generateContent (one whole response), each with
// the next scripted answer. A generateContent call whose responseJsonSchema
// asks for a complexity_score (Gemini CLI's model routing) is answered
// {"complexity_reasoning":...,"complexity_score":10} outside the script.
// Any other path 404, in the API's error shape. MockRequest::api_key: it
// carried x-goog-api-key or ?key=.

using MockGeminiApi = MockModelApi<MockGeminiAnswer, MockGeminiServed>;

}  // namespace codepulse::test
