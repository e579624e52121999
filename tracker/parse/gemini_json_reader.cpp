// The reader of Gemini CLI's legacy session-*.json: one ConversationRecord
// object ({sessionId, projectHash, startTime, lastUpdated, kind, messages}),
// rewritten whole on every change, read whole each time (gemini_readers.hpp).
#include <string>

#include "tracker/parse/gemini_project.hpp"
#include "tracker/parse/gemini_readers.hpp"
#include "tracker/parse/gemini_session.hpp"

namespace codepulse::tracker {
namespace {

class GeminiJsonReader final : public DocumentLogReader {
 public:
  LogLineResult parse_document(const std::string& path, std::string_view text, size_t capacity,
                               std::vector<RequestLine>& out) override {
    GeminiRecord r;
    r.fingerprinter = fingerprinter_;
    std::string error;
    if (!parse_gemini_json(parser_, repaired_, text, capacity, r, error))
      return {LogLineKind::kMalformed, std::move(error)};
    if (!r.header && !r.message && r.restated.empty())
      return {LogLineKind::kInvalid,
              "not a Gemini CLI session (no sessionId, no messages): a file of another tool?"};
    GeminiSession session;
    session.begin(path, projects_.cwd_of(split_gemini_chat_path(path).project_dir));
    return session.take(r, out);
  }
  void set_fingerprinter(LineFingerprinter* fp) override { fingerprinter_ = fp; }

 private:
  LineFingerprinter* fingerprinter_ = nullptr;
  simdjson::ondemand::parser parser_;
  std::string repaired_;
  GeminiProjects projects_;
};

}  // namespace

std::unique_ptr<DocumentLogReader> make_gemini_json_reader() {
  return std::make_unique<GeminiJsonReader>();
}

}  // namespace codepulse::tracker
