// The vocabulary of tool results, shared by the parser (which reads them),
// the queue (which waits for them and folds their counts into the record
// that made the call) and the scanner (which carries them between the two).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/record/usage_record.hpp"

namespace codepulse {

// kAnswered: a call whose result is awaited only for whether it failed.
enum class ToolKind : uint8_t { kOther = 0, kRead = 1, kChange = 2, kGitCommit = 3, kAnswered = 4 };

// The result of a tool call we wait for: counts, a commit sha and whether it
// failed, never lines.
struct ToolResultLine {
  std::string tool_use_id;
  int64_t lines_added = 0, lines_removed = 0;
  bool has_counts = false;
  std::string commit_sha;  // from a git commit's "[branch sha] ..." first output line
  bool error = false;      // the tool_result block's is_error (the flag, never the text)

  bool operator==(const ToolResultLine&) const = default;
};

// What the result of call `t` is awaited for: kOther when nothing (its result
// is seen, or it counts nothing and `failures_logged` is false: only Claude
// Code's lines, read by the Claude reader, log results apart from their calls).
inline ToolKind awaited_kind(const ToolUse& t, bool failures_logged) {
  if (t.result_seen) return ToolKind::kOther;
  return t.git_commit                      ? ToolKind::kGitCommit
         : t.action == FileAction::kChange ? ToolKind::kChange
         : failures_logged                 ? ToolKind::kAnswered
                                           : ToolKind::kOther;
}
// The assistants whose records come from Claude Code's log lines.
inline bool logs_failures(std::string_view assistant) {
  return assistant == "claude-code" || assistant == "claude-desktop";
}

// Kinds of the tool calls whose results we still wait for, by tool_use id;
// looked up by string_view without allocating.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using PendingTools = std::unordered_map<std::string, ToolKind, StringHash, std::equal_to<>>;

}  // namespace codepulse
