// The vocabulary of tool results, shared by the parser (which reads them),
// the queue (which waits for them and folds their counts into the record
// that made the call) and the scanner (which carries them between the two).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace codepulse {

enum class ToolKind : uint8_t { kOther = 0, kRead = 1, kChange = 2, kGitCommit = 3 };

// The result of a tool call we wait for: counts and a commit sha, never lines.
struct ToolResultLine {
  std::string tool_use_id;
  int64_t lines_added = 0, lines_removed = 0;
  bool has_counts = false;
  std::string commit_sha;  // from a git commit's "[branch sha] ..." first output line
};

// Kinds of the tool calls whose results we still wait for, by tool_use id;
// looked up by string_view without allocating.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using PendingTools = std::unordered_map<std::string, ToolKind, StringHash, std::equal_to<>>;

}  // namespace codepulse
