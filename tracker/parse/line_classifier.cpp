// The line classifier: a request's "usage" near the end of a line, a tool
// result's "tool_use_id" or a user line's "user" near its start.
#include "tracker/parse/line_classifier.hpp"

#include "tracker/parse/marker_search.hpp"

namespace codepulse::tracker {
namespace {

// Markers are looked for in windows: the envelope keys ("type", a tool
// result's "tool_use_id") sit in the first bytes of a line, an assistant
// line's "usage" in its last ones; only a line the windows do not explain is
// searched whole for "usage".
constexpr size_t kHeadWindow = 2048;
constexpr size_t kTailWindow = 4096;

// The tool_use_id of a tool_result line, searched in `window`.
std::string_view find_tool_use_id(std::string_view window) {
  static constexpr std::string_view kKey = "\"tool_use_id\":";
  const size_t hit = find_marker(window, kKey);
  if (hit == std::string_view::npos) return {};
  size_t pos = hit + kKey.size();
  while (pos < window.size() && window[pos] == ' ')
    ++pos;
  if (pos >= window.size() || window[pos] != '"') return {};
  const size_t start = pos + 1;
  const size_t end = window.find('"', start);
  if (end == std::string_view::npos) return {};
  return window.substr(start, end - start);
}

}  // namespace

LineClass classify_line(std::string_view line, const PendingTools& pending) {
  std::string_view unanswered;
  return classify_line(line, pending, unanswered);
}

LineClass classify_line(std::string_view line, const PendingTools& pending,
                        std::string_view& unanswered) {
  unanswered = {};
  strip_line_blanks(line);
  if (line.empty()) return LineClass::kSkip;
  if (line.front() != '{') return LineClass::kNotObject;
  const bool small = line.size() <= kTailWindow;  // the tail window is the whole line
  const std::string_view head = line.substr(0, kHeadWindow);
  const std::string_view tail = small ? line : line.substr(line.size() - kTailWindow);
  // Usage first: a request line is never skipped for what else it holds.
  if (has_marker_near_end(tail, "\"usage\"")) return LineClass::kParse;
  if (const std::string_view tid = find_tool_use_id(head); !tid.empty()) {
    // A tool result: needed only for tools whose result we track.
    if (pending.find(tid) != pending.end()) return LineClass::kParse;
    unanswered = tid;
  } else if ((!small && has_marker(line, "\"usage\"")) || has_marker(head, "\"user\"")) {
    return LineClass::kParse;  // a request, or maybe a prompt that starts a turn
  }
  // Not parsed: a cheap shape check still catches torn and garbage lines.
  size_t k = 1;
  while (k < line.size() && (line[k] == ' ' || line[k] == '\t'))
    ++k;
  if (line.back() != '}' || k >= line.size() || (line[k] != '"' && line[k] != '}'))
    return LineClass::kBroken;
  return LineClass::kSkip;
}

const char* line_class_error(LineClass c) {
  switch (c) {
    case LineClass::kNotObject:
      return "not a JSON object";
    case LineClass::kBroken:
      return "truncated or broken JSON line";
    default:
      return "";
  }
}

}  // namespace codepulse::tracker
