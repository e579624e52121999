// The reader of each log format (assistant_log.hpp).
#include "tracker/parse/assistant_log.hpp"
#include "tracker/parse/opencode_message_file.hpp"

namespace codepulse::tracker {

std::unique_ptr<JsonlLogReader> make_jsonl_reader(LogFormat format) {
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

std::unique_ptr<DocumentLogReader> make_document_reader(LogFormat format) {
  switch (format) {
    case LogFormat::kClaude:
    case LogFormat::kCodexRollout:
    case LogFormat::kGeminiJsonl:
    case LogFormat::kGeminiJson:
    case LogFormat::kCopilotOtel:
    case LogFormat::kOpenCodeDb:
      break;
    case LogFormat::kOpenCodeMessage:
      return make_opencode_message_reader();
  }
  return nullptr;
}

}  // namespace codepulse::tracker
