// The reader of each log format (assistant_log.hpp).
#include "tracker/parse/assistant_log.hpp"
#include "tracker/parse/copilot_otel_reader.hpp"

namespace codepulse::tracker {

std::unique_ptr<JsonlLogReader> make_jsonl_reader(LogFormat format) {
  switch (format) {
    case LogFormat::kCopilotOtel:
      return std::make_unique<CopilotOtelReader>();
    case LogFormat::kClaude:
    case LogFormat::kCodexRollout:
    case LogFormat::kGeminiJsonl:
    case LogFormat::kGeminiJson:
    case LogFormat::kOpenCodeDb:
    case LogFormat::kOpenCodeMessage:
      break;
  }
  return nullptr;
}

std::unique_ptr<DocumentLogReader> make_document_reader(LogFormat format) {
  switch (format) {
    case LogFormat::kClaude:
    case LogFormat::kCodexRollout:
    case LogFormat::kGeminiJsonl:
    case LogFormat::kGeminiJson:
    case LogFormat::kCopilotOtel:
    case LogFormat::kOpenCodeDb:
    case LogFormat::kOpenCodeMessage:
      break;
  }
  return nullptr;
}

}  // namespace codepulse::tracker
