// The carried state of a Codex rollout as text: "cx1|", then each field in a
// fixed order, a number as its digits and ',', a string as its length, ':'
// and its bytes.
#include "tracker/parse/codex_state.hpp"

#include <charconv>

namespace codepulse::tracker {
namespace {

constexpr std::string_view kTag = "cx1|";
constexpr size_t kMaxString = 1 << 16;

void put_int(std::string& out, int64_t v) {
  out += std::to_string(v);
  out.push_back(',');
}

void put_str(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out.push_back(':');
  out.append(s);
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : rest_(text) {}
  bool num(int64_t& v, int64_t lo, int64_t hi) {
    const size_t comma = rest_.find(',');
    if (comma == std::string_view::npos || comma == 0) return false;
    const char* end = rest_.data() + comma;
    auto [p, ec] = std::from_chars(rest_.data(), end, v);
    if (ec != std::errc() || p != end || v < lo || v > hi) return false;
    rest_.remove_prefix(comma + 1);
    return true;
  }
  bool str(std::string& s) {
    const size_t colon = rest_.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    size_t n = 0;
    auto [p, ec] = std::from_chars(rest_.data(), rest_.data() + colon, n);
    if (ec != std::errc() || p != rest_.data() + colon || n > kMaxString ||
        n > rest_.size() - colon - 1)
      return false;
    s.assign(rest_.substr(colon + 1, n));
    rest_.remove_prefix(colon + 1 + n);
    return true;
  }
  bool flag(bool& b) {
    int64_t v = 0;
    if (!num(v, 0, 1)) return false;
    b = v != 0;
    return true;
  }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

constexpr int64_t kMaxCount = INT64_MAX / 4;
constexpr int64_t kMaxCarriedWrittenLines = 1'000'000;  // per call

}  // namespace

std::string encode_codex_state(const CodexState& s) {
  std::string out(kTag);
  for (const std::string* str :
       {&s.thread_id, &s.parent_thread, &s.cwd, &s.branch, &s.version, &s.model, &s.turn_id})
    put_str(out, *str);
  for (bool b : {s.subagent, s.replay, s.inherited, s.records, s.has_totals})
    put_int(out, b ? 1 : 0);
  put_int(out, s.created_ms);
  put_int(out, s.model_source);
  put_int(out, s.metas);
  const CodexUsage& t = s.totals;
  for (int64_t v : {t.input, t.cached, t.cache_write, t.output, t.reasoning, t.total})
    put_int(out, v);
  put_int(out, static_cast<int64_t>(s.tools.size()));
  for (const ToolCall& c : s.tools) {
    put_str(out, c.id);
    put_str(out, c.name);
    put_str(out, c.file_path);
    put_int(out, static_cast<int64_t>(c.kind));
    put_int(out, c.counted ? 1 : 0);
    put_int(out, c.lines_added);
    put_int(out, c.lines_removed);
  }
  // Line provenance: each call's written lines' fingerprints (a state
  // carried by an older tracker ends before them).
  for (const ToolCall& c : s.tools) {
    put_int(out, static_cast<int64_t>(c.written_lines.size()));
    for (const int64_t p : c.written_lines)
      put_int(out, p);
  }
  return out;
}

bool decode_codex_state(std::string_view text, CodexState& s) {
  if (text.substr(0, kTag.size()) != kTag) return false;
  Cursor c(text.substr(kTag.size()));
  s = CodexState{};
  for (std::string* str :
       {&s.thread_id, &s.parent_thread, &s.cwd, &s.branch, &s.version, &s.model, &s.turn_id})
    if (!c.str(*str)) return false;
  for (bool* b : {&s.subagent, &s.replay, &s.inherited, &s.records, &s.has_totals})
    if (!c.flag(*b)) return false;
  int64_t source = 0, metas = 0, n = 0;
  if (!c.num(s.created_ms, 0, kMaxCount) || !c.num(source, 0, 2) || !c.num(metas, 0, 2))
    return false;
  s.model_source = static_cast<int>(source);
  s.metas = static_cast<int>(metas);
  CodexUsage& t = s.totals;
  for (int64_t* v : {&t.input, &t.cached, &t.cache_write, &t.output, &t.reasoning, &t.total})
    if (!c.num(*v, 0, kMaxCount)) return false;
  if (!c.num(n, 0, static_cast<int64_t>(kMaxCodexPendingTools))) return false;
  s.tools.resize(static_cast<size_t>(n));
  for (ToolCall& call : s.tools) {
    int64_t kind = 0;
    if (!c.str(call.id) || !c.str(call.name) || !c.str(call.file_path) || !c.num(kind, 0, 3) ||
        !c.flag(call.counted) || !c.num(call.lines_added, 0, kMaxCount) ||
        !c.num(call.lines_removed, 0, kMaxCount))
      return false;
    call.kind = static_cast<ToolKind>(kind);
  }
  if (c.done()) return true;
  for (ToolCall& call : s.tools) {
    int64_t lines = 0;
    if (!c.num(lines, 0, kMaxCarriedWrittenLines)) return false;
    call.written_lines.resize(static_cast<size_t>(lines));
    for (int64_t& p : call.written_lines)
      if (!c.num(p, INT64_MIN, INT64_MAX)) return false;
  }
  return c.done();
}

}  // namespace codepulse::tracker
