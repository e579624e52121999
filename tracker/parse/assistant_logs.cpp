// The reader of each log format (assistant_log.hpp).
#include "tracker/parse/assistant_log.hpp"
#include "tracker/parse/codex_rollout_reader.hpp"
#include "tracker/parse/copilot_otel_reader.hpp"
#include "tracker/parse/gemini_readers.hpp"
#include "tracker/parse/opencode_message_file.hpp"

namespace codepulse::tracker {

std::unique_ptr<JsonlLogReader> make_jsonl_reader(LogFormat format) {
  switch (format) {
    case LogFormat::kCopilotOtel:
      return std::make_unique<CopilotOtelReader>();
    case LogFormat::kCodexRollout:
      return std::make_unique<CodexRolloutReader>();
    case LogFormat::kGeminiJsonl:
      return make_gemini_jsonl_reader();
    case LogFormat::kClaude:
    case LogFormat::kGeminiJson:
    case LogFormat::kOpenCodeDb:
    case LogFormat::kOpenCodeMessage:
      break;
  }
  return nullptr;
}

std::unique_ptr<DocumentLogReader> make_document_reader(LogFormat format) {
  switch (format) {
    case LogFormat::kGeminiJson:
      return make_gemini_json_reader();
    case LogFormat::kClaude:
    case LogFormat::kCodexRollout:
    case LogFormat::kGeminiJsonl:
    case LogFormat::kCopilotOtel:
    case LogFormat::kOpenCodeDb:
      break;
    case LogFormat::kOpenCodeMessage:
      return make_opencode_message_reader();
  }
  return nullptr;
}

}  // namespace codepulse::tracker
