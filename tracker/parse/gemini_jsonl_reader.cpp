// The reader of Gemini CLI's session-*.jsonl (gemini_readers.hpp): a header
// line, then every message appended as a line of its own each time it
// changes (a gemini message is written first with its tokens, then again
// with its tool calls), {"$set": ...} metadata updates (lastUpdated after
// each message; `messages`, a checkpoint of the whole conversation) and
// {"$rewindTo": id}, which hides messages but bills nothing back.
#include <algorithm>
#include <string>

#include "common/ascii.hpp"
#include "tracker/parse/gemini_project.hpp"
#include "tracker/parse/gemini_readers.hpp"
#include "tracker/parse/gemini_session.hpp"
#include "tracker/parse/line_classifier.hpp"
#include "tracker/parse/marker_search.hpp"

namespace codepulse::tracker {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// The line of a user prompt: {"id":...,"timestamp":...,"type":"user","content":
// then a string or [{"text":...; a tool's response is [{"functionResponse":...
bool is_prompt_line(std::string_view line) {
  constexpr std::string_view kUser = "\"type\":\"user\",\"content\":";
  const size_t at = find_marker(line.substr(0, std::min<size_t>(line.size(), 256)), kUser);
  if (at == std::string_view::npos) return false;
  const std::string_view rest = line.substr(at + kUser.size());
  return starts_with(rest, "\"") || starts_with(rest, "[{\"text\"");
}

class GeminiJsonlReader final : public JsonlLogReader {
 public:
  bool begin_file(const std::string& path, std::string_view carried) override {
    session_.begin(path, projects_.cwd_of(split_gemini_chat_path(path).project_dir));
    return session_.restore(carried);
  }

  std::string carried() const override { return session_.carried(); }

  bool wants(std::string_view line) const override {
    if (session_.at_start()) return true;  // the header, or what stands in its place
    // Not one object: torn or garbage, parsed to be reported.
    const std::string_view body = trim(line, " \t\r");
    if (body.empty()) return false;
    if (body.front() != '{' || body.back() != '}') return true;
    // {"$set":{"lastUpdated":"..."}}, written after every message.
    if (body.size() < 96 && starts_with(body, "{\"$set\":{\"lastUpdated\"")) return false;
    if (starts_with(body, "{\"$set\"") || starts_with(body, "{\"sessionId\"")) return true;
    return has_marker(body, "\"tokens\":{") || is_prompt_line(body);
  }

  LogLineResult parse(std::string_view line, size_t capacity,
                      std::vector<RequestLine>& out) override {
    capacity -= strip_line_blanks(line);
    if (line.empty()) return {};
    const bool first = session_.at_start();
    session_.started();
    GeminiRecord r;
    r.fingerprinter = fingerprinter_;
    std::string error;
    if (!parse_gemini_json(parser_, repaired_, line, capacity, r, error))
      return {LogLineKind::kMalformed, std::move(error)};
    LogLineResult result = session_.take(r, out);
    if (first && !r.header && result.kind != LogLineKind::kRequests && result.error.empty())
      return {LogLineKind::kInvalid,
              "the first line is no Gemini CLI session header (no sessionId): a file of "
              "another tool?"};
    return result;
  }
  void set_fingerprinter(LineFingerprinter* fp) override { fingerprinter_ = fp; }

 private:
  LineFingerprinter* fingerprinter_ = nullptr;
  GeminiSession session_;
  GeminiProjects projects_;
  simdjson::ondemand::parser parser_;
  std::string repaired_;
};

}  // namespace

std::unique_ptr<JsonlLogReader> make_gemini_jsonl_reader() {
  return std::make_unique<GeminiJsonlReader>();
}

}  // namespace codepulse::tracker
